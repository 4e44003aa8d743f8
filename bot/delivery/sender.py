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

from bot.delivery.providers import SmsPermanentError, SmsRetryableError, SmsThrottledError, get_provider
from bot.delivery.ratelimit import BULK
from bot.delivery.sms import SmsGateway
from handlers.context import Deps, deps_of
from handlers.sms.text import count_segments, fit_sms
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
    """The configured SMS provider (SMS_PROVIDER), made once per application."""
    gateway = application.bot_data.get("sms_gateway")
    if gateway is None:
        gateway = application.bot_data["sms_gateway"] = get_provider(deps_of(application).settings)
    return gateway


async def deliver_due(application: Application, *, worker: str = "main",
                      limit: int = 200) -> DeliveryStats:
    """One pass: claim what is due, drop what no longer applies, send the rest.

    Sends go CONCURRENCY at a time and each group's outcomes are written in one transaction,
    so a crash can repeat at most one group (the messages in flight), never lose one.
    """
    deps = deps_of(application)
    stats = DeliveryStats()
    now = deps.clock.now()
    rows = await deps.db.run(outbox.claim_due, now=now, worker=worker, limit=limit)
    stale = await deps.db.run(reminders.stale_ids, messages=rows, now=now) if rows else {}
    outcomes = [outbox.Outcome(m.id, "dropped", reason)  # type: ignore[arg-type]
                for m in rows if (reason := stale.get(m.id))]
    to_send = [m for m in rows if m.id not in stale]
    for i in range(0, max(len(to_send), 1), CONCURRENCY):
        group = to_send[i:i + CONCURRENCY]
        outcomes += await asyncio.gather(*(_send(application, deps, m) for m in group))
        if outcomes:
            await deps.db.run(outbox.finish_many, outcomes=outcomes, now=deps.clock.now())
            for outcome in outcomes:
                stats.add(outcome.status)
                if outcome.status != "sent":
                    log.info("outbox message %s: %s%s", outcome.message_id, outcome.status,
                             f" – {outcome.error}" if outcome.error else "")
            outcomes = []
    return stats


async def _send(application: Application, deps: Deps, message: OutboxMessage) -> outbox.Outcome:
    """Send one claimed message; say what became of it."""
    mid = message.id
    assert mid is not None
    try:
        if message.channel == "telegram":
            await application.bot.send_message(message.chat_id, message.text,
                                               reply_markup=_markup(message.payload),
                                               rate_limit_args=BULK)
            return outbox.Outcome(mid, "sent")
        settings = deps.settings
        text = fit_sms(message.text, max_segments=settings.sms_max_segments,
                       transliterate=settings.sms_transliterate)
        provider_id, segments = await sms_gateway(application).send(message.phone or "", text,
                                                                    str(mid))
        return outbox.Outcome(mid, "sent", provider_id=provider_id,
                              segments=segments or count_segments(text).segments)
    except RetryAfter as exc:
        seconds = exc.retry_after.total_seconds() if hasattr(exc.retry_after, "total_seconds") \
            else float(exc.retry_after)
        return outbox.Outcome(mid, "retry", "429",
                              retry_at=deps.clock.now() + timedelta(seconds=seconds + 1))
    except SmsThrottledError as exc:
        return outbox.Outcome(mid, "retry", str(exc),
                              retry_at=deps.clock.now() + timedelta(seconds=exc.retry_after))
    except SmsPermanentError as exc:
        return outbox.Outcome(mid, "failed", str(exc))
    except Forbidden:
        return outbox.Outcome(mid, "failed", "blocked the bot", blocked=True)
    except BadRequest as exc:
        return outbox.Outcome(mid, "failed", str(exc))
    except (SmsRetryableError, NetworkError, TelegramError, OSError, RuntimeError) as exc:
        error = f"{type(exc).__name__}: {exc}"
        if message.attempts >= MAX_ATTEMPTS:
            return outbox.Outcome(mid, "failed", error)
        return outbox.Outcome(mid, "retry", error, retry_at=deps.clock.now() + backoff(message.attempts))
