"""The period report (the club's half-year report): SQL aggregates only, priced per rate period."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import distinct, func
from sqlmodel import Session, col, select

from storage.models import (
    Booking,
    BookingStatus,
    HourEntry,
    HourStatus,
    Participant,
    RateKind,
    Service,
    WorkSite,
)
from storage.periods import (
    Bucket,
    ByGender,
    PricedPart,
    buckets,
    local_midnight,
    minutes_to_hours,
    price,
    rate_cuts,
    rates_in,
    total_cost,
    unpriced_hours,
)
from storage.rates import RatePeriod, rate_periods
from storage.workshop_report import WorkshopReport, workshop_report

SERVICES = (Service.psychologist, Service.career_advisor)
NOT_COUNTED = (BookingStatus.no_show, BookingStatus.cancelled, BookingStatus.booked)


@dataclass(frozen=True)
class ServiceReport:
    """One consultation service in the period: only attended consultations count."""

    service: str
    minutes: int
    sessions: int
    people: ByGender
    parts: list[PricedPart]
    not_counted: dict[str, int]
    monthly_minutes: dict[date, int]
    rates: list[RatePeriod]

    @property
    def hours(self) -> Decimal:
        """Hours delivered."""
        return minutes_to_hours(self.minutes)

    @property
    def cost(self) -> Decimal:
        """Hours × the rate valid on each day."""
        return total_cost(self.parts)

    @property
    def unpriced_hours(self) -> Decimal:
        """Hours delivered on days without a rate."""
        return unpriced_hours(self.parts)


@dataclass(frozen=True)
class SiteRow:
    """PSU at one work site: confirmed hours and people who worked there."""

    name: str
    hours: Decimal
    people: int


@dataclass(frozen=True)
class PsuReport:
    """Socially useful work in the period: only confirmed hours are paid."""

    places: int
    people: ByGender
    hours: Decimal
    parts: list[PricedPart]
    sites: list[SiteRow]
    rates: list[RatePeriod]
    other_hours: dict[str, Decimal] = field(default_factory=dict)

    @property
    def cost(self) -> Decimal:
        """Benefits paid: hours × the rate valid on each day."""
        return total_cost(self.parts)


@dataclass(frozen=True)
class PeriodReport:
    """Everything the half-year report says, as numbers."""

    date_from: date
    date_to: date
    referred: ByGender
    active: ByGender
    services: list[ServiceReport]
    workshops: WorkshopReport
    psu: PsuReport


def by_gender(session: Session, query: Any) -> ByGender:
    """Run a (gender, count) query."""
    return ByGender.of((g, n) for g, n in session.exec(query))


def period_report(*, session: Session, date_from: date, date_to: date, tz: ZoneInfo,
                  psu_places: int) -> PeriodReport:
    """The report for the days date_from..date_to (inclusive, in the club's time zone)."""
    tables = {kind: rate_periods(session=session, kind=kind) for kind in RateKind}
    days = buckets(date_from, date_to, rate_cuts(tables.values()))
    return PeriodReport(
        date_from=date_from, date_to=date_to,
        referred=referred(session, date_from, date_to),
        active=active(session, date_from, date_to),
        services=consultations(session, days, tz, tables),
        workshops=workshop_report(session=session, days=days, tz=tz,
                                  table=tables[RateKind.workshop]),
        psu=psu(session, days, tables[RateKind.psu], psu_places))


def referred(session: Session, date_from: date, date_to: date) -> ByGender:
    """People referred to the club in the period (not those referred earlier)."""
    return by_gender(session, select(Participant.gender, func.count()).where(
        Participant.referred_on >= date_from, Participant.referred_on <= date_to,
    ).group_by(Participant.gender))


def active(session: Session, date_from: date, date_to: date) -> ByGender:
    """People in the club on at least one day of the period."""
    return by_gender(session, select(Participant.gender, func.count()).where(
        Participant.referred_on <= date_to,
        col(Participant.left_on).is_(None) | (Participant.left_on >= date_from),
    ).group_by(Participant.gender))


def consultations(session: Session, days: list[Bucket], tz: ZoneInfo,
                  tables: dict[RateKind, list[RatePeriod]]) -> list[ServiceReport]:
    """Per service: attended minutes per bucket, people by gender, what did not count."""
    start, ends = local_midnight(days[0].since, tz), [local_midnight(b.until, tz) for b in days]
    minutes: dict[str, dict[Bucket, int]] = defaultdict(lambda: defaultdict(int))
    sessions: dict[str, int] = defaultdict(int)
    other: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(NOT_COUNTED, 0))
    # Summed per start time in SQL (a covering index scan), bucketed by Warsaw day here.
    for status, starts_at, service, total, n in session.exec(
            select(Booking.status, Booking.starts_at, Booking.service, func.sum(Booking.minutes),
                   func.count()).where(Booking.starts_at >= start, Booking.starts_at < ends[-1])
            .group_by(Booking.status, Booking.starts_at, Booking.service)):
        if status == BookingStatus.attended:
            minutes[service][days[bisect_right(ends, starts_at)]] += int(total)
            sessions[service] += int(n)
        elif status in NOT_COUNTED:
            other[service][status] += int(n)
    people = people_by_service(session, start, ends[-1])
    return [service_report(str(s), minutes[s], sessions[s], people.get(s, ByGender()), other[s],
                           rates_in(tables[RateKind(s)], days[0].since, days[-1].last_day))
            for s in SERVICES]


