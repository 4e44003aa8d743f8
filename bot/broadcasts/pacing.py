"""Even spacing of sends under a rate limit, with a shared pause after a 429."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


class Pacer:
    """Lets one send through every 1/rate seconds; `pause` holds everyone back (retry_after).

    Evenly spaced sends at a rate a little under the limit never put more than `limit` into
    any one-second window, which is how Telegram counts; bursts would earn 429s.
    """

    def __init__(self, rate: float, *, now: Callable[[], float] | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self._now = now or (lambda: asyncio.get_running_loop().time())
        self._sleep = sleep
        self._next = 0.0

    def reserve(self) -> float:
        """Take the next free moment; return how long to wait for it."""
        now = self._now()
        at = max(now, self._next)
        self._next = at + self.interval
        return at - now

    async def wait(self) -> None:
        """Wait for this send's moment."""
        delay = self.reserve()
        if delay > 0:
            await self._sleep(delay)

    def pause(self, seconds: float) -> None:
        """Nobody sends for `seconds` (after a 429 with retry_after)."""
        self._next = max(self._next, self._now() + seconds)
