"""One injectable clock: store UTC, show and schedule in the club's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Protocol


class Clock(Protocol):
    """Something that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        """The current UTC time."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told (tests, the sandbox's fast-forward)."""

    def __init__(self, start: datetime) -> None:
        if start.utcoffset() is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """The clock's current UTC time."""
        return self._now

    def set(self, moment: datetime) -> None:
        """Jump to an aware moment."""
        self._now = moment.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        """Move forward by delta."""
        self._now += delta


class OffsetClock:
    """The real time shifted by an offset that only grows (the sandbox's fast-forward)."""

    def __init__(self, base: Clock | None = None) -> None:
        self._base = base or SystemClock()
        self.offset = timedelta(0)

    def now(self) -> datetime:
        """The real UTC time plus the offset."""
        return self._base.now() + self.offset

    def advance(self, delta: timedelta) -> None:
        """Move forward by delta (never backwards: stored times must not go back)."""
        if delta < timedelta(0):
            raise ValueError("the clock only moves forward")
        self.offset += delta


def local_date(moment: datetime, tz: tzinfo) -> date:
    """The calendar date of an aware moment in the club's time zone."""
    return moment.astimezone(tz).date()


def local_today(clock: Clock, tz: tzinfo) -> date:
    """Today's date in the club's time zone."""
    return local_date(clock.now(), tz)
