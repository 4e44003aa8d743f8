"""Inbound callbacks taken in once: replays, concurrent duplicates, failures, odd charsets."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from sqlmodel import select
from twilio.request_validator import RequestValidator

from bot.sandbox.botapi import BotApiStandIn
from bot.webhook import parse_form
from handlers.sms import conversation
from storage import outbox
from storage.clock import ManualClock
from storage.db import Database
from storage.models import Booking, BookingStatus, InboundEvent, OutboxMessage
from tests.auxil.factories import Factory
from tests.auxil.sms_webhook import AUTH, replies, running, sent_sms

PHONE = "+48601234567"
INCOMING = "/sms/smsapi/s3cr3t/incoming"


def two_bookings(make: Factory) -> None:
    """A participant on SMS with two upcoming consultations."""
    person = make.participant("20", "Stanisław", phone=PHONE, gender="M")
    member = make.staff("Monika", "psychologist", telegram_user_id=5001)
    for slot in make.slots(member, "08.12", "10:00-12:00"):
        make.booking(person, slot, max_upcoming=2)


def statuses(db: Database) -> list[str]:
    with db.session() as s:
        return sorted(s.exec(select(Booking.status)).all())


async def post(http: aiohttp.ClientSession, url: str, form: dict[str, str]) -> tuple[int, str]:
    async with http.post(url, data=form) as r:
        return r.status, await r.text()


async def test_smsapi_replay_cancels_one_booking_and_replies_once(
        api: BotApiStandIn, db: Database, db_url: str, clock: ManualClock, make: Factory) -> None:
    two_bookings(make)
    form = {"sms_from": "48601234567", "sms_text": "ANULUJ 1", "MsgId": "MO-1"}
    async with running(api, db_url, clock, "smsapi") as public, aiohttp.ClientSession() as http:
        for _ in range(2):
            assert await post(http, public + INCOMING, form) == (200, "OK")
    assert statuses(db) == [BookingStatus.booked, BookingStatus.cancelled]
    assert len(replies(db)) == 1


async def test_concurrent_duplicates_are_processed_once(
        api: BotApiStandIn, db: Database, db_url: str, clock: ManualClock, make: Factory) -> None:
    two_bookings(make)
    form = {"sms_from": "48601234567", "sms_text": "ANULUJ 1", "MsgId": "MO-2"}
    async with running(api, db_url, clock, "smsapi") as public, aiohttp.ClientSession() as http:
        answers = await asyncio.gather(*(post(http, public + INCOMING, form) for _ in range(4)))
        assert set(answers) <= {(200, "OK"), (503, "busy")} and (200, "OK") in answers
        assert await post(http, public + INCOMING, form) == (200, "OK")  # the provider's retry
    assert statuses(db) == [BookingStatus.booked, BookingStatus.cancelled]
    assert len(replies(db)) == 1


async def test_twilio_replay_is_acknowledged_and_skipped(api: BotApiStandIn, db: Database,
                                                         db_url: str, clock: ManualClock) -> None:
    async with running(api, db_url, clock, "twilio") as public, aiohttp.ClientSession() as http:
        url = f"{public}/sms/twilio/-/incoming"
        form = {"From": "+48700800900", "Body": "POMOC", "MessageSid": "SM7"}
        headers = {"X-Twilio-Signature": RequestValidator(AUTH).compute_signature(url, form)}
        for _ in range(2):
            async with http.post(url, data=form, headers=headers) as r:
                assert r.status == 200 and "<Response/>" in await r.text()
            clock.advance(timedelta(days=1))  # an unknown number's one reply a day, were it new
    assert len(replies(db)) == 1


async def test_a_failure_lets_the_retry_be_processed_once(
        api: BotApiStandIn, db: Database, db_url: str, clock: ManualClock, make: Factory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    two_bookings(make)
    real, calls = conversation.handle_sms, []

    async def flaky(*args: object) -> str | None:
        calls.append(args)
        if len(calls) == 1:
            raise ConnectionError("database went away")
        return await real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr("bot.runtime.handle_sms", flaky)
    form = {"sms_from": "48601234567", "sms_text": "ANULUJ 1", "MsgId": "MO-3"}
    async with running(api, db_url, clock, "smsapi") as public, aiohttp.ClientSession() as http:
        assert (await post(http, public + INCOMING, form))[0] == 500
        assert statuses(db) == [BookingStatus.booked, BookingStatus.booked]
        assert await post(http, public + INCOMING, form) == (200, "OK")  # the retry
        assert await post(http, public + INCOMING, form) == (200, "OK")  # a replay
    assert statuses(db) == [BookingStatus.booked, BookingStatus.cancelled]
    assert len(replies(db)) == 1


async def test_a_command_failing_halfway_leaves_nothing_and_the_retry_does_it_once(
        api: BotApiStandIn, db: Database, db_url: str, clock: ManualClock, make: Factory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """ANULUJ 1 cancels, then queuing the reply fails: the cancel is undone with it (one
    transaction), so the provider's retry cancels the same booking once, not the next one."""
    two_bookings(make)
    real, failures = outbox.enqueue, []

    def reply_fails_once(**kwargs: Any) -> object:
        if kwargs.get("kind") == "reply" and not failures:
            failures.append(kwargs)
            raise ConnectionError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(outbox, "enqueue", reply_fails_once)
    form = {"sms_from": "48601234567", "sms_text": "ANULUJ 1", "MsgId": "MO-9"}
    async with running(api, db_url, clock, "smsapi") as public, aiohttp.ClientSession() as http:
        assert (await post(http, public + INCOMING, form))[0] == 500
        assert failures and statuses(db) == [BookingStatus.booked, BookingStatus.booked]
        assert await post(http, public + INCOMING, form) == (200, "OK")  # the retry
        assert await post(http, public + INCOMING, form) == (200, "OK")  # a replay
    assert statuses(db) == [BookingStatus.booked, BookingStatus.cancelled]
    assert len(replies(db)) == 1
    with db.session() as s:
        assert s.exec(select(InboundEvent.state)).all() == ["done"]


