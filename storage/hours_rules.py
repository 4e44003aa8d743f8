"""Pure rules for PSU hours: half-hour steps, limits, the logging window, typed dates, pricing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from storage.periods import Bucket, PricedPart, buckets, price, total_cost
from storage.rates import RatePeriod

ZERO = Decimal(0)
NEAR_FRACTION = Decimal("0.2")
MAX_ENTRY_HOURS = Decimal(24)  # one entry is one day's work
MAX_HOURS = Decimal(1000)  # far above any day, week or month; keeps arithmetic exact
AHEAD = timedelta(days=180)  # '30.12' typed on 3 January means last December
_DAY_MONTH = re.compile(r"^(\d{1,2})[./-](\d{1,2})\.?$")


@dataclass(frozen=True)
class Limits:
    """How many hours a participant may work: a day, an ISO week, a calendar month."""

    day: Decimal = Decimal(8)
    week: Decimal = Decimal(10)
    month: Decimal = Decimal(40)

    @classmethod
    def of(cls, settings: Any) -> Limits:
        """From the settings (hours_day_limit, hours_week_limit, hours_month_limit)."""
        return cls(day=Decimal(settings.hours_day_limit), week=Decimal(settings.hours_week_limit),
                   month=Decimal(settings.hours_month_limit))


@dataclass(frozen=True)
class Used:
    """Hours counted (submitted + confirmed) on a day, in its ISO week and its month."""

    day: Decimal = ZERO
    week: Decimal = ZERO
    month: Decimal = ZERO

    def without(self, hours: Decimal) -> Used:
        """The same totals minus one entry of that day (when it is being replaced)."""
        return Used(self.day - hours, self.week - hours, self.month - hours)

    def plus(self, hours: Decimal) -> Used:
        """The same totals plus one entry of that day."""
        return Used(self.day + hours, self.week + hours, self.month + hours)


def used_around(day: date, entries: list[tuple[date, Decimal]]) -> Used:
    """What counted entries (work date, hours) add up to on day, in its ISO week and month."""
    (monday, sunday), (first, last) = week_bounds(day), month_bounds(day)
    on_day = week = month = ZERO
    for when, hours in entries:
        if when == day:
            on_day += hours
        if monday <= when <= sunday:
            week += hours
        if first <= when <= last:
            month += hours
    return Used(on_day, week, month)


@dataclass(frozen=True)
class Breach:
    """A limit that new hours would exceed: which one, its size and what is left of it."""

    kind: str  # day, week or month
    limit: Decimal
    left: Decimal


def in_half_hour_steps(hours: Decimal, most: Decimal = MAX_ENTRY_HOURS) -> bool:
    """Whether hours is a finite multiple of half an hour, above zero and at most `most`."""
    return hours.is_finite() and 0 < hours <= most and (hours * 2) % 1 == 0


def parse_hours(text: str) -> Decimal:
    """`4`, `4,5`, `4.5` → Decimal; ValueError unless a positive multiple of half an hour."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"not a number of hours: {text!r}") from None
    if not in_half_hour_steps(value, MAX_HOURS):
        raise ValueError(f"hours must be a multiple of 0.5 between 0.5 and {MAX_HOURS}: {text!r}")
    return value.quantize(Decimal("0.1"))


def week_bounds(day: date) -> tuple[date, date]:
    """Monday and Sunday of the ISO week containing day."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def month_bounds(day: date) -> tuple[date, date]:
    """First and last day of day's month."""
    first = day.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def left(limits: Limits, used: Used) -> Used:
    """What is left of each limit (never below zero)."""
    return Used(max(ZERO, limits.day - used.day), max(ZERO, limits.week - used.week),
                max(ZERO, limits.month - used.month))


def breach(limits: Limits, used: Used, hours: Decimal) -> Breach | None:
    """The tightest limit that adding hours would exceed, or None if they fit."""
    remaining = left(limits, used)
    candidates = [Breach(kind, getattr(limits, kind), getattr(remaining, kind))
                  for kind in ("day", "week", "month")
                  if getattr(used, kind) + hours > getattr(limits, kind)]
    return min(candidates, key=lambda b: b.left) if candidates else None


def near_limit(limits: Limits, used: Used) -> bool:
    """Whether the week or the month has at most a fifth of its limit left."""
    remaining = left(limits, used)
    return (remaining.week <= limits.week * NEAR_FRACTION
            or remaining.month <= limits.month * NEAR_FRACTION)


def window_problem(day: date, today: date, backdate_days: int) -> str | None:
    """Why hours cannot be logged for day ('future', 'too_old'), or None when allowed."""
    if day > today:
        return "future"
    if day < today - timedelta(days=backdate_days):
        return "too_old"
    return None


def parse_work_day(text: str, today: date) -> date:
    """'03.12' (this year's, or last year's when this year's is months ahead), or a full date."""
    from storage.parsing import parse_date

    text = text.strip()
    if match := _DAY_MONTH.match(text):
        d, m = int(match[1]), int(match[2])
        candidate = date(today.year, m, d)  # ValueError on 31.02
        return candidate if candidate <= today + AHEAD else date(today.year - 1, m, d)
    return parse_date(text)


def choices(remaining: Decimal, options: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 8)) -> list[int]:
    """Whole-hour buttons that still fit into what is left."""
    return [h for h in options if h <= remaining]


def month_buckets(first: date, last: date, table: list[RatePeriod]) -> list[Bucket]:
    """Days of [first, last] split wherever the rate changes."""
    return buckets(first, last, [p.since for p in table])


def settle(hours_by_bucket: dict[Bucket, Decimal],
           table: list[RatePeriod]) -> tuple[list[PricedPart], Decimal]:
    """Hours priced at the rate of their own days, and the amount (each part rounded)."""
    parts = price(hours_by_bucket, table)
    return parts, total_cost(parts)
