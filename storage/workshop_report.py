"""Workshops in a period: hours planned, held and cancelled, attendance, cost of held hours."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import distinct, func
from sqlmodel import Session, col, select

from storage.models import Participant, SignupStatus, Workshop, WorkshopSignup, WorkshopStatus
from storage.periods import (
    Bucket,
    ByGender,
    PricedPart,
    bucket_index,
    local_midnight,
    price,
    rates_in,
    total_cost,
)
from storage.rates import RatePeriod


@dataclass(frozen=True)
class WorkshopReport:
    """Workshops that started in the period (planned: all of them, whatever became of them)."""

    planned: int
    planned_hours: Decimal
    held: int
    held_hours: Decimal
    cancelled: int
    cancelled_hours: Decimal
    attendances: int
    people: ByGender
    parts: list[PricedPart]
    rates: list[RatePeriod]

    @property
    def cost(self) -> Decimal:
        """Held hours × the workshop rate valid that day."""
        return total_cost(self.parts)


def workshop_report(*, session: Session, days: list[Bucket], tz: ZoneInfo,
                    table: list[RatePeriod]) -> WorkshopReport:
    """Count workshops by status (held ones per bucket for the cost) and who attended."""
    start, ends = local_midnight(days[0].since, tz), [local_midnight(b.until, tz) for b in days]
    window = (Workshop.starts_at >= start, Workshop.starts_at < ends[-1])
    inner = select(bucket_index(Workshop.starts_at, ends).label("bucket"), Workshop.status,
                   Workshop.hours).where(*window).subquery()
    count = dict.fromkeys(WorkshopStatus, 0)
    hours = {k: Decimal(0) for k in count}
    held: dict[Bucket, Decimal] = {}
    for bucket, status, n, h in session.exec(
            select(inner.c.bucket, inner.c.status, func.count(), func.sum(inner.c.hours))
            .group_by(inner.c.bucket, inner.c.status)):
        if status not in count:
            continue
        count[status] += int(n)
        hours[status] += Decimal(h)
        if status == WorkshopStatus.held:
            held[days[bucket]] = Decimal(h)
    attended = (WorkshopSignup.status == SignupStatus.attended,
                Workshop.status == WorkshopStatus.held, *window)
    joined = select(func.count()).select_from(WorkshopSignup).join(
        Workshop, col(Workshop.id) == WorkshopSignup.workshop_id).where(*attended)
    people = ByGender.of(session.exec(
        select(Participant.gender, func.count(distinct(WorkshopSignup.participant_id)))
        .join(WorkshopSignup, col(WorkshopSignup.participant_id) == Participant.id)
        .join(Workshop, col(Workshop.id) == WorkshopSignup.workshop_id)
        .where(*attended).group_by(Participant.gender)))
    return WorkshopReport(
        planned=sum(count.values()), planned_hours=sum(hours.values(), Decimal(0)),
        held=count[WorkshopStatus.held], held_hours=hours[WorkshopStatus.held],
        cancelled=count[WorkshopStatus.cancelled], cancelled_hours=hours[WorkshopStatus.cancelled],
        attendances=int(session.exec(joined).one()),
        people=people, parts=price(held, table),
        rates=rates_in(table, days[0].since, days[-1].last_day))
