"""Property-based: parsers and imports answer any input with a clear error, never a crash."""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from handlers.texts.errors import row_sentence
from storage import broadcasts, outbox, people, sites
from storage.clock import ManualClock
from storage.csvfile import ImportFailed
from storage.db import Database
from storage.hours_rules import parse_hours
from storage.models import Broadcast, OutboxMessage, Participant
from storage.parsing import parse_amount, parse_date, parse_gender, parse_phone

NASTY = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["'; DROP TABLE participants; --", "1 OR 1=1", "\u202e601234567", "٤٫٥",
                     "4,5\u0000", "NaN", "Infinity", "-0", "1e9999", "31.02.2021", "9" * 5000,
                     "\ufeffK", "ｋ", "+48 601 234 567 ext. 9", "0000-00-00"]),
)


@pytest.mark.parametrize("parse", [parse_date, parse_phone, parse_gender, parse_hours, parse_amount])
@given(text=NASTY)
@settings(max_examples=150, deadline=None)
def test_parsers_raise_only_value_error(parse, text: str) -> None:
    with contextlib.suppress(ValueError):
        parse(text)


@given(hours=NASTY)
@settings(max_examples=100, deadline=None)
def test_parsed_hours_are_positive_half_steps(hours: str) -> None:
    try:
        value = parse_hours(hours)
    except ValueError:
        return
    assert value > 0 and (value * 2) % 1 == 0


ROW = st.lists(NASTY, min_size=0, max_size=9).map(lambda cells: ",".join(
    '"' + c.replace('"', '""') + '"' for c in cells))


@given(rows=st.lists(ROW, max_size=6), raw=st.binary(max_size=200))
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_participant_import_fails_cleanly_and_saves_nothing(db: Database, tmp_path: Path,
                                                            clock: ManualClock, rows: list[str],
                                                            raw: bytes) -> None:
    header = "number,first_name,last_name,gender,phone,referred_on,work_site"
    for content in (("\n".join([header, *rows]) + "\n").encode(), raw):
        path = tmp_path / "fuzz.csv"
        path.write_bytes(content)
        try:
            result = db.call(people.import_participants, path=path, actor="cli", now=clock.now())
        except ImportFailed as failed:
            assert failed.errors
            assert all(row_sentence(e) for e in failed.errors)  # every error renders
        else:
            assert result.created <= len(rows)
        with db.session() as s:  # clean up what a valid fuzz file added
            for p in people.list_participants(session=s):
                s.delete(p)


@given(raw=st.binary(max_size=300))
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_sites_import_never_crashes(db: Database, tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "sites.csv"
    path.write_bytes(raw)
    try:
        db.call(sites.import_sites, path=path)
    except ImportFailed as failed:
        assert all(row_sentence(e) for e in failed.errors)


def test_control_characters_never_reach_a_table(db: Database, make) -> None:
    """A NUL in a notice or a JSON payload is dropped before the INSERT (PostgreSQL refuses NUL)."""
    anna = make.participant("12", "Anna", telegram_user_id=1001)
    coordinator = make.staff("Jan", "coordinator")
    now = make.clock.now()
    draft = db.call(broadcasts.start_draft, staff_id=coordinator.id, now=now)
    db.call(broadcasts.set_text, broadcast_id=draft.id, staff_id=coordinator.id,
            text="Zebranie\x00 jutro\x07 o 10:00\n\tsala 2\x1b")
    db.call(outbox.enqueue, dedupe_key="k", kind="notice", text="a\x00b", due_at=now,
            participant=anna, payload={"buttons": [[["Tak\x00", "x"]]]})
    with db.session() as s:
        assert s.get(Broadcast, draft.id).text == "Zebranie jutro o 10:00\n\tsala 2"
        row = s.exec(select(OutboxMessage)).one()
        assert (row.text, row.payload) == ("ab", {"buttons": [[["Tak", "x"]]]})


def test_a_failed_statement_never_shows_its_parameters(db: Database, make) -> None:
    """hide_parameters: the error (and so the JSON log) names no person."""
    make.participant("12", "Zofia", last_name="Tajemnicza")
    with pytest.raises(IntegrityError) as failed, db.session() as s:
        s.add(Participant(number="12", first_name="Zofia", last_name="Tajemnicza", gender="K",
                          referred_on=date(2026, 11, 2)))
        s.flush()
    assert "Tajemnicza" not in str(failed.value)
    assert "parameters hidden" in str(failed.value)
