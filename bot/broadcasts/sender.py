"""Sending one broadcast: claim deliveries, send at the allowed rate, record each outcome.

Durability: every recipient has a delivery row (made at confirm). A sender claims rows
(pending → sending), sends, and records the accepted ones as sent every FLUSH_EVERY seconds
(one transaction). A crash leaves only the rows in flight or not yet recorded as 'sending';
the next run sends those again (at-least-once), so the only possible duplicates are the
messages accepted in the last moments before the crash.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application

from bot.broadcasts.pacing import Pacer
from bot.broadcasts.progress import Progress
from bot.broadcasts.smsport import (
    OutgoingSms,
    SmsGateway,
    SmsPermanentError,
    SmsRetryableError,
    SmsThrottledError,
    sms_text,
)
from handlers.context import Deps, deps_of
from handlers.texts import broadcasts as texts
from storage import broadcasts, deliveries, workshops
from storage.deliveries import Claimed

log = logging.getLogger(__name__)
IDLE_WAIT = 0.2
STOP_GRACE = 5.0
FLUSH_EVERY = 0.1
SendFn = Callable[["Lane", Claimed], Awaitable[None]]


@dataclass
class Message:
    """What every recipient of the broadcast gets."""

    telegram: str
    sms: str
    markup: InlineKeyboardMarkup | None = None


@dataclass
class Lane:
    """One channel's sending: its pacing, concurrency and tasks in flight."""

    channel: str
    pacer: Pacer
    slots: asyncio.Semaphore
    batch: int
    in_flight: set[asyncio.Task[None]] = field(default_factory=set)
    done: bool = False


def retry_seconds(error: RetryAfter) -> float:
    """retry_after in seconds (PTB gives int or timedelta)."""
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def compose(deps: Deps, broadcast_id: int) -> Message:
    """The broadcast's texts (with the workshop's details and answer buttons)."""
    broadcast = await deps.db.run(broadcasts.get, broadcast_id=broadcast_id)
    transliterate = deps.settings.sms_transliterate
    if broadcast.workshop_id is None:
        return Message(broadcast.text, sms_text(broadcast.text, transliterate))
    workshop = await deps.db.run(workshops.get, workshop_id=broadcast.workshop_id)
    tz = deps.settings.tz
    return Message(texts.invitation(broadcast.text, workshop, tz),
                   sms_text(texts.invitation_sms(broadcast.text, workshop, tz), transliterate),
                   InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)
                                          for label, data in row]
                                         for row in texts.rsvp_buttons(workshop.id)]))  # type: ignore[arg-type]


