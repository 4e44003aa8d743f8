"""SMS callbacks through the bot's one webhook server: authenticated, or 403 and nothing changes."""

from __future__ import annotations

import aiohttp
from sqlmodel import select
from twilio.request_validator import RequestValidator

from bot.sandbox.botapi import BotApiStandIn
from storage.clock import ManualClock
from storage.db import Database
from storage.models import OutboxMessage
from tests.auxil.sms_webhook import AUTH, replies, running, sent_sms


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
    sent_sms(db, clock, provider_id="ABC")
    async with running(api, db_url, clock, "smsapi") as public, aiohttp.ClientSession() as http:
        async with http.get(f"{public}/sms/smsapi/wrong/report?MsgId=ABC&status=404") as r:
            assert r.status == 403
        async with http.get(f"{public}/sms/smsapi/s3cr3t/report?MsgId=ABC&status=404") as r:
            assert r.status == 200
    with db.session() as s:
        row = s.exec(select(OutboxMessage)).one()
    assert row.status == "delivered" and row.delivered_at is not None
