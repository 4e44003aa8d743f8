"""Replies are not throttled; bulk sends keep to the limits; a 429 pauses and retries."""

from __future__ import annotations

import itertools
import time
from datetime import timedelta

import pytest
from telegram.error import RetryAfter

from bot.delivery.ratelimit import BULK, OVERALL_PER_SECOND, EvenPace, KisRateLimiter


async def call(limiter: KisRateLimiter, chat_id: int, kind: str | None, fn=None):
    async def ok() -> bool:
        return True
    return await limiter.process_request(fn or ok, (), {}, "sendMessage", {"chat_id": chat_id}, kind)


async def test_replies_are_not_paced_but_keep_under_the_overall_limit() -> None:
    limiter = KisRateLimiter(bulk_per_second=5)
    start = time.monotonic()
    for i in range(OVERALL_PER_SECOND):  # a burst of replies goes at once
        await call(limiter, i, None)
    assert time.monotonic() - start < 0.5
    await call(limiter, 99, None)  # the next waits for a place in the sliding second
    assert 0.9 < time.monotonic() - start < 1.5


async def test_answers_and_edits_are_not_counted_as_new_messages() -> None:
    limiter = KisRateLimiter()

    async def ok() -> bool:
        return True
    start = time.monotonic()
    for i in range(3 * OVERALL_PER_SECOND):
        await limiter.process_request(ok, (), {}, "answerCallbackQuery", {"chat_id": i}, None)
    assert time.monotonic() - start < 0.5


async def test_bulk_keeps_to_the_overall_rate() -> None:
    limiter = KisRateLimiter(bulk_per_second=20)
    start = time.monotonic()
    for i in range(21):  # evenly spaced, no burst: 20 intervals of 50 ms
        await call(limiter, i, BULK)
    assert 0.9 < time.monotonic() - start < 2.0


async def test_bulk_to_one_chat_waits_between_messages() -> None:
    limiter = KisRateLimiter(per_chat_seconds=0.2)
    start = time.monotonic()
    for _ in range(3):
        await call(limiter, 7, BULK)
    assert time.monotonic() - start >= 0.39


async def test_retry_after_pauses_and_retries() -> None:
    limiter = KisRateLimiter(max_retries=2)
    attempts = []

    async def flaky() -> bool:
        attempts.append(time.monotonic())
        if len(attempts) == 1:
            raise RetryAfter(timedelta(seconds=0.2))
        return True

    assert await call(limiter, 1, None, flaky) is True
    assert attempts[1] - attempts[0] >= 0.29 and limiter.retries == 1


async def test_gives_up_after_max_retries() -> None:
    limiter = KisRateLimiter(max_retries=1)

    async def always() -> bool:
        raise RetryAfter(timedelta(seconds=0.01))

    with pytest.raises(RetryAfter):
        await call(limiter, 1, None, always)


def test_even_pace_spaces_requests_and_never_exceeds_the_window() -> None:
    pace, now, moments = EvenPace(29), 0.0, []
    for _ in range(100):
        now += pace.reserve(now)
        moments.append(now)
    assert all(b - a == pytest.approx(1 / 29) for a, b in itertools.pairwise(moments))
    assert max(sum(1 for m in moments if t <= m < t + 1.0) for t in moments) <= 30


def test_even_pace_keeps_its_schedule_after_a_late_wake_up() -> None:
    pace = EvenPace(10)
    assert pace.reserve(0.0) == 0
    assert pace.reserve(0.0) == pytest.approx(0.1)  # due at 0.1, woke up late at 0.15:
    assert pace.reserve(0.15) == pytest.approx(0.05)  # the next is still due at 0.2
    assert pace.reserve(1.0) == 0  # idle for a while: no burst to catch up
    assert pace.reserve(1.0) == pytest.approx(0.1)


def test_even_pace_lets_late_requests_go_one_gap_apart_and_holds_after_a_429() -> None:
    pace = EvenPace(10)
    pace._last = 1.0  # a request left at 1.0
    assert pace.gap(1.0) == pytest.approx(0.095) and pace.gap(1.2) == 0
    pace.pause(3.0, now=1.2)
    assert pace.reserve(1.2) == pytest.approx(3.0)
    assert pace.gap(4.2) == 0 and pace.gap(4.1) == pytest.approx(0.1)