async def test_windows_1250_body_is_read_and_answered(api: BotApiStandIn, db: Database,
                                                      db_url: str, clock: ManualClock) -> None:
    body = "sms_from=48700800900&sms_text=Dzień dobry, proszę o pomoc&MsgId=MO-4".encode("cp1250")
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    async with running(api, db_url, clock, "smsapi") as public, aiohttp.ClientSession() as http:
        async with http.post(public + INCOMING, data=body, headers=headers) as r:
            assert (r.status, await r.text()) == (200, "OK")
        broken = {"Content-Type": "multipart/form-data; boundary=xyz"}
        async with http.post(public + INCOMING, data=b"--nope\r\n\r\n", headers=broken) as r:
            assert r.status == 400
    [reply] = replies(db)
    assert reply.phone == "+48700800900"


async def test_a_delivery_report_is_applied_once(api: BotApiStandIn, db: Database, db_url: str,
                                                 clock: ManualClock) -> None:
    sent_sms(db, clock, provider_id="ABC")
    first = clock.now()
    async with running(api, db_url, clock, "smsapi") as public, aiohttp.ClientSession() as http:
        for status in ("404", "404", "403", "406"):  # delivered, its replay, late sent, failed
            async with http.get(f"{public}/sms/smsapi/s3cr3t/report?MsgId=ABC&status={status}") as r:
                assert (r.status, await r.text()) == (200, "OK")
            clock.advance(timedelta(minutes=1))
    with db.session() as s:
        row = s.exec(select(OutboxMessage)).one()
    assert (row.status, row.delivered_at, row.last_error) == ("delivered", first, None)


@pytest.mark.parametrize(("body", "charset", "text"), [
    ("sms_text=Dzień+dobry".encode(), None, "Dzień dobry"),
    ("sms_text=Dzień dobry".encode("cp1250"), None, "Dzień dobry"),
    (b"sms_text=Dzie%F1+%9Cwiecie", None, "Dzień świecie"),  # Windows-1250, percent-encoded
    ("sms_text=Łódź".encode("iso-8859-2"), "iso-8859-2", "Łódź"),
    (b"sms_text=\x81\xff", None, "\ufffd\u02d9"),  # undefined in Windows-1250: replaced
])
def test_callback_fields_are_decoded_defensively(body: bytes, charset: str | None,
                                                 text: str) -> None:
    assert parse_form(body + b"&MsgId=7", charset) == {"sms_text": text, "MsgId": "7"}
