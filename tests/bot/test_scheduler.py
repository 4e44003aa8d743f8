"""The real scheduler's wiring, restarts, and reminders across both daylight-saving switches."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from asyncio.subprocess import PIPE
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.jobstores.base import JobLookupError
from sqlmodel import SQLModel, select
from telegram.ext import Job

from bot.app import build_application
from bot.sandbox.botapi import BotApiStandIn
from bot.scheduler import JOB_KWARGS, MONITOR_TICKS, TICKS, run_all_once, start_scheduler
from storage.db import Database
from storage.models import OutboxMessage
from tests.auxil.factories import at
from tests.auxil.harness import Harness

ROOT = Path(__file__).resolve().parents[2]


def stop_scheduler(jobs: list[Job]) -> None:
    """Remove the jobs (in production the application's stop ends APScheduler itself)."""
    for job in jobs:
        with contextlib.suppress(JobLookupError):  # a run_once job is gone once it ran
            job.schedule_removal()


async def test_real_scheduler_catches_up_at_start_then_repeats(bot: Harness) -> None:
    bot.book("08.12", "10:00-11:00")  # Tuesday 10:00, booked Monday 09:00
    bot.clock.set(at(2026, 12, 7, 14, 0))  # the bot was down when the 24 h reminder fell due
    jobs = start_scheduler(bot.live.app)
    try:
        [sent] = await bot.api.wait_for(lambda: bot.api.chat(1001), timeout=5,
                                        what="the missed reminder sent on start")
        assert "wtorek, 8 grudnia, godz. 10:00" in sent.text
        repeating = {job.name: job.job for job in jobs[1:]}
        assert {name: job.trigger.interval.total_seconds() for name, job in repeating.items()} \
            == {tick.__name__: float(seconds) for tick, seconds in (*TICKS, *MONITOR_TICKS)}
        for job in repeating.values():  # a late run still happens, once
            assert job.misfire_grace_time is None and job.coalesce is True
            assert job.max_instances == JOB_KWARGS["max_instances"]
    finally:
        stop_scheduler(jobs)
    assert bot.live.app.job_queue is not None and bot.live.app.job_queue.jobs() == ()
    assert len(bot.api.chat(1001)) == 1


async def test_a_restarted_bot_sends_nothing_twice(bot: Harness) -> None:
    bot.book("08.12", "10:00-11:00")
    await bot.tick(at(2026, 12, 7, 10, 0))
    assert len(bot.api.chat(1001)) == 1
    second = build_application(bot.deps)  # a new process on the same database
    await second.bot.initialize()
    try:
        await run_all_once(second)
        bot.clock.set(at(2026, 12, 7, 12, 0))
        await run_all_once(second)
    finally:
        await second.bot.shutdown()
    assert len(bot.api.chat(1001)) == 1


DST_CASES = [
    # (day, the 24 h reminder's Warsaw wall clock, the 1 h reminder's) for a 10:00 consultation
    pytest.param("29.03", at(2026, 3, 28, 10), at(2026, 3, 29, 9), id="spring-switch-day"),
    pytest.param("30.03", at(2026, 3, 29, 10), at(2026, 3, 30, 9), id="day-after-spring-switch"),
    pytest.param("25.10", at(2026, 10, 24, 10), at(2026, 10, 25, 9), id="autumn-switch-day"),
    pytest.param("26.10", at(2026, 10, 25, 10), at(2026, 10, 26, 9), id="day-after-autumn-switch"),
]


@pytest.mark.parametrize(("day", "day_before", "hour_before"), DST_CASES)
async def test_reminders_across_dst_land_on_the_warsaw_wall_clock(
        bot: Harness, day: str, day_before: datetime, hour_before: datetime) -> None:
    bot.clock.set(day_before - timedelta(days=3))
    bot.book(day, "10:00-11:00")
    minute = timedelta(minutes=1)
    await bot.tick(day_before - minute)
    assert bot.api.chat(1001) == []
    await bot.tick(day_before)
    assert len(bot.api.chat(1001)) == 1 and "godz. 10:00" in bot.api.chat(1001)[0].text
    await bot.tick(hour_before - minute)
    assert len(bot.api.chat(1001)) == 1
    await bot.tick(hour_before)
    assert len(bot.api.chat(1001)) == 2 and "godz. 10:00" in bot.api.chat(1001)[1].text
    with bot.db.session() as s:
        due = sorted(m.due_at for m in s.exec(select(OutboxMessage)))
    assert due == [day_before, hour_before]


def seed_due(db: Database, now: datetime, count: int) -> None:
    """`count` participants on Telegram, each with one message due now."""
    people = [{"id": i, "number": str(i), "first_name": "P", "last_name": "T", "gender": "K",
               "telegram_user_id": 10_000 + i, "referred_on": now.date(), "created_at": now,
               "sms_opt_out": False, "reminders_opt_out": False, "blocked_bot": False}
              for i in range(1, count + 1)]
    messages = [{"dedupe_key": f"n:{i}", "kind": "notice", "channel": "telegram",
                 "participant_id": i, "chat_id": 10_000 + i, "text": f"wiadomość {i}",
                 "due_at": now, "next_attempt_at": now, "status": "pending", "attempts": 0,
                 "created_at": now} for i in range(1, count + 1)]
    with db.engine.begin() as conn:
        conn.execute(SQLModel.metadata.tables["participants"].insert(), people)
        conn.execute(SQLModel.metadata.tables["outbox"].insert(), messages)


async def start_worker(db: Database, api: BotApiStandIn, name: str,
                       now: datetime) -> asyncio.subprocess.Process:
    """A second OS process running the real sender; returns once it is ready."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.auxil.outbox_worker", db.url, api.url, api.token, name,
        now.isoformat(), cwd=ROOT, stdin=PIPE, stdout=PIPE, stderr=PIPE)
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), timeout=30)
    assert line == b"ready\n", line + (await proc.stderr.read() if proc.stderr else b"")
    return proc


async def test_two_bot_processes_on_postgresql_send_each_message_once(
        api: BotApiStandIn, pg_db: Database, clock) -> None:
    seed_due(pg_db, clock.now(), 1000)
    for i in range(1, 1001):
        api.opened_chat(10_000 + i)
    api.enforce_limits = False  # about claiming rows once; the 429 limits are tested elsewhere
    workers = [await start_worker(pg_db, api, name, clock.now()) for name in ("a", "b")]
    outputs = await asyncio.wait_for(
        asyncio.gather(*(w.communicate(b"go\n") for w in workers)), timeout=120)
    for worker, (_, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err.decode()[-2000:]
    sent = [int(out.decode().split()[-1]) for out, _ in outputs]
    assert sum(sent) == 1000 and min(sent) > 0, sent  # both worked, together once each
    assert all(len(api.chat(10_000 + i)) == 1 for i in range(1, 1001))
    with pg_db.session() as s:
        assert set(s.exec(select(OutboxMessage.status))) == {"sent"}
        assert set(s.exec(select(OutboxMessage.claimed_by))) == {"a", "b"}
