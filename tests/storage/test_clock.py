"""The club's calendar date of a UTC moment (pure, no database)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from storage.clock import ManualClock, local_date, local_today

WARSAW = ZoneInfo("Europe/Warsaw")


def test_a_utc_evening_is_already_tomorrow_in_warsaw() -> None:
    assert local_date(datetime(2026, 12, 1, 23, 30, tzinfo=UTC), WARSAW) == date(2026, 12, 2)
    assert local_date(datetime(2026, 12, 1, 22, 59, tzinfo=UTC), WARSAW) == date(2026, 12, 1)


def test_local_today_reads_the_clock() -> None:
    clock = ManualClock(datetime(2026, 6, 30, 22, 0, tzinfo=UTC))  # summer time: 00:00 on 1 July
    assert local_today(clock, WARSAW) == date(2026, 7, 1)
