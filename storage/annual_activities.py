"""Parts III and IV of the annual report: activities with their effects, and the grants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.grants import list_grants
from storage.models import (
    Booking,
    BookingStatus,
    HourEntry,
    HourStatus,
    Service,
    SignupStatus,
    Workshop,
    WorkshopSignup,
    WorkshopStatus,
)
from storage.periods import ByGender, local_midnight, minutes_to_hours

WORKSHOPS, PSU = "workshops", "psu"
ACTIVITY_KINDS = (Service.psychologist, Service.career_advisor, WORKSHOPS, PSU)


@dataclass(frozen=True)
class ActivityRow:
    """One kind of activity: how many meetings (days of PSU), hours, who took part, effects."""

    kind: str
    meetings: int
    hours: Decimal
    people: ByGender
    effects: ByGender  # of those people, who left in the year with a reintegration effect


@dataclass(frozen=True)
class GrantRow:
    """One grant."""

    source: str
    granted: Decimal
    spent: Decimal

    @property
    def unspent(self) -> Decimal:
        """What was not spent (to be returned)."""
        return self.granted - self.spent


@dataclass(frozen=True)
class GrantsPart:
    """Part IV: the grants recorded for the year (none recorded: rows empty)."""

    year: int
    rows: list[GrantRow]

    @property
    def total(self) -> GrantRow:
        """All grants together."""
        return GrantRow("", sum((r.granted for r in self.rows), Decimal(0)),
                        sum((r.spent for r in self.rows), Decimal(0)))


def activities(*, session: Session, first: date, last: date, tz: ZoneInfo,
               genders: dict[int, str], effect_ids: set[int]) -> list[ActivityRow]:
    """Consultations per service, workshops held and PSU, in the year's local days."""
    start, end = local_midnight(first, tz), local_midnight(last + timedelta(days=1), tz)
    rows = []
    for service in (Service.psychologist, Service.career_advisor):
        found = session.exec(select(Booking.participant_id, Booking.minutes).where(
            Booking.status == BookingStatus.attended, Booking.service == service,
            Booking.starts_at >= start, Booking.starts_at < end)).all()
        rows.append(_row(service, len(found), minutes_to_hours(sum(m for _, m in found)),
                         {pid for pid, _ in found}, genders, effect_ids))
    held = session.exec(select(Workshop.id, Workshop.hours).where(
        Workshop.status == WorkshopStatus.held, Workshop.starts_at >= start,
        Workshop.starts_at < end)).all()
    came = set(session.exec(select(WorkshopSignup.participant_id).where(
        WorkshopSignup.status == SignupStatus.attended,
        col(WorkshopSignup.workshop_id).in_([w for w, _ in held]))).all()) if held else set()
    rows.append(_row(WORKSHOPS, len(held), sum((h for _, h in held), Decimal(0)), came, genders,
                     effect_ids))
    confirmed = (HourEntry.status == HourStatus.confirmed, HourEntry.work_date >= first,
                 HourEntry.work_date <= last)
    days, hours = session.exec(select(func.count(), func.sum(HourEntry.hours))
                               .where(*confirmed)).one()
    ids = set(session.exec(select(HourEntry.participant_id).where(*confirmed).distinct()).all())
    rows.append(_row(PSU, int(days), Decimal(hours or 0), ids, genders, effect_ids))
    return rows


def _row(kind: str, meetings: int, hours: Decimal, ids: set[int], genders: dict[int, str],
         effect_ids: set[int]) -> ActivityRow:
    return ActivityRow(kind, meetings, hours,
                       ByGender.of((genders.get(i, ""), 1) for i in ids),
                       ByGender.of((genders.get(i, ""), 1) for i in ids & effect_ids))


def grants_part(*, session: Session, year: int) -> GrantsPart:
    """The grants recorded for the year."""
    return GrantsPart(year, [GrantRow(g.source, g.granted, g.spent)
                             for g in list_grants(session=session, year=year)])
