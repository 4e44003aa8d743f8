"""The one outbox sender: reminders, prompts, summaries, notices and broadcasts.

A pass (`deliver_due`) claims due rows (up to `limit` at a time) and keeps claiming while
due rows remain, for at most DRAIN_SECONDS; the next tick carries on. Sends run
`send_concurrency` at a time: Telegram ones are paced evenly by the PTB rate limiter
(`telegram_bulk_rate`, bot.delivery.ratelimit), SMS by one limiter (`sms_rate`). Outcomes are
written every FLUSH_SECONDS in one transaction, so a crash repeats at most the messages in
flight or accepted in the last moment, and loses none.

Claims and resume after a crash: bot.delivery.claims (one worker id per process, heartbeat,
dead processes' rows put back).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot.delivery import progress
from bot.delivery.claims import HEARTBEAT_SECONDS, worker_id
from bot.delivery.providers import SmsPermanentError, SmsRetryableError, SmsThrottledError, get_provider
from bot.delivery.ratelimit import BULK, EvenPace, retry_seconds, sms_limiter
from bot.delivery.sms import SmsGateway
from bot.metrics import metrics_of
from handlers.context import Deps, deps_of
from handlers.sms.text import prepare_sms
from handlers.texts import broadcasts as broadcast_texts
from storage import broadcast_outbox, outbox, reminders
from storage.models import Channel, OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
FLUSH_SECONDS = 0.1
DRAIN_SECONDS = 60.0
STOP_GRACE = 5.0


@dataclass
class DeliveryStats:
    """What one pass did."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, outcome: str) -> None:
        """Count one outcome."""
        self.counts[outcome] = self.counts.get(outcome, 0) + 1


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … capped at an hour."""
    return timedelta(seconds=min(30 * 2 ** max(0, attempts - 1), 3600))


def markup(payload: dict | None) -> InlineKeyboardMarkup | None:
    """The Telegram buttons of a message (payload["buttons"]: rows of (label, data))."""
    rows = (payload or {}).get("buttons")
    if not rows:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)
                                  for label, data in row] for row in rows])


def sms_gateway(application: Application) -> SmsGateway:
    """The configured SMS provider (SMS_PROVIDER), made once per application."""
    gateway = application.bot_data.get("sms_gateway")
    if gateway is None:
        gateway = application.bot_data["sms_gateway"] = get_provider(deps_of(application).settings)
    return gateway


def _lock(application: Application) -> asyncio.Lock:
    return application.bot_data.setdefault("outbox_lock", asyncio.Lock())


async def deliver_due(application: Application, *, worker: str | None = None,
                      limit: int = 200, budget: float = DRAIN_SECONDS) -> DeliveryStats:
    """One pass (waiting for a pass already running in this process to end first)."""
    async with _lock(application):
        drain = Drain(application, worker or worker_id(application))
        application.bot_data["outbox_drain"] = drain
        return await drain.run(limit, budget)


async def outbox_tick(application: Application) -> None:
    """The scheduler's tick: a pass (after the one running, if any)."""
    await deliver_due(application)


def wake(application: Application) -> None:
    """Start a pass now (a handler queued something) unless one runs; errors are logged."""
    if _lock(application).locked():
        return  # the running pass keeps claiming while rows are due
    tasks: set[asyncio.Task] = application.bot_data.setdefault("outbox_wakes", set())
    task = asyncio.create_task(deliver_due(application), name="outbox-wake")
    tasks.add(task)

    def done(finished: asyncio.Task) -> None:
        tasks.discard(finished)
        if not finished.cancelled() and finished.exception() is not None:
            log.error("outbox pass failed", exc_info=finished.exception())

    task.add_done_callback(done)


async def stop_sending(application: Application) -> None:
    """Stop the passes started by `wake` (messages in flight are recorded or released)."""
    tasks = list(application.bot_data.get("outbox_wakes", ()))
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


