"""The bot's webhook server with an SMS provider configured, and what SMS tests look at."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlmodel import select

from bot.sandbox.botapi import BotApiStandIn
from storage import outbox
from storage.clock import ManualClock
from storage.db import Database
from storage.models import OutboxMessage
from tests.auxil.factories import free_port
from tests.auxil.harness import make_settings, serving

AUTH = "twilio-auth-token"


@asynccontextmanager
async def running(api: BotApiStandIn, db_url: str, clock: ManualClock,
                  provider: str) -> AsyncIterator[str]:
    """`kisbot run` in webhook mode with PROVIDER's callbacks; yields the public base URL."""
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    settings = make_settings(api, db_url, public_url=public, webhook_port=port,
                             sms_provider=provider, sms_webhook_secret="s3cr3t",
                             smsapi_token="t", twilio_account_sid="AC1", twilio_auth_token=AUTH)
    async with serving(settings, clock):
        yield public


def replies(db: Database) -> list[OutboxMessage]:
    """The SMS replies queued so far."""
    with db.session() as s:
        return list(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "reply")))


def sent_sms(db: Database, clock: ManualClock, *, provider_id: str) -> None:
    """One SMS the provider accepted under PROVIDER_ID (waiting for its delivery report)."""
    db.call(outbox.enqueue_to_number, phone="+48601234567", text="x", now=clock.now(),
            dedupe_key="k1")
    with db.session() as s:
        row = s.exec(select(OutboxMessage)).one()
        row.status, row.provider_id = "sent", provider_id
