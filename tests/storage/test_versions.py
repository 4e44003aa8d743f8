"""Change versions (storage/versions.py): what changes the daily summary's token, and what not."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from storage import hours, people, versions
from storage.db import Database
from storage.errors import DomainError
from storage.hours_rules import Limits
from storage.hours_summary import daily_summary
from storage.locks import lock
from storage.models import Participant
from tests.auxil.factories import Factory

TODAY = date(2026, 12, 7)
NOW = datetime(2026, 12, 7, 8, tzinfo=UTC)


def token(db: Database) -> str | None:
    return db.call(versions.current, key=versions.HOURS_SUMMARY)


def log(db: Database, who: Participant, h: str) -> hours.Logged:
    return db.call(hours.log_hours, participant_id=who.id, work_date=TODAY, hours=D(h),
                   today=TODAY, limits=Limits(), backdate_days=7, now=NOW)


def test_writes_to_hours_people_or_sites_change_the_summary_version(make: Factory,
                                                                    db: Database) -> None:
    make.site("Biblioteka")
    anna = make.participant("1", "Anna", work_site="Biblioteka")
    seen = {token(db)}
    log(db, anna, "4")
    assert token(db) not in seen
    seen.add(token(db))
    db.call(hours.confirm, staff_id=make.staff("Jan", "coordinator").id, now=NOW, up_to=TODAY)
    assert token(db) not in seen  # a bulk UPDATE … RETURNING counts too
    seen.add(token(db))
    with db.session() as s:
        s.get(Participant, anna.id).first_name = "Ania"  # type: ignore[union-attr]
    assert token(db) not in seen


def test_reads_locks_and_refusals_leave_the_version_alone(make: Factory, db: Database) -> None:
    make.site("Biblioteka")
    anna = make.participant("1", "Anna", work_site="Biblioteka")
    log(db, anna, "4")
    before = token(db)
    db.call(daily_summary, day=TODAY, limits=Limits())
    db.call(people.identify, telegram_user_id=12345)
    db.call(lambda session: lock(session, Participant, anna.id))
    with pytest.raises(DomainError):
        log(db, anna, "9")  # over the day's limit: rolled back, nothing changed
    assert token(db) == before
