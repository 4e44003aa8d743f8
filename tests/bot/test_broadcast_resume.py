"""Kill a broadcast mid-way (in the process, and a whole process with SIGKILL), start again:
nobody is lost and only the messages in flight at the kill may repeat."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.delivery.claims import STUCK_AFTER
from bot.delivery.sender import deliver_due
from bot.sandbox.botapi import BotApiStandIn
from bot.scheduler import reclaim_tick
from storage import broadcasts
from storage.models import Broadcast, OutboxMessage
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
        return len(s.exec(select(OutboxMessage).where(OutboxMessage.broadcast_id == broadcast_id,
                                                      OutboxMessage.status == "sending")).all())


async def resume_and_check(bot: Harness, broadcast_id: int, left_sending: int,
                           process_gone: bool) -> int:
    """Start again (a new worker); everybody has the message; duplicates ≤ those in flight.

    The rows of a process that no longer exists on this host come back at once; those of a
    worker whose process still runs (here: this one) only after STUCK_AFTER without heartbeat.
    """
    bot.live.app.bot_data.pop("outbox_worker", None)  # a restarted process: a new worker id
    await reclaim_tick(bot.live.app)
    assert in_flight(bot, broadcast_id) == (0 if process_gone else left_sending)
    bot.clock.advance(STUCK_AFTER + timedelta(seconds=1))
    await reclaim_tick(bot.live.app)
    assert in_flight(bot, broadcast_id) == 0
    await asyncio.wait_for(deliver_due(bot.live.app), 30)
    counts = delivered(bot.api)
    assert sorted(counts) == list(range(FIRST_ID, FIRST_ID + PEOPLE)), "somebody lost"
    duplicates = sum(n - 1 for n in counts.values())
    assert duplicates <= left_sending
    with bot.db.session() as s:
        assert {m.status for m in s.exec(select(OutboxMessage))} == {"sent"}
        assert s.exec(select(Broadcast)).one().status == "done"
    print(f"\nkill-and-resume: in flight at the kill {left_sending}, duplicates {duplicates}, "
          f"429s {bot.api.count_429}")
    return duplicates


async def test_cancelled_sender_resumes_without_loss(bot: Harness) -> None:
    recipients(bot)
    broadcast_id = confirmed(bot)
    task = asyncio.create_task(deliver_due(bot.live.app))
    await bot.api.wait_for(lambda: len(delivered(bot.api)) >= 30, 10, "30 sent")
    bot.live.app.bot_data["outbox_drain"].abort()  # the sends in flight die: a crash in the process
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    left = in_flight(bot, broadcast_id)
    assert len(delivered(bot.api)) < PEOPLE
    await resume_and_check(bot, broadcast_id, left, process_gone=False)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
async def test_sigkilled_process_resumes_without_loss(bot: Harness, db_url: str) -> None:
    recipients(bot)
    broadcast_id = confirmed(bot)
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": bot.api.token, "TELEGRAM_API_URL": bot.api.url,
           "DATABASE_URL": db_url}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.drain", "--at", bot.clock.now().isoformat(), env=env)
    try:
        await bot.api.wait_for(lambda: len(delivered(bot.api)) >= 30, 30, "30 sent")
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()
    left = in_flight(bot, broadcast_id)
    assert len(delivered(bot.api)) < PEOPLE and left > 0
    await resume_and_check(bot, broadcast_id, left, process_gone=True)
