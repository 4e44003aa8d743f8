"""Erase and export are complete: a person with a bit of everything, then every table and
column of the schema is walked (so a new table or column is checked by itself)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select as sa_select
from sqlmodel import SQLModel, select

from handlers import scheduled
from storage import broadcasts, conversation, hours, invites, outbox, privacy, workshops
from storage import consultations as c
from storage.clock import ManualClock
from storage.db import Database
from storage.hours_rules import Limits
from storage.models import AuditLog, OutboxMessage, Participant
from storage.settings import load_settings
from tests.auxil.factories import Factory

PHONE, TELEGRAM = "+48601999888", 777001
TRACES = ("Zenobia", "Wrzosowska", "Łęcka", "(77)", "601999888", str(TELEGRAM))


def zenobia(db: Database, make: Factory, clock: ManualClock) -> Participant:
    """A participant who did a bit of everything, and staff who got messages naming her."""
    settings = load_settings(None)
    person = make.participant("77", "Zenobia", last_name="Wrzosowska-Łęcka", phone=PHONE,
                              telegram_user_id=TELEGRAM, work_site="Biblioteka")
    inna = make.participant("78", "Inna", phone="+48601000078", telegram_user_id=778,
                            work_site="Biblioteka")
    monika = make.staff("Monika", "psychologist", telegram_user_id=5001)
    kasia = make.staff("Kasia", "social_worker", "coordinator", telegram_user_id=5002)
    now = clock.now()
    [slot, *_] = make.slots(monika, "07.12", "10:00-11:00")
    make.booking(person, slot)
    db.call(c.join_waitlist, participant_id=person.id, service="career_advisor", now=now)
    db.call(hours.log_hours, participant_id=person.id, work_date=now.date(), hours=Decimal(3),
            today=now.date(), limits=Limits(), backdate_days=7, now=now)
    db.call(hours.log_hours, participant_id=inna.id, work_date=now.date(), hours=Decimal(2),
            today=now.date(), limits=Limits(), backdate_days=7, now=now)  # in the same summary
    db.call(hours.staff_add, staff_id=kasia.id, participant_id=person.id,
            work_date=now.date() - timedelta(days=1), hours=Decimal(2),
            reason="Zenobia Wrzosowska-Łęcka dzwoniła z 601999888", today=now.date(), limits=Limits(),
            now=now)
    wid = db.call(workshops.create, title="Gotowanie", starts_at=now + timedelta(days=2),
                  place="Sala", capacity=5, hours=Decimal(2), staff_id=kasia.id, now=now).id
    draft = db.call(broadcasts.start_draft, staff_id=kasia.id, now=now, text="Zaproszenie",
                    workshop_id=wid)
    db.call(broadcasts.set_audience, broadcast_id=draft.id, staff_id=kasia.id, audience="all")
    db.call(broadcasts.confirm, broadcast_id=draft.id, staff_id=kasia.id, now=now, tz=settings.tz)
    claimed = db.call(outbox.claim_due, now=now, worker="w", limit=100)
    db.call(outbox.finish_many, outcomes=[outbox.Outcome(m.id, "sent") for m in claimed], now=now)
    db.call(workshops.answer, workshop_id=wid, participant_id=person.id, yes=True, now=now)
    db.call(invites.create_invite, participant=person, now=now, ttl_days=7, actor="cli")
    db.call(invites.redeem_invite, code="zły-kod", telegram_user_id=TELEGRAM, now=now)
    db.call(conversation.set_state, key=conversation.sms_key(PHONE), data={"step": "day"}, now=now)
    db.call(conversation.set_state, key=conversation.unknown_key(PHONE), data={"day": "x"}, now=now)
    clock.set(datetime(2026, 12, 7, 15, 30, tzinfo=UTC))  # 16:30 Warsaw: after the visit, summary due
    db.call(scheduled.plan_reminders, now=clock.now(), settings=settings)  # Monika: mark Zenobia
    db.call(scheduled.daily_jobs, now=clock.now(), settings=settings)  # Kasia: the day's hours
    return person


def everything(db: Database) -> dict[str, list[dict[str, object]]]:
    """Every row of every table of the schema."""
    with db.session() as s:
        return {t.name: [dict(r) for r in s.execute(sa_select(t)).mappings()]
                for t in SQLModel.metadata.sorted_tables}


def referring_columns() -> list[tuple[str, str]]:
    """(table, column) of every column referring to a participant: by foreign key or name."""
    return [(t.name, col.name) for t in SQLModel.metadata.sorted_tables for col in t.columns
            if t.name != "participants" and (col.name == "participant_id" or any(
                fk.column.table.name == "participants" for fk in col.foreign_keys))]


def test_the_example_person_left_traces_everywhere_worth_checking(
        db: Database, make: Factory, clock: ManualClock) -> None:
    person = zenobia(db, make, clock)
    dump = json.dumps(everything(db), default=str, ensure_ascii=False)
    with db.session() as s:
        staff_texts = [m.text for m in s.exec(select(OutboxMessage).where(
            OutboxMessage.participant_id.is_(None)))]  # type: ignore[union-attr]
    assert any("Zenobia Wrzosowska-Łęcka" in t for t in staff_texts), staff_texts  # prompt, summary
    assert any("Zenobia" in t and "Inna" in t for t in staff_texts)  # one summary, both names
    assert all(trace in dump for trace in TRACES)
    assert person.id is not None and len(referring_columns()) >= 6


def test_export_holds_every_row_about_the_person(db: Database, make: Factory,
                                                 clock: ManualClock) -> None:
    person = zenobia(db, make, clock)
    rows = everything(db)
    data = db.call(lambda session: privacy.export_person(
        session=session, participant=session.get(Participant, person.id)))
    json.dumps(data)  # JSON-ready
    exported = json.dumps(data, ensure_ascii=False)
    for table, column in referring_columns():
        mine = [r for r in rows[table] if r[column] == person.id]
        key = "messages" if table == "outbox" else table
        assert sorted(r["id"] for r in data.get(key, [])) == sorted(r["id"] for r in mine), table
    assert data["participant"]["first_name"] == "Zenobia"
    me = f"participant:{person.id}"
    did = {a["action"] for a in data["audit_log"] if a["actor"] == me}
    assert {"booking_create", "hours_log"} <= did  # what the person did themselves
    about = {a["action"] for a in data["audit_log"]}
    assert {"participant_add", "hours_staff_add", "invite_create"} <= about
    assert len(data["conversation_state"]) == 2 and len(data["start_attempts"]) == 1
    mentioned = {m["kind"] for m in data["mentions"] if m["table"] == "outbox"}
    assert {"prompt", "summary"} <= mentioned
    assert all("Zenobia" in line for m in data["mentions"] for line in m["lines"])
    assert "Inna" not in exported  # the summary named her too: not Zenobia's to see
    assert "dzwoniła z 601999888" in exported


def test_erase_leaves_no_name_phone_or_telegram_id_anywhere(db: Database, make: Factory,
                                                            clock: ManualClock) -> None:
    person = zenobia(db, make, clock)
    with db.session() as s:
        audits_before = len(s.exec(select(AuditLog)).all())
    db.call(lambda session: privacy.anonymize(
        session=session, participant=session.get(Participant, person.id), actor="cli",
        now=clock.now()))
    for table, rows in everything(db).items():
        for row in rows:
            for column, value in row.items():
                text = json.dumps(value, default=str, ensure_ascii=False)
                assert not [t for t in TRACES if t in text], f"{table}.{column}: {text}"
    with db.session() as s:
        assert len(s.exec(select(AuditLog)).all()) == audits_before + 1  # kept, scrubbed
        other = s.exec(select(Participant).where(Participant.number == "78")).one()
        assert (other.first_name, other.phone) == ("Inna", "+48601000078")  # nobody else touched
