"""The statements of logging hours, built once: the hot write path of /godziny and GODZINY.

Each is a Core statement on the table with bind parameters, executed through the session (so
the change versions see it), reading or writing only the columns the rule needs: the ORM's
statement building, cache keys, row loading and unit-of-work flush cost more than SQLite
running them (bench/RESULTS.md, issue 21). The rules stay in storage/hours.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import bindparam, insert, select, update
from sqlmodel import Session

from storage.hours_rules import Used, month_bounds, used_around, week_bounds
from storage.models import HourEntry, HourStatus, Source

ENTRIES = HourEntry.__table__  # type: ignore[attr-defined]
_AROUND = (select(ENTRIES.c.id, ENTRIES.c.work_date, ENTRIES.c.hours, ENTRIES.c.status)
           .where(ENTRIES.c.participant_id == bindparam("person"),
                  ENTRIES.c.status != HourStatus.rejected,
                  ENTRIES.c.work_date.between(bindparam("since"), bindparam("until"))))
_INSERT = insert(ENTRIES).returning(ENTRIES.c.id)
# Only while submitted: on PostgreSQL a confirmation in flight is waited for, and the UPDATE
# then finds the row confirmed and changes nothing (READ COMMITTED re-checks the condition).
_REPLACE = (update(ENTRIES).where(ENTRIES.c.id == bindparam("entry"),
                                  ENTRIES.c.status == HourStatus.submitted)
            .values(hours=bindparam("new_hours"), updated_at=bindparam("at"))
            .returning(*ENTRIES.c))


@dataclass(frozen=True)
class DayEntry:
    """The day's live entry, as far as the rule needs it."""

    id: int
    hours: Decimal
    status: HourStatus


def around(session: Session, participant_id: int, day: date) -> tuple[Used, DayEntry | None]:
    """What the person's counted entries add up to around day, and the day's live entry.

    One query: the entries of the day's ISO week and month (at most 37 rows). Call it after
    the person's lock: nothing else changes their hours or their entries' existence meanwhile
    (every such change takes that lock). Staff may still confirm the day's entry: the status
    read here can be stale on PostgreSQL, so `replace_hours` changes it only while submitted."""
    (monday, sunday), (first, last) = week_bounds(day), month_bounds(day)
    rows = session.execute(_AROUND, {"person": participant_id, "since": min(monday, first),
                                     "until": max(sunday, last)}).all()
    found = next((DayEntry(r.id, r.hours, r.status) for r in rows if r.work_date == day), None)
    return used_around(day, [(r.work_date, r.hours) for r in rows]), found


def insert_entry(session: Session, *, participant_id: int, work_site_id: int | None,
                 work_date: date, hours: Decimal, source: Source, now: datetime) -> HourEntry:
    """A new submitted entry (the returned object is not in the session)."""
    entry = HourEntry(participant_id=participant_id, work_site_id=work_site_id,
                      work_date=work_date, hours=hours, status=HourStatus.submitted,
                      source=source, reason=None, created_at=now, updated_at=now,
                      confirmed_by=None, confirmed_at=None)
    values = {column.name: getattr(entry, column.name) for column in ENTRIES.c
              if column.name != "id"}
    entry.id = session.execute(_INSERT, values).scalar_one()
    return entry


def replace_hours(session: Session, entry_id: int, hours: Decimal,
                  now: datetime) -> HourEntry | None:
    """The submitted entry with new hours (None: it has been confirmed; the returned object is
    not in the session)."""
    row = session.execute(_REPLACE, {"entry": entry_id, "new_hours": hours, "at": now}).first()
    return HourEntry(**row._mapping) if row is not None else None