class Drain:
    """One pass: claim, send at the allowed pace, record outcomes, finish broadcasts."""

    def __init__(self, application: Application, worker: str) -> None:
        self.app, self.deps, self.worker = application, deps_of(application), worker
        self.slots = asyncio.Semaphore(self.deps.settings.send_concurrency)
        self.sms_pace = sms_limiter(application, self.deps.settings.sms_rate)
        self.in_flight: set[asyncio.Task[None]] = set()
        self.outcomes: list[outbox.Outcome] = []
        self.broadcast_of: dict[int, int] = {}
        self.channel_of: dict[int, str] = {}
        self.metrics = metrics_of(application)
        self._untried: list[int] = []
        self.stats = DeliveryStats()
        loop = asyncio.get_running_loop()
        self._time = loop.time
        self._flushed = self._time()

    async def run(self, limit: int, budget: float) -> DeliveryStats:
        """Drain what is due (bounded by `budget` seconds); what became of it."""
        deadline = self._time() + budget
        db = self.deps.db
        beat = asyncio.create_task(self._heartbeat())
        try:
            await db.run(broadcast_outbox.start_due, now=self.deps.clock.now())
            while self._time() < deadline:
                rows = await db.run(outbox.claim_due, now=self.deps.clock.now(),
                                    worker=self.worker, limit=limit)
                if rows:
                    await self._launch(rows)
                elif not await self._settle():
                    break
            await self._settle()
        except asyncio.CancelledError:
            await asyncio.shield(self._stop())
            raise
        finally:
            beat.cancel()
        return self.stats

    async def _heartbeat(self) -> None:
        """Every HEARTBEAT_SECONDS: the rows this worker claimed are still being sent."""
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            await self.deps.db.run(outbox.heartbeat, worker=self.worker, now=self.deps.clock.now())

    async def _launch(self, rows: list[OutboxMessage]) -> None:
        """Drop what no longer applies; start a send per row within the concurrency."""
        now = self.deps.clock.now()
        stale = await self.deps.db.run(reminders.stale_ids, messages=rows, now=now)
        for m in rows:
            self.channel_of[m.id] = m.channel  # type: ignore[index]
            self.broadcast_of.update({m.id: m.broadcast_id} if m.broadcast_id else {})  # type: ignore[dict-item]
            if reason := stale.get(m.id):  # type: ignore[arg-type]
                self.outcomes.append(outbox.Outcome(m.id, OutboxStatus.dropped, reason))  # type: ignore[arg-type]
        waiting = [m for m in rows if m.id not in stale]
        self._untried = [m.id for m in waiting]
        while waiting:
            await self.slots.acquire()
            message = waiting.pop(0)
            self._untried.pop(0)
            task = asyncio.create_task(self._one(message))
            self.in_flight.add(task)
            task.add_done_callback(self.in_flight.discard)
            await self._maybe_flush()

    async def _one(self, message: OutboxMessage) -> None:
        """Send one; an unexpected error leaves it for a retry instead of losing it."""
        try:
            outcome = await send_one(self.app, self.deps, message, self.sms_pace)
        except Exception as exc:
            log.exception("outbox message %s failed unexpectedly", message.id)
            outcome = outbox.Outcome(message.id, "retry", type(exc).__name__,  # type: ignore[arg-type]
                                     retry_at=self.deps.clock.now() + backoff(message.attempts))
        finally:
            self.slots.release()
        self.outcomes.append(outcome)

    async def _maybe_flush(self) -> None:
        """Record the outcomes so far every FLUSH_SECONDS."""
        if self.outcomes and self._time() - self._flushed >= FLUSH_SECONDS:
            await self._flush()

    async def _flush(self) -> bool:
        """Write the outcomes so far in one transaction; update progress messages."""
        self._flushed = self._time()
        done, self.outcomes = self.outcomes, []
        if not done:
            return False
        await self.deps.db.run(outbox.finish_many, outcomes=done, now=self.deps.clock.now())
        self.metrics.count_outcomes(done, self.channel_of)
        for o in done:
            self.stats.add(o.status)
            if o.status != OutboxStatus.sent:
                log.info("outbox message %s: %s%s", o.message_id, o.status,
                         f" – {o.error}" if o.error else "")
        touched = {self.broadcast_of[o.message_id] for o in done if o.message_id in self.broadcast_of}
        await progress.update(self.app, touched)
        return True

    async def _settle(self) -> bool:
        """Wait for the sends in flight, record them, finish broadcasts; whether anything changed."""
        if self.in_flight:
            await asyncio.wait(set(self.in_flight))
        changed = await self._flush()
        return await self._finish_broadcasts() or changed

    async def _finish_broadcasts(self) -> bool:
        """Broadcasts with nothing left to send become done (their report is queued)."""
        db, finished = self.deps.db, False
        for broadcast_id in await db.run(broadcast_outbox.sending_ids):
            report = await db.run(broadcast_outbox.finish_if_done, broadcast_id=broadcast_id,
                                  now=self.deps.clock.now(),
                                  report_text=broadcast_texts.final_report)
            if report is not None:
                finished = True
                log.info("broadcast %s done: %s", broadcast_id, report)
                await progress.final(self.app, broadcast_id, report)
        return finished

    async def _stop(self) -> None:
        """A stop: give back untried rows, let the sends in flight end (briefly), record them."""
        await self.deps.db.run(outbox.release, message_ids=self._untried,
                               worker=self.worker)
        if self.in_flight:
            _, late = await asyncio.wait(set(self.in_flight), timeout=STOP_GRACE)
            for task in late:
                task.cancel()
        await self._flush()

    def abort(self) -> None:
        """Tests only: the sends in flight die with their requests (a crash, minus the process)."""
        self.outcomes.clear()
        for task in self.in_flight:
            task.cancel()


