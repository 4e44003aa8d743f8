"""A participant's own view of their PSU hours: totals, what is left, earned this month."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, select

from storage.db import short
from storage.hours import entries, used
from storage.hours_rules import Limits, Used, left, month_bounds, month_buckets, settle
from storage.models import HourEntry, HourStatus, Participant, RateKind
from storage.periods import Bucket, bucket_index
from storage.rates import rate_periods


@dataclass(frozen=True)
class Overview:
    """What /godziny shows."""

    today: date
    in_psu: bool
    used: Used = field(default_factory=Used)
    left: Used = field(default_factory=Used)
    earned: Decimal = Decimal("0.00")
    pending: bool = False
    recent: list[HourEntry] = field(default_factory=list)


def earned(*, session: Session, participant_id: int, day: date) -> tuple[Decimal, bool]:
    """Counted hours of day's month priced per rate period; and whether some are unconfirmed."""
    first, last = month_bounds(day)
    table = rate_periods(session=session, kind=RateKind.psu)
    days = month_buckets(first, last, table)
    inner = select(bucket_index(HourEntry.work_date, [b.until for b in days]).label("bucket"),
                   HourEntry.status, HourEntry.hours).where(
        HourEntry.participant_id == participant_id, HourEntry.status != HourStatus.rejected,
        HourEntry.work_date >= first, HourEntry.work_date <= last).subquery()
    by_bucket: dict[Bucket, Decimal] = {}
    pending = False
    for bucket, status, hours in session.exec(
            select(inner.c.bucket, inner.c.status, func.sum(inner.c.hours))
            .group_by(inner.c.bucket, inner.c.status)):
        by_bucket[days[bucket]] = by_bucket.get(days[bucket], Decimal(0)) + Decimal(hours)
        pending = pending or status == HourStatus.submitted
    return settle(by_bucket, table)[1], pending


@short
def overview(*, session: Session, participant_id: int, today: date, limits: Limits,
             backdate_days: int) -> Overview:
    """Today's, this week's and this month's hours, what is left, earned, recent entries."""
    person = session.get(Participant, participant_id)
    if person is None or person.work_site_id is None:
        return Overview(today=today, in_psu=False)
    totals = used(session=session, participant_id=participant_id, day=today)
    amount, pending = earned(session=session, participant_id=participant_id, day=today)
    recent = entries(session=session, participant_id=participant_id,
                     since=today - timedelta(days=backdate_days), until=today)
    return Overview(today=today, in_psu=True, used=totals, left=left(limits, totals),
                    earned=amount, pending=pending, recent=recent)
