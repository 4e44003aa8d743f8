"""SMS callbacks through the bot's one webhook server: authenticated, or 403 and nothing changes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from sqlmodel import select
from twilio.request_validator import RequestValidator

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
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    settings = make_settings(api, db_url, public_url=public, webhook_port=port,
                             sms_provider=provider, sms_webhook_secret="s3cr3t",
                             smsapi_token="t", twilio_account_sid="AC1", twilio_auth_token=AUTH)
    async with serving(settings, clock):
        yield public


def replies(db: Database) -> list[OutboxMessage]:
    with db.session() as s:
        return list(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "reply")))


async def test_smsapi_incoming_needs_the_secret_path(api: BotApiStandIn, db: Database,
                                                     db_url: str, clock: ManualClock) -> None:
    async with running(api, db_url, clock, "smsapi") as public, aiohttp.ClientSession() as http:
        form = {"sms_from": "48700800900", "sms_to": "48500000000", "sms_text": "POMOC",
                "MsgId": "1"}
        async with http.post(f"{public}/sms/smsapi/wrong/incoming", data=form) as r:
            assert r.status == 403
        assert replies(db) == []
        async with http.post(f"{public}/sms/smsapi/s3cr3t/incoming", data=form) as r:
            assert (r.status, await r.text()) == (200, "OK")
    [reply] = replies(db)  # an unknown number: one polite reply, no data
    assert reply.phone == "+48700800900" and reply.text.startswith("Dzień dobry. Tego numeru")


async def test_twilio_incoming_needs_a_valid_signature(api: BotApiStandIn, db: Database,
                                                       db_url: str, clock: ManualClock) -> None:
    async with running(api, db_url, clock, "twilio") as public, aiohttp.ClientSession() as http:
        url = f"{public}/sms/twilio/-/incoming"
        form = {"From": "+48700800900", "Body": "POMOC", "MessageSid": "SM1"}
        for headers in ({}, {"X-Twilio-Signature": "forged"}):
            async with http.post(url, data=form, headers=headers) as r:
                assert r.status == 403
        assert replies(db) == []
        signature = RequestValidator(AUTH).compute_signature(url, form)
        async with http.post(url, data=form, headers={"X-Twilio-Signature": signature}) as r:
            assert r.status == 200 and "<Response/>" in await r.text()
    assert len(replies(db)) == 1


async def test_delivery_reports_update_the_message(api: BotApiStandIn, db: Database, db_url: str,
                                                   clock: ManualClock) -> None:
    db.call(outbox.enqueue_to_number, phone="+48601234567", text="x", now=clock.now(),
            dedupe_key="k1")
    with db.session() as s:
        row = s.exec(select(OutboxMessage)).one()
        row.status, row.provider_id = "sent", "ABC"
    async with running(api, db_url, clock, "smsapi") as public, aiohttp.ClientSession() as http:
        async with http.get(f"{public}/sms/smsapi/wrong/report?MsgId=ABC&status=404") as r:
            assert r.status == 403
        async with http.get(f"{public}/sms/smsapi/s3cr3t/report?MsgId=ABC&status=404") as r:
            assert r.status == 200
    with db.session() as s:
        row = s.exec(select(OutboxMessage)).one()
    assert row.status == "delivered" and row.delivered_at is not None