async def send_one(application: Application, deps: Deps, message: OutboxMessage,
                   sms_pace: EvenPace) -> outbox.Outcome:
    """Send one claimed message; say what became of it (the one retry policy)."""
    mid = message.id
    assert mid is not None
    now = deps.clock.now
    try:
        if message.channel == Channel.telegram:
            await application.bot.send_message(message.chat_id, message.text,
                                               reply_markup=markup(message.payload),
                                               rate_limit_args=BULK)
            return outbox.Outcome(mid, OutboxStatus.sent)
        settings = deps.settings
        sms = prepare_sms(message.text, max_segments=settings.sms_max_segments,
                          transliterate=settings.sms_transliterate)
        await sms_pace.acquire()
        provider_id, segments = await sms_gateway(application).send(message.phone or "",
                                                                    sms.text, str(mid))
        return outbox.Outcome(mid, OutboxStatus.sent, provider_id=provider_id,
                              segments=segments or sms.segments)
    except RetryAfter as exc:
        return outbox.Outcome(mid, "retry", "429", throttled=True,
                              retry_at=now() + timedelta(seconds=retry_seconds(exc) + 1))
    except SmsThrottledError as exc:
        return outbox.Outcome(mid, "retry", str(exc), throttled=True,
                              retry_at=now() + timedelta(seconds=exc.retry_after))
    except SmsPermanentError as exc:
        return outbox.Outcome(mid, OutboxStatus.failed, str(exc))
    except Forbidden:
        return outbox.Outcome(mid, OutboxStatus.failed, outbox.BLOCKED, blocked=True)
    except BadRequest as exc:
        return outbox.Outcome(mid, OutboxStatus.failed, str(exc))
    except (SmsRetryableError, NetworkError, TelegramError, OSError, RuntimeError) as exc:
        error = f"{type(exc).__name__}: {exc}"
        if message.attempts >= MAX_ATTEMPTS:
            return outbox.Outcome(mid, OutboxStatus.failed, error)
        return outbox.Outcome(mid, "retry", error, retry_at=now() + backoff(message.attempts))
