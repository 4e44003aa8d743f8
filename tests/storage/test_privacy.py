"""RODO: export everything, anonymise keeping statistics, retention after leaving."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import app
from storage import invites, outbox, people, privacy
from storage.clock import ManualClock
from storage.db import Database
from storage.models import HourEntry, HourStatus, InviteCode, OutboxMessage, Participant


def add_anna(db: Database, clock: ManualClock, left_on: date | None = None) -> Participant:
    new = people.NewParticipant(number="12", first_name="Anna", last_name="Kowalska", gender="K",
                                phone="+48601234567", referred_on=date(2021, 1, 4))
    anna = db.call(people.add_participant, new=new, actor="cli", now=clock.now())
    with db.session() as s:
        row = s.get(Participant, anna.id)
        row.telegram_user_id, row.left_on = 1001, left_on  # type: ignore[union-attr]
        s.add(HourEntry(participant_id=anna.id, work_date=date(2021, 2, 1), hours=Decimal("4.5"),  # type: ignore[arg-type]
                        status=HourStatus.confirmed))
        outbox.enqueue(session=s, dedupe_key="n:1", kind="notice", text="Jutro 10:00 rozmowa",
                       due_at=clock.now() + timedelta(days=1), participant=row)
    db.call(invites.create_invite, participant=anna, now=clock.now(), ttl_days=14, actor="cli")
    return anna


def test_export_has_everything_about_the_person(db: Database, clock: ManualClock) -> None:
    anna = add_anna(db, clock)
    data = db.call(lambda session: privacy.export_person(
        session=session, participant=session.get(Participant, anna.id)))
    json.dumps(data)  # JSON-ready
    assert data["participant"]["first_name"] == "Anna"
    assert data["hour_entries"][0]["hours"] == "4.5"
    assert data["messages"][0]["text"] == "Jutro 10:00 rozmowa"
    assert [e["action"] for e in data["audit_log"]] == ["participant_add", "invite_create"]


def test_erase_keeps_statistics_and_removes_identity(db: Database, clock: ManualClock) -> None:
    anna = add_anna(db, clock)
    db.call(lambda session: privacy.anonymize(
        session=session, participant=session.get(Participant, anna.id), actor="cli", now=clock.now()))
    with db.session() as s:
        row = s.get(Participant, anna.id)
        assert row is not None
        assert (row.first_name, row.last_name, row.phone, row.telegram_user_id) == ("—", "—", None, None)
        assert (row.gender, row.referred_on, row.number) == ("K", date(2021, 1, 4), f"anon-{anna.id}")
        assert s.exec(select(HourEntry.hours)).all() == [Decimal("4.5")]
        assert s.exec(select(InviteCode)).all() == []
        message = s.exec(select(OutboxMessage)).one()
        assert (message.status, message.text, message.phone) == ("cancelled", "—", None)


def test_retention_anonymises_only_those_long_gone(db: Database, clock: ManualClock) -> None:
    gone = add_anna(db, clock, left_on=date(2020, 1, 1))
    staying = db.call(people.add_participant, new=people.NewParticipant(
        number="13", first_name="Jan", last_name="Nowak", gender="M", phone=None,
        referred_on=date(2021, 1, 4)), actor="cli", now=clock.now())
    count = db.call(privacy.anonymize_expired, today=date(2026, 12, 7), retention_days=365 * 5,
                    now=clock.now())
    assert count == 1
    with db.session() as s:
        assert s.get(Participant, gone.id).first_name == "—"  # type: ignore[union-attr]
        assert s.get(Participant, staying.id).first_name == "Jan"  # type: ignore[union-attr]
    assert db.call(privacy.anonymize_expired, today=date(2026, 12, 7), retention_days=365 * 5,
                   now=clock.now()) == 0


def test_cli_export_erase_and_audit(db: Database, db_url: str, clock: ManualClock, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    add_anna(db, clock)
    monkeypatch.chdir(tmp_path)
    runner, env = CliRunner(), {"DATABASE_URL": db_url}
    out = tmp_path / "anna.json"
    assert runner.invoke(app, ["participants", "export", "12", "--out", str(out)], env=env).exit_code == 0
    assert json.loads(out.read_text())["participant"]["last_name"] == "Kowalska"
    refused = runner.invoke(app, ["participants", "erase", "12"], env=env, input="n\n")
    assert refused.exit_code == 1
    erased = runner.invoke(app, ["participants", "erase", "12", "--yes"], env=env)
    assert erased.exit_code == 0, erased.output
    log = runner.invoke(app, ["audit"], env=env).output
    assert "participant_export" in log and "participant_erase" in log
    assert "Kowalska" not in log and "601234567" not in log
