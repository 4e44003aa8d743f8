"""The staff's daily PSU summary: who logged what where, who logged nothing, who is near a limit."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func
from sqlmodel import Session, col, select

from storage import versions
from storage.db import Database, in_transaction, short
from storage.hours_rules import Limits, Used, left, month_bounds, near_limit, week_bounds
from storage.models import HourEntry, HourStatus, Participant, WorkSite

PENDING_SHOWN = 30


@dataclass(frozen=True)
class Line:
    """One entry as staff see it."""

    entry_id: int
    number: str
    name: str
    work_date: date
    hours: Decimal
    status: str


@dataclass(frozen=True)
class SiteDay:
    """A work site's entries of the day."""

    site: str
    lines: list[Line]

    @property
    def hours(self) -> Decimal:
        """Hours logged at the site that day."""
        return sum((line.hours for line in self.lines), Decimal(0))


@dataclass(frozen=True)
class Load:
    """A participant's week and month so far, and what is left."""

    number: str
    name: str
    used: Used
    left: Used


@dataclass(frozen=True)
class DailySummary:
    """Everything staff need about PSU hours on one day."""

    day: date
    sites: list[SiteDay] = field(default_factory=list)
    idle: list[tuple[str, str]] = field(default_factory=list)
    near: list[Load] = field(default_factory=list)
    pending: list[Line] = field(default_factory=list)
    pending_count: int = 0


def _name(person: Participant) -> str:
    return f"{person.first_name} {person.last_name}"


def _in_psu_on(day: date) -> tuple[object, ...]:
    """Conditions: the participant works at a PSU site and is in the club on day."""
    return (col(Participant.work_site_id).is_not(None), Participant.referred_on <= day,
            col(Participant.left_on).is_(None) | (Participant.left_on >= day),
            col(Participant.anonymized_at).is_(None))


def day_sites(session: Session, day: date) -> list[SiteDay]:
    """The day's counted entries grouped by site (site name order)."""
    site = func.coalesce(WorkSite.name, "")
    rows = session.exec(
        select(HourEntry, Participant, site)
        .join(Participant, col(Participant.id) == HourEntry.participant_id)
        .outerjoin(WorkSite, col(WorkSite.id) == func.coalesce(HourEntry.work_site_id,
                                                                Participant.work_site_id))
        .where(HourEntry.work_date == day, HourEntry.status != HourStatus.rejected)
        .order_by(site, Participant.number)).all()
    grouped: dict[str, list[Line]] = {}
    for entry, person, name in rows:
        grouped.setdefault(name, []).append(Line(entry.id, person.number, _name(person),  # type: ignore[arg-type]
                                                 entry.work_date, entry.hours, entry.status))
    return [SiteDay(name, lines) for name, lines in grouped.items()]


def loads(session: Session, day: date, limits: Limits) -> tuple[list[tuple[str, str]], list[Load]]:
    """(nobody-this-week list, near-a-limit list) from one GROUP BY over the month and week."""
    (monday, _), (first, _) = week_bounds(day), month_bounds(day)
    counted = (HourEntry.participant_id == Participant.id, HourEntry.status != HourStatus.rejected,
               HourEntry.work_date >= min(monday, first), HourEntry.work_date <= day)
    in_week = func.coalesce(func.sum(case((HourEntry.work_date >= monday, HourEntry.hours),
                                          else_=0)), 0)
    in_month = func.coalesce(func.sum(case((HourEntry.work_date >= first, HourEntry.hours),
                                           else_=0)), 0)
    rows = session.exec(
        select(Participant, in_week, in_month).outerjoin(HourEntry, and_(*counted))
        .where(*_in_psu_on(day)).group_by(col(Participant.id)).order_by(Participant.number)).all()
    idle, near = [], []
    for person, week, month in rows:
        used = Used(Decimal(0), Decimal(week), Decimal(month))
        if not used.week:
            idle.append((person.number, _name(person)))
        elif near_limit(limits, used):
            near.append(Load(person.number, _name(person), used, left(limits, used)))
    return idle, near


def pending(session: Session, day: date, shown: int = PENDING_SHOWN) -> tuple[list[Line], int]:
    """Unconfirmed entries up to day (oldest first, at most `shown`) and how many there are."""
    where = (HourEntry.status == HourStatus.submitted, HourEntry.work_date <= day)
    count = session.exec(select(func.count()).select_from(HourEntry).where(*where)).one()
    rows = session.exec(select(HourEntry, Participant)
                        .join(Participant, col(Participant.id) == HourEntry.participant_id)
                        .where(*where).order_by(HourEntry.work_date, Participant.number)
                        .limit(shown)).all()
    return [Line(e.id, p.number, _name(p), e.work_date, e.hours, e.status)  # type: ignore[arg-type]
            for e, p in rows], int(count)


def daily_summary(*, session: Session, day: date, limits: Limits) -> DailySummary:
    """The daily summary for staff (and for the 16:00 job)."""
    idle, near = loads(session, day, limits)
    waiting, count = pending(session, day)
    return DailySummary(day=day, sites=day_sites(session, day), idle=idle, near=near,
                        pending=waiting, pending_count=count)


@short
def summary_version(*, session: Session) -> str | None:
    """The token that changes whenever hours, participants or sites change (any process)."""
    return versions.current(session=session, key=versions.HOURS_SUMMARY)


async def latest_version(db: Database) -> str | None:
    """The summary's version now: on PostgreSQL this process's copy while it listens for
    changes (no trip), else read (SQLite: inline; PostgreSQL: in a worker thread). Inside a
    `Database.transaction()` it is read: the copy knows only what was committed."""
    if db.versions is not None and not in_transaction():
        known, token = db.versions.get(versions.HOURS_SUMMARY)
        if known:
            return token
    return await db.run(summary_version)


def versioned_summary(*, session: Session, day: date,
                      limits: Limits) -> tuple[DailySummary, str | None]:
    """The daily summary and the version it is at least as new as (read before it)."""
    version = summary_version(session=session)
    return daily_summary(session=session, day=day, limits=limits), version


class SummaryCache:
    """The last few daily summaries by (day, limits, version), each with what was made of it
    (the moment it shows, its text): computed once per change, not per request.

    An entry logged, corrected, confirmed or rejected, a participant or a site changed,
    anywhere, changes the version (storage/versions.py) and the next request computes the
    summary again."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._items: OrderedDict[tuple[date, Limits, str | None], Any] = OrderedDict()

    def get(self, day: date, limits: Limits, version: str | None) -> Any:
        """What was kept for this version of the day's summary, or None."""
        found = self._items.get((day, limits, version))
        if found is not None:
            self._items.move_to_end((day, limits, version))
        return found

    def put(self, day: date, limits: Limits, version: str | None, value: Any) -> None:
        """Keep it (the oldest goes when there are more than `size`)."""
        self._items[(day, limits, version)] = value
        while len(self._items) > self.size:
            self._items.popitem(last=False)
