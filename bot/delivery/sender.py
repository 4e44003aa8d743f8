"""The outbox sender: claims due messages and sends each exactly once (retrying failures).

A message is claimed (status 'sending') before it is sent and finished after; a crash in
between leaves it 'sending' until `reclaim_stuck` puts it back, so at most the messages in
flight at a crash can arrive twice, and nothing is lost.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot.delivery.sms import ConsoleGateway, SmsGateway
from bot.deps import Deps, deps_of
from bot.ratelimit import BULK
from storage import outbox, reminders
from storage.models import OutboxMessage

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
CONCURRENCY = 25


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


def _markup(payload: dict | None) -> InlineKeyboardMarkup | None:
    rows = (payload or {}).get("buttons")
    if not rows:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)
                                  for label, data in row] for row in rows])


def sms_gateway(application: Application) -> SmsGateway:
    """The configured SMS gateway (the console one unless a provider was set up)."""
    return application.bot_data.setdefault("sms_gateway", ConsoleGateway())


async def deliver_due(application: Application, *, worker: str = "main",
                      limit: int = 200) -> DeliveryStats:
    """One pass: claim what is due and send it."""
    deps = deps_of(application)
    stats = DeliveryStats()
    rows = await deps.db.run(outbox.claim_due, now=deps.clock.now(), worker=worker, limit=limit)
    limiter = asyncio.Semaphore(CONCURRENCY)

    async def one(message: OutboxMessage) -> None:
        async with limiter:
            stats.add(await _deliver(application, deps, message))

    await asyncio.gather(*(one(m) for m in rows))
    return stats


async def _deliver(application: Application, deps: Deps, message: OutboxMessage) -> str:
    """Send one claimed message and record the outcome."""
    now = deps.clock.now()
    if message.expires_at is not None and message.expires_at <= now:
        return await _finish(deps, message, "dropped", "expired")
    if not await deps.db.run(reminders.still_valid, payload=message.payload):
        return await _finish(deps, message, "dropped", "no longer applies")
    try:
        if message.channel == "telegram":
            await application.bot.send_message(message.chat_id, message.text,
                                               reply_markup=_markup(message.payload),
                                               rate_limit_args=BULK)
            return await _finish(deps, message, "sent")
        provider_id, segments = await sms_gateway(application).send(
            message.phone or "", message.text, str(message.id))
        return await _finish(deps, message, "sent", provider_id=provider_id, segments=segments)
    except RetryAfter as exc:
        seconds = exc.retry_after.total_seconds() if hasattr(exc.retry_after, "total_seconds") \
            else float(exc.retry_after)
        return await _finish(deps, message, "retry", "429", retry=timedelta(seconds=seconds + 1))
    except Forbidden:
        await deps.db.run(outbox.fall_back_to_sms, message_id=message.id, now=now)
        return await _finish(deps, message, "failed", "blocked the bot")
    except BadRequest as exc:
        return await _finish(deps, message, "failed", str(exc))
    except (NetworkError, TelegramError, OSError, RuntimeError) as exc:
        return await _retry_or_fail(deps, message, exc)


async def _retry_or_fail(deps: Deps, message: OutboxMessage, exc: BaseException) -> str:
    if message.attempts >= MAX_ATTEMPTS:
        return await _finish(deps, message, "failed", f"{type(exc).__name__}: {exc}")
    return await _finish(deps, message, "retry", f"{type(exc).__name__}: {exc}",
                         retry=backoff(message.attempts))


async def _finish(deps: Deps, message: OutboxMessage, outcome: str, error: str | None = None,
                  *, retry: timedelta | None = None, provider_id: str | None = None,
                  segments: int | None = None) -> str:
    now = deps.clock.now()
    await deps.db.run(outbox.finish, message_id=message.id, status=outcome, now=now, error=error,
                      retry_at=now + retry if retry else None, provider_id=provider_id,
                      segments=segments)
    if outcome != "sent":
        log.info("outbox message %s (%s): %s%s", message.id, message.kind, outcome,
                 f" – {error}" if error else "")
    return outcome
