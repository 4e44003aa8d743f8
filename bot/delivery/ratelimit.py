"""Telegram rate limits: replies go out at once; bulk sends share a budget under the limits.

Telegram allows about 30 messages a second to different chats and about one a second to one
chat. A person waiting for an answer must not queue behind a broadcast, so only requests
marked `rate_limit_args=BULK` (the outbox sender: reminders, broadcasts, …) are paced (at a
rate that leaves headroom for replies, and one a second per chat). Every new message, reply or
bulk, also takes a place in one sliding second of at most OVERALL_PER_SECOND, so many people
writing at once cannot push the bot over Telegram's overall limit. Every request honours a
429: all requests pause for `retry_after`, then the request is retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import Application, BaseRateLimiter

log = logging.getLogger(__name__)
BULK = "bulk"
# Telegram's ~30 messages/s overall, less a margin for requests that bunch on the way.
OVERALL_PER_SECOND = 28
SENDING = frozenset({"sendMessage", "sendDocument", "sendPhoto", "sendMediaGroup",
                     "copyMessage", "forwardMessage"})
JSON = bool | dict[str, Any] | list[dict[str, Any]]


class EvenPace:
    """One request every 1/rate seconds on a fixed schedule, never two closer than MIN_GAP.

    The schedule keeps the rate when wake-ups are late (a one-slot leaky bucket reached ~89 %);
    the minimum gap stops the requests that were due during a stall of the event loop from
    leaving in one burst (they catch up at most ~5 % faster than the rate). After a 429 the
    pace is held for retry_after, then resumes one request at a time.
    """

    MIN_GAP = 0.95  # of the interval

    def __init__(self, per_second: float) -> None:
        if per_second <= 0:
            raise ValueError("the rate must be positive")
        self.interval = 1.0 / per_second
        self._next = 0.0
        self._last = float("-inf")

    def reserve(self, now: float) -> float:
        """Take the next free moment on the schedule; how long to wait for it."""
        at = max(now, self._next)
        self._next = at + self.interval
        return at - now

    def gap(self, now: float) -> float:
        """How long until a request may leave after the previous one (0: now)."""
        return max(0.0, self._last + self.interval * self.MIN_GAP - now)

    def pause(self, seconds: float, now: float) -> None:
        """Nobody goes for `seconds` (Telegram said retry_after)."""
        self._next = max(self._next, now + seconds)
        self._last = max(self._last, now + seconds - self.interval * self.MIN_GAP)

    async def acquire(self) -> None:
        """Wait for this request's moment, then for the gap after the previous request."""
        loop = asyncio.get_running_loop()
        delay = self.reserve(loop.time())
        if delay > 0:
            await asyncio.sleep(delay)
        while (wait := self.gap(loop.time())) > 0:
            await asyncio.sleep(wait)
        self._last = loop.time()


class SlidingSecond:
    """At most `limit` requests in any one second (the moments they were let go)."""

    def __init__(self, limit: int = OVERALL_PER_SECOND) -> None:
        self.limit = limit
        self._sent: deque[float] = deque()

    def wait(self, now: float) -> float:
        """0 and a place taken, or how long until a place frees up."""
        while self._sent and now - self._sent[0] >= 1.0:
            self._sent.popleft()
        if len(self._sent) >= self.limit:
            return 1.0 - (now - self._sent[0])
        self._sent.append(now)
        return 0.0

    async def acquire(self) -> None:
        """Wait for a place in the sliding second."""
        loop = asyncio.get_running_loop()
        while (delay := self.wait(loop.time())) > 0:
            await asyncio.sleep(delay)


class KisRateLimiter(BaseRateLimiter[str]):
    """Replies unthrottled; `BULK` requests at `bulk_per_second` overall and 1/s per chat."""

    def __init__(self, bulk_per_second: float = 25, per_chat_seconds: float = 1.0,
                 max_retries: int = 3) -> None:
        # Evenly spaced, no burst: a burst of `bulk_per_second` followed by the steady rate
        # would put twice the rate into the first second and draw 429s from Telegram.
        self.bulk = EvenPace(bulk_per_second)
        # A bulk rate set above Telegram's 30/s (paid broadcasts allow up to 1000/s) raises the
        # overall ceiling with it.
        self.overall = SlidingSecond(max(OVERALL_PER_SECOND, math.ceil(bulk_per_second)))
        self.per_chat_seconds = per_chat_seconds
        self.max_retries = max_retries
        self._last_by_chat: dict[int | str, float] = {}
        self._not_paused = asyncio.Event()
        self._not_paused.set()
        self.retries = 0
        self.bulk_requests = 0  # requests that went through the bulk budget

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""

    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, JSON]], args: Any,
                              kwargs: dict[str, Any], endpoint: str, data: dict[str, Any],
                              rate_limit_args: str | None) -> JSON:
        """Run one Bot API request under the limits, retrying after 429."""
        for attempt in range(self.max_retries + 1):
            if rate_limit_args == BULK:
                await self._bulk_slot(data.get("chat_id"))
            await self._not_paused.wait()
            if endpoint in SENDING:
                await self.overall.acquire()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == self.max_retries:
                    raise
                self.retries += 1
                await self._pause(exc.retry_after)
        raise AssertionError("unreachable")

    async def _bulk_slot(self, chat_id: Any) -> None:
        """Wait for a place in the overall budget and this chat's."""
        self.bulk_requests += 1
        if chat_id is not None:
            with contextlib.suppress(TypeError, ValueError):
                chat_id = int(chat_id)
            wait = self._last_by_chat.get(chat_id, 0) + self.per_chat_seconds - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._last_by_chat[chat_id] = time.monotonic()
            if len(self._last_by_chat) > 10_000:
                self._forget_old()
        await self.bulk.acquire()

    def _forget_old(self) -> None:
        horizon = time.monotonic() - self.per_chat_seconds
        self._last_by_chat = {c: t for c, t in self._last_by_chat.items() if t > horizon}

    async def _pause(self, retry_after: Any) -> None:
        """Hold every request for retry_after (seconds or timedelta) plus a little."""
        seconds = as_seconds(retry_after)
        log.warning("telegram asked to slow down for %.1f s", seconds)
        self.bulk.pause(float(seconds) + 0.1, asyncio.get_running_loop().time())
        self._not_paused.clear()
        try:
            await asyncio.sleep(float(seconds) + 0.1)
        finally:
            self._not_paused.set()


def as_seconds(retry_after: Any) -> float:
    """retry_after in seconds (PTB gives int or timedelta)."""
    return retry_after.total_seconds() if hasattr(retry_after, "total_seconds") else float(retry_after)


def retry_seconds(error: RetryAfter) -> float:
    """How long Telegram asked us to wait."""
    return as_seconds(error.retry_after)


def sms_limiter(application: Application, per_second: float) -> EvenPace:
    """The one SMS pace (all outbox SMS of this process), evenly spaced like BULK."""
    limiter = application.bot_data.get("sms_limiter")
    if limiter is None:
        limiter = application.bot_data["sms_limiter"] = EvenPace(per_second)
    return limiter
