"""Pure PSU hour rules: half-hour steps, limits, the logging window, typed dates, pricing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from storage.hours_rules import (
    Breach,
    Limits,
    Used,
    breach,
    choices,
    in_half_hour_steps,
    left,
    month_bounds,
    month_buckets,
    near_limit,
    parse_work_day,
    settle,
    used_around,
    week_bounds,
    window_problem,
)
from storage.rates import RatePeriod

LIMITS = Limits(day=D(8), week=D(10), month=D(40))
TABLE = [RatePeriod(D("8.70"), date(2021, 1, 1), date(2021, 6, 1)),
         RatePeriod(D("9.00"), date(2021, 6, 1), None)]


@pytest.mark.parametrize(("hours", "most", "expected"), [
    (D("0.5"), D(24), True), (D("4.5"), D(24), True), (D(24), D(24), True), (D("24.5"), D(24), False),
    (D("0.25"), D(24), False), (D(0), D(24), False), (D(-1), D(24), False), (D("NaN"), D(24), False),
    (D("Infinity"), D(24), False), (D(500), D(1000), True),
], ids=str)
def test_hours_come_in_half_hour_steps(hours: D, most: D, expected: bool) -> None:
    assert in_half_hour_steps(hours, most) is expected


def test_iso_week_and_month_bounds() -> None:
    assert week_bounds(date(2026, 12, 7)) == (date(2026, 12, 7), date(2026, 12, 13))
    assert week_bounds(date(2027, 1, 3)) == (date(2026, 12, 28), date(2027, 1, 3))
    assert month_bounds(date(2026, 12, 7)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert month_bounds(date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))


@pytest.mark.parametrize(("used", "hours", "expected"), [
    (Used(), D(8), None),
    (Used(), D("8.5"), Breach("day", D(8), D(8))),
    (Used(D(0), D(8), D(8)), D(2), None),
    (Used(D(0), D(8), D(8)), D("2.5"), Breach("week", D(10), D(2))),
    (Used(D(0), D(0), D(39)), D(2), Breach("month", D(40), D(1))),
    (Used(D(6), D(8), D(39)), D(3), Breach("month", D(40), D(1))),  # the tightest is named
], ids=["fits", "day", "week-exact", "week", "month", "tightest"])
def test_breach_names_the_tightest_limit(used: Used, hours: D, expected: Breach | None) -> None:
    assert breach(LIMITS, used, hours) == expected


def test_used_around_a_day_counts_its_iso_week_and_its_month() -> None:
    # Wednesday 2 December 2026: its week runs from Monday 30 November, its month from the 1st.
    entries = [(date(2026, 11, 29), D(1)), (date(2026, 11, 30), D(2)), (date(2026, 12, 2), D(3)),
               (date(2026, 12, 6), D("0.5")), (date(2026, 12, 7), D(4)), (date(2026, 12, 31), D(5))]
    assert used_around(date(2026, 12, 2), entries) == Used(D(3), D("5.5"), D("12.5"))
    assert used_around(date(2026, 12, 2), []) == Used()


def test_left_never_negative_and_without_replaced_entry() -> None:
    assert left(LIMITS, Used(D(9), D(12), D(12))) == Used(D(0), D(0), D(28))
    assert Used(D(4), D(8), D(20)).without(D(4)) == Used(D(0), D(4), D(16))


def test_near_limit_at_a_fifth_left() -> None:
    assert near_limit(LIMITS, Used(D(0), D(8), D(8)))
    assert not near_limit(LIMITS, Used(D(0), D("7.5"), D("7.5")))
    assert near_limit(LIMITS, Used(D(0), D(2), D(32)))


def test_window_allows_the_last_seven_days_never_the_future() -> None:
    today = date(2026, 12, 7)
    assert window_problem(today, today, 7) is None
    assert window_problem(date(2026, 11, 30), today, 7) is None
    assert window_problem(date(2026, 11, 29), today, 7) == "too_old"
    assert window_problem(date(2026, 12, 8), today, 7) == "future"


def test_typed_days_fall_back_to_last_year() -> None:
    today = date(2026, 1, 3)
    assert parse_work_day("03.01", today) == date(2026, 1, 3)
    assert parse_work_day("30.12", today) == date(2025, 12, 30)
    assert parse_work_day("2025-12-30", today) == date(2025, 12, 30)
    assert parse_work_day("30.12.2025", today) == date(2025, 12, 30)
    assert parse_work_day("04.01", today) == date(2026, 1, 4)  # tomorrow: refused as future
    for bad in ("31.02", "jutro", "32.01", ""):
        with pytest.raises(ValueError):
            parse_work_day(bad, today)


def test_choices_fit_what_is_left() -> None:
    assert choices(D("4.5")) == [1, 2, 3, 4]
    assert choices(D(0)) == []


def test_a_month_spanning_a_rate_change_pays_each_day_at_its_rate() -> None:
    days = month_buckets(date(2021, 5, 15), date(2021, 6, 14), TABLE)
    assert [(b.since, b.last_day) for b in days] == [
        (date(2021, 5, 15), date(2021, 5, 31)), (date(2021, 6, 1), date(2021, 6, 14))]
    parts, amount = settle({days[0]: D(10), days[1]: D("7.5")}, TABLE)
    assert [(p.hours, p.rate, p.cost) for p in parts] == [
        (D(10), D("8.70"), D("87.00")), (D("7.5"), D("9.00"), D("67.50"))]
    assert amount == D("154.50")


def test_hours_before_the_first_rate_are_unpriced() -> None:
    days = month_buckets(date(2020, 12, 1), date(2020, 12, 31), TABLE)
    parts, amount = settle({days[0]: D(4)}, TABLE)
    assert parts[0].rate is None and amount == D("0.00")