def service_report(service: str, minutes: dict[Bucket, int], sessions: int, people: ByGender,
                   other: dict[str, int], rates: list[RatePeriod]) -> ServiceReport:
    """Assemble one service's figures from the per-bucket minutes."""
    monthly: dict[date, int] = defaultdict(int)
    for bucket, m in minutes.items():
        monthly[bucket.since.replace(day=1)] += m
    hours = {b: Decimal(m) / 60 for b, m in minutes.items()}
    return ServiceReport(service=service, minutes=sum(minutes.values()), sessions=sessions,
                         people=people, parts=price(hours, rates), not_counted=dict(other),
                         monthly_minutes=dict(sorted(monthly.items())), rates=rates)


def people_by_service(session: Session, start: Any, end: Any) -> dict[str, ByGender]:
    """Distinct people with an attended consultation, per service and gender."""
    rows: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for service, gender, n in session.exec(
            select(Booking.service, Participant.gender, func.count(distinct(Booking.participant_id)))
            .join(Participant, col(Participant.id) == Booking.participant_id)
            .where(Booking.status == BookingStatus.attended, Booking.starts_at >= start,
                   Booking.starts_at < end)
            .group_by(Booking.service, Participant.gender)):
        rows[service].append((gender, n))
    return {s: ByGender.of(r) for s, r in rows.items()}


def psu(session: Session, days: list[Bucket], table: list[RatePeriod], places: int) -> PsuReport:
    """Confirmed PSU hours per rate period and per site, people by gender."""
    first, last = days[0].since, days[-1].last_day
    in_period = (HourEntry.work_date >= first, HourEntry.work_date <= last)
    # Summed per day in SQL (at most a few hundred rows, read from a covering index), then
    # put into buckets here: far cheaper than a CASE over every entry.
    confirmed: dict[Bucket, Decimal] = defaultdict(Decimal)
    other: dict[str, Decimal] = defaultdict(Decimal)
    ends = [b.until for b in days]
    for day, status, hours in session.exec(
            select(HourEntry.work_date, HourEntry.status, func.sum(HourEntry.hours))
            .where(*in_period).group_by(HourEntry.status, HourEntry.work_date)):
        if status == HourStatus.confirmed:
            confirmed[days[bisect_right(ends, _as_date(day))]] += Decimal(hours)
        else:
            other[status] += Decimal(hours)
    worked = select(HourEntry.participant_id).where(HourEntry.status == HourStatus.confirmed, *in_period)
    people = by_gender(session, select(Participant.gender, func.count())
                       .where(col(Participant.id).in_(worked)).group_by(Participant.gender))
    return PsuReport(places=places, people=people, hours=sum(confirmed.values(), Decimal(0)),
                     parts=price(dict(confirmed), table), sites=psu_sites(session, first, last),
                     rates=rates_in(table, first, last), other_hours=dict(other))


def _as_date(value: date | str) -> date:
    """SQLite may hand a grouped DATE column back as text."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def psu_sites(session: Session, first: date, last: date) -> list[SiteRow]:
    """Confirmed hours and people per work site (the entry's site, else the person's)."""
    per_person = select(HourEntry.participant_id.label("pid"),  # type: ignore[attr-defined]
                        HourEntry.work_site_id.label("ws"),  # type: ignore[attr-defined]
                        func.sum(HourEntry.hours).label("h")).where(
        HourEntry.status == HourStatus.confirmed, HourEntry.work_date >= first,
        HourEntry.work_date <= last).group_by(HourEntry.participant_id,
                                              HourEntry.work_site_id).subquery()
    site = func.coalesce(per_person.c.ws, Participant.work_site_id)
    rows = session.exec(select(site, func.sum(per_person.c.h), func.count(distinct(per_person.c.pid)))
                        .join(Participant, col(Participant.id) == per_person.c.pid)
                        .group_by(site)).all()
    ids = [r[0] for r in rows if r[0] is not None]
    names = dict(session.exec(select(WorkSite.id, WorkSite.name)
                              .where(col(WorkSite.id).in_(ids))).all()) if ids else {}
    out = [SiteRow(names.get(site_id, ""), Decimal(h), int(n)) for site_id, h, n in rows]
    return sorted(out, key=lambda r: (-r.hours, r.name))