class BroadcastSender:
    """Sends one broadcast to the end; safe to start again after a crash."""

    def __init__(self, application: Application, broadcast_id: int, sms: SmsGateway) -> None:
        self.app = application
        self.deps = deps_of(application)
        self.broadcast_id = broadcast_id
        self.sms = sms
        settings = self.deps.settings
        self.telegram = Lane("telegram", Pacer(settings.broadcast_telegram_rate),
                             asyncio.Semaphore(settings.broadcast_concurrency),
                             batch=max(8, int(settings.broadcast_telegram_rate)))
        self.sms_lane = Lane("sms", Pacer(settings.broadcast_sms_rate), asyncio.Semaphore(4),
                             batch=max(4, int(settings.broadcast_sms_rate)))
        self.message: Message | None = None
        self.progress = Progress(application, broadcast_id)
        self.sent: list[int] = []  # accepted, not yet recorded (written every FLUSH_EVERY s)

    async def run(self) -> deliveries.Report:
        """Send everything still pending, then tell the coordinator how it went."""
        db = self.deps.db
        again = await db.run(deliveries.resume, broadcast_id=self.broadcast_id)
        if again:
            log.warning("broadcast %s: %d deliveries in flight at a crash are sent again",
                        self.broadcast_id, again)
        self.message = await compose(self.deps, self.broadcast_id)
        await self.progress.start()
        recorder = asyncio.create_task(self._record_sent_forever())
        try:
            await asyncio.gather(self._drive(self.telegram, None),
                                 self._drive(self.sms_lane, self.telegram))
        except asyncio.CancelledError:  # a stop: let the messages in flight be recorded
            await self._settle(STOP_GRACE)
            raise
        finally:
            recorder.cancel()
            await asyncio.shield(self._record_sent())
        await db.run(deliveries.finish_if_done, broadcast_id=self.broadcast_id,
                     now=self.deps.clock.now())
        report = await db.run(deliveries.report, broadcast_id=self.broadcast_id)
        await self.progress.finish(report)
        log.info("broadcast %s done: %s", self.broadcast_id, report)
        return report

    async def _record_sent(self) -> None:
        """Write the accepted messages as sent, in one transaction."""
        ids, self.sent = self.sent, []
        if ids:
            await self.deps.db.run(deliveries.mark_sent, delivery_ids=ids,
                                   now=self.deps.clock.now())

    async def _record_sent_forever(self) -> None:
        """Every FLUSH_EVERY seconds: the bigger this is, the more may repeat after a crash."""
        while True:
            await asyncio.sleep(FLUSH_EVERY)
            await self._record_sent()

    async def _settle(self, timeout: float) -> None:
        """Wait (up to timeout) for the sends in flight; cancel what is still running."""
        tasks = self.telegram.in_flight | self.sms_lane.in_flight
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=timeout)
            for task in late:
                task.cancel()

    def abort(self) -> None:
        """Tests only: cancel the sends in flight without waiting (a crash, minus the process)."""
        for task in self.telegram.in_flight | self.sms_lane.in_flight:
            task.cancel()

    async def _drive(self, lane: Lane, feeder: Lane | None) -> None:
        """Claim and send this lane's deliveries until none are left (nor can arrive)."""
        try:
            while True:
                batch = await self.deps.db.run(deliveries.claim, broadcast_id=self.broadcast_id,
                                               channel=lane.channel, limit=lane.batch)
                if not batch:
                    if not lane.in_flight and (feeder is None or feeder.done):
                        break
                    await self._idle(lane)
                    continue
                await self._launch(lane, batch)
        finally:
            lane.done = True

    async def _idle(self, lane: Lane) -> None:
        """Wait for a task in flight to end (it may put its delivery back), or a moment."""
        if lane.in_flight:
            await asyncio.wait(set(lane.in_flight), return_when=asyncio.FIRST_COMPLETED)
        else:
            await asyncio.sleep(IDLE_WAIT)

    async def _launch(self, lane: Lane, batch: list[Claimed]) -> None:
        """Start a task per delivery, at the lane's pace and within its concurrency."""
        send = self._send_telegram if lane.channel == "telegram" else self._send_sms
        for index, item in enumerate(batch):
            try:
                await lane.slots.acquire()
                await lane.pacer.wait()
            except asyncio.CancelledError:
                await self._release([c.delivery_id for c in batch[index:]])
                raise
            task = asyncio.create_task(self._guarded(lane, send, item))
            lane.in_flight.add(task)
            task.add_done_callback(lambda t, lane=lane: (lane.in_flight.discard(t),
                                                          lane.slots.release()))
            self.progress.tick()

    async def _release(self, ids: list[int]) -> None:
        """Give back never-tried deliveries on a graceful stop (shielded from the cancel)."""
        await asyncio.shield(self.deps.db.run(deliveries.release, delivery_ids=ids))

    async def _guarded(self, lane: Lane, send: SendFn, item: Claimed) -> None:
        """Send one; an unexpected error leaves it for a retry instead of killing the run."""
        try:
            await send(lane, item)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("broadcast %s: delivery %s failed unexpectedly", self.broadcast_id,
                          item.delivery_id)
            await self.deps.db.run(deliveries.retry_later, delivery_id=item.delivery_id,
                                   error=type(exc).__name__)

    async def _send_telegram(self, lane: Lane, item: Claimed) -> None:
        """One Telegram message; 403 → blocked (SMS instead), 429 → pause and retry."""
        db, message = self.deps.db, self.message
        assert message is not None and item.chat_id is not None
        try:
            await self.app.bot.send_message(item.chat_id, message.telegram,
                                            reply_markup=message.markup)
        except Forbidden:
            status = await db.run(deliveries.mark_blocked, delivery_id=item.delivery_id)
            log.info("broadcast %s: participant %s blocked the bot (%s)", self.broadcast_id,
                     item.participant_id, status)
        except RetryAfter as exc:
            lane.pacer.pause(retry_seconds(exc))
            await db.run(deliveries.retry_later, delivery_id=item.delivery_id, error="429",
                         throttled=True)
        except BadRequest as exc:
            await db.run(deliveries.mark_failed, delivery_id=item.delivery_id, error=exc.message)
        except TelegramError as exc:  # network, timeout, 5xx: maybe later
            await db.run(deliveries.retry_later, delivery_id=item.delivery_id,
                         error=type(exc).__name__)
        else:
            self.sent.append(item.delivery_id)

    async def _send_sms(self, lane: Lane, item: Claimed) -> None:
        """One SMS through the gateway; throttled → pause, retryable → later, else failed."""
        db, message = self.deps.db, self.message
        assert message is not None
        if not item.phone:
            await db.run(deliveries.mark_failed, delivery_id=item.delivery_id, error="no phone")
            return
        ref = f"bc:{self.broadcast_id}:{item.delivery_id}"
        try:
            await self.sms.send(OutgoingSms(to=item.phone, text=message.sms, ref=ref))
        except SmsThrottledError as exc:
            lane.pacer.pause(exc.retry_after)
            await db.run(deliveries.retry_later, delivery_id=item.delivery_id, error="throttled",
                         throttled=True)
        except SmsRetryableError as exc:
            await db.run(deliveries.retry_later, delivery_id=item.delivery_id, error=str(exc))
        except SmsPermanentError as exc:
            await db.run(deliveries.mark_failed, delivery_id=item.delivery_id, error=str(exc))
        else:
            self.sent.append(item.delivery_id)
