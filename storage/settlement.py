"""The monthly PSU settlement: confirmed hours per participant and site, each day at its own rate."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.hours_rules import month_bounds, month_buckets, settle
from storage.models import HourEntry, HourStatus, Participant, RateKind, WorkSite
from storage.periods import Bucket, PricedPart, rates_in
from storage.rates import RatePeriod, rate_periods


@dataclass(frozen=True)
class SettlementRow:
    """One participant at one site: confirmed hours, priced parts and the amount."""

    number: str
    name: str
    site: str
    hours: Decimal
    parts: list[PricedPart]
    amount: Decimal

    @property
    def rates(self) -> list[Decimal | None]:
        """The distinct rates this row was paid at, in date order."""
        out: list[Decimal | None] = []
        for part in self.parts:
            if part.rate not in out:
                out.append(part.rate)
        return out


@dataclass(frozen=True)
class Settlement:
    """A month's settlement for the labour office."""

    month: date
    places: int
    rows: list[SettlementRow] = field(default_factory=list)
    rates: list[RatePeriod] = field(default_factory=list)
    unconfirmed_hours: Decimal = Decimal(0)

    @property
    def last_day(self) -> date:
        """The month's last day."""
        return month_bounds(self.month)[1]

    @property
    def people(self) -> int:
        """How many participants are paid for the month."""
        return len({row.number for row in self.rows})

    @property
    def total_hours(self) -> Decimal:
        """All confirmed hours."""
        return sum((row.hours for row in self.rows), Decimal(0))

    @property
    def total_amount(self) -> Decimal:
        """All amounts."""
        return sum((row.amount for row in self.rows), Decimal("0.00"))

    @property
    def unpriced(self) -> bool:
        """Whether some hours fall on days without a rate."""
        return any(None in row.rates for row in self.rows)


def _grouped(session: Session, days: list[Bucket]) -> dict[tuple[int, int | None], dict[Bucket, Decimal]]:
    """Confirmed hours summed per (participant, entry's site) for each rate bucket, in SQL.

    One GROUP BY per bucket (a month has one, two with a rate change), each a range scan of
    the covering index; the person's own site stands in for entries without one (by caller).
    """
    out: dict[tuple[int, int | None], dict[Bucket, Decimal]] = {}
    for bucket in days:
        for pid, site_id, hours in session.exec(
                select(HourEntry.participant_id, HourEntry.work_site_id, func.sum(HourEntry.hours))
                .where(HourEntry.status == HourStatus.confirmed, HourEntry.work_date >= bucket.since,
                       HourEntry.work_date < bucket.until)
                .group_by(HourEntry.participant_id, HourEntry.work_site_id)):
            out.setdefault((pid, site_id), {})[bucket] = Decimal(hours)
    return out


def _unconfirmed(session: Session, first: date, last: date) -> Decimal:
    total = session.exec(select(func.coalesce(func.sum(HourEntry.hours), 0)).where(
        HourEntry.status == HourStatus.submitted, HourEntry.work_date >= first,
        HourEntry.work_date <= last)).one()
    return Decimal(total)


def settlement(*, session: Session, month: date, places: int) -> Settlement:
    """The settlement of the month containing `month` (confirmed entries only)."""
    first, last = month_bounds(month)
    table = rate_periods(session=session, kind=RateKind.psu)
    days = month_buckets(first, last, table)
    raw = _grouped(session, days)
    ids = {pid for pid, _ in raw}
    people = {p.id: p for p in session.exec(select(Participant)
                                             .where(col(Participant.id).in_(ids)))} if ids else {}
    grouped: dict[tuple[int, int | None], dict[Bucket, Decimal]] = {}
    for (pid, site_id), by_bucket in raw.items():  # an entry without a site: the person's
        merged = grouped.setdefault((pid, site_id or people[pid].work_site_id), {})
        for bucket, hours in by_bucket.items():
            merged[bucket] = merged.get(bucket, Decimal(0)) + hours
    sites = dict(session.exec(select(WorkSite.id, WorkSite.name)).all())
    rows = []
    for (pid, site_id), hours in grouped.items():
        parts, amount = settle(hours, table)
        person = people[pid]
        rows.append(SettlementRow(person.number, f"{person.last_name} {person.first_name}",
                                  sites.get(site_id, ""), sum(hours.values(), Decimal(0)),
                                  parts, amount))
    rows.sort(key=lambda r: (r.name.casefold(), r.number, r.site))
    return Settlement(month=first, places=places, rows=rows, rates=rates_in(table, first, last),
                      unconfirmed_hours=_unconfirmed(session, first, last))
