"""Statuses are StrEnums: stored as the same plain strings, read back as the enum, never a typo."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError
from sqlmodel import select

from storage import people
from storage.clock import ManualClock
from storage.db import Database
from storage.models import HourEntry, HourStatus, Source


def _person(db: Database, clock: ManualClock) -> int:
    new = people.NewParticipant(number="7", first_name="Jan", last_name="Nowak", gender="M",
                                phone=None, referred_on=date(2021, 1, 4))
    return db.call(people.add_participant, new=new, actor="cli", now=clock.now()).id  # type: ignore[return-value]


def test_a_status_is_stored_as_its_string_and_read_back_as_the_enum(db: Database,
                                                                    clock: ManualClock) -> None:
    """The database holds 'confirmed' and 'import' (no migration); Python gets the enums."""
    pid = _person(db, clock)
    with db.session() as s:
        s.add(HourEntry(participant_id=pid, work_date=date(2021, 2, 1), hours=Decimal(4),
                        status=HourStatus.confirmed, source=Source.imported))
    with db.session() as s:
        raw = s.execute(text("SELECT status, source FROM hour_entries")).one()
        entry = s.exec(select(HourEntry)).one()
    assert tuple(raw) == ("confirmed", "import")
    assert type(entry.status) is HourStatus and entry.status is HourStatus.confirmed
    assert entry.source is Source.imported


def test_a_status_outside_the_enum_is_refused(db: Database, clock: ManualClock) -> None:
    """A typo in a status never reaches the database."""
    pid = _person(db, clock)
    with pytest.raises(StatementError), db.session() as s:
        s.add(HourEntry(participant_id=pid, work_date=date(2021, 2, 1), hours=Decimal(4),
                        status="confirmd"))  # type: ignore[arg-type]
        s.flush()
