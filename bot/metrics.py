"""Prometheus metrics of the running bot (the official prometheus_client), served at /metrics.

Labels are kinds, channels and outcomes only: never a name, a number or a chat.
Counters live in the process; the outbox and backup gauges are read from the database at
each scrape, so they are right whoever queued or backed up (the CLI included).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Iterable
from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from telegram import Update
from telegram.ext import Application, SimpleUpdateProcessor

from storage import backup_schedule
from storage.models import Channel
from storage.ops_status import QueueState
from storage.outbox import Outcome

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class Metrics:
    """One registry per application (tests run several side by side)."""

    def __init__(self) -> None:
        r = self.registry = CollectorRegistry()
        self.updates = Counter("kisbot_updates", "Updates handled (Telegram updates, SMS)",
                               ["kind"], registry=r)
        self.update_seconds = Histogram("kisbot_update_seconds", "Time to handle an update",
                                        ["kind"], buckets=LATENCY_BUCKETS, registry=r)
        self.sends = Counter("kisbot_outbox_sends", "Outbox sends by channel and outcome",
                             ["channel", "outcome"], registry=r)
        self.retries = Counter("kisbot_outbox_retries", "Outbox sends to be retried later",
                               ["channel"], registry=r)
        self.throttled = Counter("kisbot_throttled", "Answers 429 (too many requests)",
                                 ["channel"], registry=r)
        self.sms_segments = Counter("kisbot_sms_segments", "SMS segments sent", registry=r)
        self.outbox_due = Gauge("kisbot_outbox_due", "Pending outbox messages already due",
                                ["channel"], registry=r)
        self.outbox_later = Gauge("kisbot_outbox_scheduled", "Pending outbox messages not due yet",
                                  registry=r)
        self.outbox_sending = Gauge("kisbot_outbox_sending", "Outbox messages being sent",
                                    registry=r)
        self.oldest_due = Gauge("kisbot_outbox_oldest_due_seconds",
                                "How long the oldest due outbox message has waited", registry=r)
        self.last_backup = Gauge("kisbot_last_backup_timestamp_seconds",
                                 "When the last backup was written (Unix time; 0: never)", registry=r)
        self.last_backup_failure = Gauge("kisbot_last_backup_failure_timestamp_seconds",
                                         "When a backup last failed (Unix time; 0: never)", registry=r)
        self.healthy = Gauge("kisbot_health_ok", "1 when the part is healthy", ["part"], registry=r)
        for channel in (Channel.telegram, Channel.sms):
            self.throttled.labels(channel)
            self.retries.labels(channel)
            self.outbox_due.labels(channel)
        self._per_kind: dict[str, tuple[Any, Any]] = {}

    def observe_update(self, kind: str, seconds: float) -> None:
        """One update handled (each kind's two series looked up once: `labels` takes a lock
        and builds its key at every call)."""
        series = self._per_kind.get(kind)
        if series is None:
            series = self._per_kind[kind] = (self.updates.labels(kind),
                                             self.update_seconds.labels(kind))
        series[0].inc()
        series[1].observe(seconds)

    def count_outcomes(self, outcomes: Iterable[Outcome], channel_of: dict[int, str]) -> None:
        """What the outbox sender recorded."""
        for o in outcomes:
            channel = channel_of.get(o.message_id, "unknown")
            self.sends.labels(channel, o.status).inc()
            if o.status == "retry":
                self.retries.labels(channel).inc()
            if o.throttled and channel == Channel.sms:  # Telegram's 429s are counted per answer
                self.throttled.labels(channel).inc()
            if o.status == "sent" and channel == Channel.sms and o.segments:
                self.sms_segments.inc(o.segments)

    def set_state(self, queue: QueueState, last: backup_schedule.LastBackup, now: datetime) -> None:
        """The gauges read from the database."""
        for channel in (Channel.telegram, Channel.sms):
            self.outbox_due.labels(channel).set(queue.due.get(channel, 0))
        self.outbox_later.set(queue.later)
        self.outbox_sending.set(queue.sending)
        self.oldest_due.set(queue.oldest_due_seconds(now))
        self.last_backup.set(last.at.timestamp() if last.at else 0)
        self.last_backup_failure.set(last.failed_at.timestamp() if last.failed_at else 0)

    def exposition(self) -> bytes:
        """The text format Prometheus scrapes."""
        return generate_latest(self.registry)


def metrics_of(application: Application) -> Metrics:
    """The application's metrics (made on first use)."""
    metrics = application.bot_data.get("metrics")
    if metrics is None:
        metrics = application.bot_data["metrics"] = Metrics()
    return metrics


def update_kind(update: object) -> str:
    """A label for an update: what it is, never who sent it."""
    if isinstance(update, Update):
        for kind in ("callback_query", "message", "edited_message", "my_chat_member"):
            if getattr(update, kind) is not None:
                return kind
    return "other"


class MeasuredUpdates(SimpleUpdateProcessor):
    """PTB's update processor: N at a time, but one at a time per chat, in the order they
    came (a person's second message is not answered before their first: with N at once and a
    database round trip in each, it could be; bench/scale.py saw it), timing each update."""

    def __init__(self, max_concurrent_updates: int, metrics: Metrics) -> None:
        super().__init__(max_concurrent_updates)
        self._metrics = metrics
        self._chats: dict[int, _ChatTurn] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Handle the update after the chat's earlier ones; record how long it took."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await self._timed(update, coroutine)
            return
        turn = self._chats.setdefault(chat.id, _ChatTurn())
        turn.waiting += 1
        try:
            async with turn.lock:  # asyncio.Lock: waiters in the order they came
                await self._timed(update, coroutine)
        finally:
            turn.waiting -= 1
            if not turn.waiting:
                del self._chats[chat.id]

    async def _timed(self, update: object, coroutine: Awaitable[Any]) -> None:
        start = time.perf_counter()
        try:
            await coroutine
        finally:
            self._metrics.observe_update(update_kind(update), time.perf_counter() - start)


class _ChatTurn:
    """One chat's updates in flight: the lock they take in turn and how many hold or want it."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.waiting = 0
