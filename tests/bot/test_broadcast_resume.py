"""Kill a broadcast mid-way (in the process, and a whole process with SIGKILL), start again:
nobody is lost and only the messages in flight at the kill may repeat."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from bot.broadcasts.runner import broadcast_tick, senders, tasks
from bot.sandbox.botapi import BotApiStandIn
from storage import broadcasts
from storage.models import Delivery
from tests.auxil.harness import Harness

PEOPLE = 90
FIRST_ID = 2001


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandIn]:
    """The stand-in enforcing Telegram's limits (30/s overall, 1/s per chat → 429)."""
    async with BotApiStandIn(enforce_limits=True) as stand_in:
        yield stand_in
        assert stand_in.unknown_calls == [], stand_in.dump()


def recipients(bot: Harness) -> None:
    for n in range(PEOPLE):
        bot.participant(f"P{n}", "Osoba", telegram_user_id=FIRST_ID + n, phone=None)


def confirmed(bot: Harness) -> int:
    """A broadcast to everybody, confirmed (status sending) straight in the store."""
    staff = bot.staff("Koordynatorka", "coordinator", telegram_user_id=5001)
    now, tz = bot.clock.now(), bot.deps.settings.tz
    draft = bot.db.call(broadcasts.start_draft, staff_id=staff.id, now=now, text="Ogłoszenie")
    bot.db.call(broadcasts.set_audience, broadcast_id=draft.id, staff_id=staff.id, audience="all")
    bot.db.call(broadcasts.confirm, broadcast_id=draft.id, staff_id=staff.id, now=now, tz=tz)
    return draft.id  # type: ignore[return-value]


def delivered(api: BotApiStandIn) -> Counter[int]:
    """Messages per participant chat that Telegram accepted (429s excluded)."""
    return Counter(m.chat_id for cid in range(FIRST_ID, FIRST_ID + PEOPLE) for m in api.chat(cid))


def in_flight(bot: Harness, broadcast_id: int) -> int:
    with bot.db.session() as s:
        return len(s.exec(select(Delivery).where(Delivery.broadcast_id == broadcast_id,
                                                 Delivery.status == "sending")).all())


async def resume_and_check(bot: Harness, broadcast_id: int, left_sending: int) -> int:
    """Start again; everybody has the message; duplicates ≤ the deliveries in flight."""
    await broadcast_tick(bot.live.app, bot.clock.now())
    await asyncio.wait_for(asyncio.gather(*tasks(bot.live.app).values()), 30)
    counts = delivered(bot.api)
    assert sorted(counts) == list(range(FIRST_ID, FIRST_ID + PEOPLE)), "somebody lost"
    duplicates = sum(n - 1 for n in counts.values())
    assert duplicates <= left_sending
    with bot.db.session() as s:
        assert {d.status for d in s.exec(select(Delivery))} == {"sent"}
    print(f"\nkill-and-resume: in flight at the kill {left_sending}, duplicates {duplicates}, "
          f"429s {bot.api.count_429}")
    return duplicates


async def test_cancelled_sender_resumes_without_loss(bot: Harness) -> None:
    recipients(bot)
    broadcast_id = confirmed(bot)
    await broadcast_tick(bot.live.app, bot.clock.now())
    await bot.api.wait_for(lambda: len(delivered(bot.api)) >= 30, 10, "30 sent")
    sender, task = senders(bot.live.app)[broadcast_id], tasks(bot.live.app)[broadcast_id]
    sender.abort()  # the sends in flight die with their requests: a crash inside the process
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    left = in_flight(bot, broadcast_id)
    assert len(delivered(bot.api)) < PEOPLE
    await resume_and_check(bot, broadcast_id, left)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
async def test_sigkilled_process_resumes_without_loss(bot: Harness, db_url: str) -> None:
    recipients(bot)
    broadcast_id = confirmed(bot)
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": bot.api.token, "TELEGRAM_API_URL": bot.api.url,
           "DATABASE_URL": db_url}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.broadcasts.standalone", env=env)
    try:
        await bot.api.wait_for(lambda: len(delivered(bot.api)) >= 30, 30, "30 sent")
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()
    left = in_flight(bot, broadcast_id)
    assert len(delivered(bot.api)) < PEOPLE
    await resume_and_check(bot, broadcast_id, left)
