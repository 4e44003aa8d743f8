"""Pure arithmetic for reports: day buckets, local-midnight bounds, pricing by rate period."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case

from storage.rates import RatePeriod, rate_on

CENT = Decimal("0.01")
MINUTES_PER_HOUR = 60


@dataclass(frozen=True)
class ByGender:
    """A head count split into women (K) and men (M)."""

    women: int = 0
    men: int = 0

    @property
    def total(self) -> int:
        """Women and men together."""
        return self.women + self.men

    @classmethod
    def of(cls, rows: Iterable[tuple[str, int]]) -> ByGender:
        """From (gender, count) rows; unknown genders are ignored."""
        counts = {"K": 0, "M": 0}
        for gender, n in rows:
            if gender in counts:
                counts[gender] += int(n)
        return cls(women=counts["K"], men=counts["M"])


@dataclass(frozen=True)
class Bucket:
    """Consecutive days [since, until) within one month and one rate of every kind."""

    since: date
    until: date

    @property
    def last_day(self) -> date:
        """The bucket's last day (inclusive)."""
        return self.until - timedelta(days=1)


@dataclass(frozen=True)
class PricedPart:
    """Hours at one rate: days since..until (inclusive), the rate (None: no rate) and the cost."""

    since: date
    until: date
    hours: Decimal
    rate: Decimal | None

    @property
    def cost(self) -> Decimal:
        """Hours × rate rounded to grosze (0 when there is no rate)."""
        if self.rate is None:
            return Decimal("0.00")
        return (self.hours * self.rate).quantize(CENT, ROUND_HALF_UP)


def month_starts(date_from: date, date_to: date) -> list[date]:
    """The first day of every month that begins after date_from and no later than date_to."""
    out = []
    month = date(date_from.year, date_from.month, 1)
    while True:
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        if month > date_to:
            return out
        out.append(month)


def buckets(date_from: date, date_to: date, cuts: Iterable[date] = ()) -> list[Bucket]:
    """Split [date_from, date_to] at month starts and at cuts (e.g. rate changes) inside it."""
    if date_to < date_from:
        raise ValueError("date_to before date_from")
    starts = {date_from, *month_starts(date_from, date_to)}
    starts.update(c for c in cuts if date_from < c <= date_to)
    ordered = sorted(starts)
    ends = [*ordered[1:], date_to + timedelta(days=1)]
    return [Bucket(s, e) for s, e in zip(ordered, ends, strict=True)]


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant at which a day begins in the club's time zone."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def rate_cuts(tables: Iterable[list[RatePeriod]]) -> set[date]:
    """Every day on which some rate changes."""
    return {period.since for table in tables for period in table}


def minutes_to_hours(minutes: int) -> Decimal:
    """Minutes as hours, to two decimal places ('0.75' for 45 minutes, '1' for 60)."""
    hours = (Decimal(minutes) / MINUTES_PER_HOUR).quantize(CENT, ROUND_HALF_UP)
    return hours.normalize() if hours == hours.to_integral_value() else hours


def price(hours_by_bucket: dict[Bucket, Decimal], table: list[RatePeriod]) -> list[PricedPart]:
    """Hours of consecutive buckets at the same rate merged into parts, in date order."""
    parts: list[PricedPart] = []
    for bucket in sorted(hours_by_bucket, key=lambda b: b.since):
        hours = hours_by_bucket[bucket]
        if not hours:
            continue
        rate = rate_on(bucket.since, table)
        if parts and parts[-1].rate == rate:
            last = parts[-1]
            parts[-1] = PricedPart(last.since, bucket.last_day, last.hours + hours, rate)
        else:
            parts.append(PricedPart(bucket.since, bucket.last_day, hours, rate))
    return parts


def rates_in(table: list[RatePeriod], date_from: date, date_to: date) -> list[RatePeriod]:
    """The rate periods overlapping [date_from, date_to], clipped to it (until exclusive)."""
    end = date_to + timedelta(days=1)
    out = []
    for period in table:
        since, until = max(period.since, date_from), min(period.until or end, end)
        if since < until:
            out.append(RatePeriod(period.amount, since, until))
    return out


def total_cost(parts: list[PricedPart]) -> Decimal:
    """The sum of the parts' costs."""
    return sum((p.cost for p in parts), Decimal("0.00"))


def unpriced_hours(parts: list[PricedPart]) -> Decimal:
    """Hours for which no rate was set."""
    return sum((p.hours for p in parts if p.rate is None), Decimal(0))


def half_year_label(date_from: date, date_to: date) -> tuple[int, int] | None:
    """(year, 1 or 2) for exactly a half-year, (year, 0) for a calendar year, else None."""
    if date_from.year != date_to.year:
        return None
    year = date_from.year
    if (date_from, date_to) == (date(year, 1, 1), date(year, 12, 31)):
        return year, 0
    if (date_from, date_to) == (date(year, 1, 1), date(year, 6, 30)):
        return year, 1
    if (date_from, date_to) == (date(year, 7, 1), date(year, 12, 31)):
        return year, 2
    return None


def bucket_index(column: Any, ends: list[Any]) -> Any:
    """SQL CASE giving the index of the bucket a value falls in (ends: each bucket's end)."""
    return case(*[(column < end, i) for i, end in enumerate(ends)], else_=len(ends))
