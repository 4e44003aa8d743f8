"""APScheduler (through PTB's JobQueue) triggers the work; the database says what is due.

Jobs: the outbox every 2 s (a pass keeps draining while rows are due; broadcasts are outbox
rows too), reminder planning and marking prompts every 30 s, the daily jobs every minute, and
sends of dead processes put back every 15 s; every minute also Telegram's getMe when nothing
was heard from it for a minute (bot.health) and the daily backup when due (bot.backups).
Each successful run marks the scheduler alive for /healthz. Every run is idempotent, so a late, repeated
or concurrent run is harmless; `coalesce` and an unlimited misfire grace mean a delayed run
still happens (once).

On start, one catch-up pass runs every tick in order (plan, then send): reminders missed
while the bot was down go out at once if their consultation has not begun, and are dropped
(expired) if it has. The repeating jobs then begin after their first interval.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram.ext import Application, CallbackContext, Job

from bot.backups import backup_tick
from bot.delivery.claims import RECLAIM_SECONDS, reclaim
from bot.delivery.sender import outbox_tick
from bot.health import SCHEDULER, health_of, telegram_probe
from handlers import scheduled as jobs
from handlers.context import deps_of

log = logging.getLogger(__name__)
JOB_KWARGS = {"coalesce": True, "misfire_grace_time": None, "max_instances": 1}


async def plan_tick(application: Application) -> None:
    """Queue due reminders and prompts."""
    deps = deps_of(application)
    await deps.db.run(jobs.plan_reminders, now=deps.clock.now(), settings=deps.settings)


async def daily_tick(application: Application) -> None:
    """Queue what is due today."""
    deps = deps_of(application)
    await deps.db.run(jobs.daily_jobs, now=deps.clock.now(), settings=deps.settings)


async def reclaim_tick(application: Application) -> None:
    """Put back sends a crash interrupted."""
    if count := await reclaim(application):
        log.warning("%d interrupted sends put back in the queue", count)


TICKS: list[tuple[Callable[[Application], Awaitable[None]], float]] = [
    (plan_tick, 30), (daily_tick, 60), (reclaim_tick, RECLAIM_SECONDS), (outbox_tick, 2),
]
# Keeping the process watched: not part of the catch-up (`run_all_once`).
MONITOR_TICKS: list[tuple[Callable[[Application], Awaitable[None]], float]] = [
    (telegram_probe, 60), (backup_tick, 60),
]


def _job(tick: Callable[[Application], Awaitable[None]]) -> Callable[[CallbackContext], Awaitable[None]]:
    async def run(context: CallbackContext) -> None:
        try:
            await tick(context.application)
        except Exception:  # a failed run is retried at the next interval
            log.exception("scheduled job %s failed", tick.__name__)
        else:
            health_of(context.application).mark(SCHEDULER)

    run.__name__ = tick.__name__
    return run


def start_scheduler(application: Application) -> list[Job]:
    """Catch up at once (every tick in order), then add the repeating jobs; returns the jobs."""
    queue = application.job_queue
    if queue is None:
        raise RuntimeError("APScheduler is missing: install python-telegram-bot[job-queue]")
    jobs = [queue.run_once(_job(run_all_once), when=0, name="catch_up",
                           job_kwargs={"misfire_grace_time": None})]
    for tick, seconds in (*TICKS, *MONITOR_TICKS):
        jobs.append(queue.run_repeating(_job(tick), interval=seconds, first=seconds,
                                        name=tick.__name__, job_kwargs=JOB_KWARGS))
    return jobs


async def run_all_once(application: Application) -> None:
    """Every tick once, in order (tests, and the sandbox's clock fast-forward)."""
    for tick, _ in TICKS:
        await tick(application)
