"""One injectable clock: store UTC, show and schedule in the club's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
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


def local_today(clock: Clock, tz) -> date:
    """Today's date in the club's time zone."""
    return clock.now().astimezone(tz).date()
