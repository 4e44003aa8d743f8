"""Provider adapters against stand-in HTTP servers: requests sent, answers mapped, secrets kept."""

from __future__ import annotations

import base64
import logging
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from twilio.request_validator import RequestValidator

from bot.delivery.providers import (
    Callback,
    SmsApi,
    SmsPermanentError,
    SmsRetryableError,
    SmsThrottledError,
    Twilio,
    get_provider,
)
from storage.settings import load_settings
from tests.auxil.sms_standin import Canned, ProviderStandIn

TOKEN, AUTH = "smsapi-secret-token-123", "twilio-auth-token-456"


@pytest.fixture
async def standin() -> AsyncIterator[ProviderStandIn]:
    server = await ProviderStandIn().start()
    yield server
    await server.stop()


def settings(url: str, **extra: Any):
    return load_settings(None, smsapi_base_url=url, smsapi_token=TOKEN, twilio_base_url=url,
                         twilio_account_sid="AC123", twilio_auth_token=AUTH,
                         twilio_from="+48500000000", sms_sender="Info",
                         public_url="https://bot.example.org", sms_webhook_secret="s3cr3t", **extra)


CASES = [
    ("smsapi ok", SmsApi, [Canned(200, {"count": 1, "list": [{"id": "ABC1", "parts": 2}]})],
     ("ABC1", 2), None),
    ("smsapi 500 is retried", SmsApi, [Canned(500, "oops")], None, SmsRetryableError),
    ("smsapi 429 waits", SmsApi, [Canned(429, "slow", {"Retry-After": "7"})], None,
     SmsThrottledError),
    ("smsapi bad number", SmsApi, [Canned(200, {"error": 13, "message": "bad number"})], None,
     SmsPermanentError),
    ("twilio ok", Twilio, [Canned(201, {"sid": "SM1", "num_segments": "1", "status": "queued"})],
     ("SM1", 1), None),
    ("twilio 400", Twilio, [Canned(400, {"code": 21211})], None, SmsPermanentError),
    ("twilio 503", Twilio, [Canned(503, "down")], None, SmsRetryableError),
]


@pytest.mark.parametrize(("label", "cls", "responses", "result", "error"), CASES,
                         ids=[c[0] for c in CASES])
async def test_send(standin: ProviderStandIn, caplog: pytest.LogCaptureFixture, label: str,
                    cls, responses, result, error) -> None:
    caplog.set_level(logging.DEBUG)
    standin.responses = list(responses)
    provider = cls(settings(standin.url))
    if error is None:
        assert await provider.send("+48601234567", "Przypomnienie", "42") == result
    else:
        with pytest.raises(error):
            await provider.send("+48601234567", "Przypomnienie", "42")
    path, headers, form = standin.requests[0]
    if cls is SmsApi:
        assert path == "/sms.do" and headers["Authorization"] == f"Bearer {TOKEN}"
        assert (form["to"], form["message"], form["idx"], form["format"]) == (
            "48601234567", "Przypomnienie", "42", "json")
        assert form["from"] == "Info"
        assert form["notify_url"] == "https://bot.example.org/sms/smsapi/s3cr3t/report"
    else:
        assert path == "/2010-04-01/Accounts/AC123/Messages.json"
        assert headers["Authorization"] == "Basic " + base64.b64encode(f"AC123:{AUTH}".encode()).decode()
        assert (form["To"], form["From"], form["Body"]) == ("+48601234567", "+48500000000",
                                                             "Przypomnienie")
    assert TOKEN not in caplog.text and AUTH not in caplog.text


async def test_without_a_sender_name_smsapi_uses_the_accounts_default(
        standin: ProviderStandIn) -> None:
    standin.responses = [CASES[0][2][0]]
    provider = SmsApi(settings(standin.url).model_copy(update={"sms_sender": None}))
    await provider.send("+48601234567", "Przypomnienie", "42")
    assert "from" not in standin.requests[0][2]


async def test_connection_refused_is_retried() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(SmsRetryableError):
        await SmsApi(settings(f"http://127.0.0.1:{port}")).send("+48601234567", "x", "1")


def test_smsapi_callbacks_need_the_secret_path_and_parse() -> None:
    provider = SmsApi(settings("http://unused"))
    assert provider.authentic(Callback("s3cr3t", "u", {}, {}))
    assert not provider.authentic(Callback("wrong", "u", {}, {}))
    assert not provider.authentic(Callback("", "u", {}, {}))
    sms = provider.incoming({"sms_from": "48601234567", "sms_text": "GODZINY 4", "MsgId": "9"})
    assert (sms.phone, sms.text) == ("48601234567", "GODZINY 4")
    reports = provider.reports({"MsgId": "A,B,C", "status": "404,406,403"})
    assert [(r.provider_id, r.status) for r in reports] == [
        ("A", "delivered"), ("B", "failed"), ("C", "sent")]


def test_twilio_signatures_valid_invalid_missing() -> None:
    provider = Twilio(settings("http://unused"))
    url = "https://bot.example.org/sms/twilio/-/incoming"
    form = {"From": "+48601234567", "Body": "POMOC", "MessageSid": "SM9"}
    good = RequestValidator(AUTH).compute_signature(url, form)
    assert provider.authentic(Callback("-", url, {"X-Twilio-Signature": good}, form))
    assert not provider.authentic(Callback("-", url, {"X-Twilio-Signature": "forged"}, form))
    assert not provider.authentic(Callback("-", url, {}, form))
    tampered = {**form, "Body": "STOP"}
    assert not provider.authentic(Callback("-", url, {"X-Twilio-Signature": good}, tampered))
    assert [(r.provider_id, r.status) for r in provider.reports(
        {"MessageSid": "SM9", "MessageStatus": "undelivered"})] == [("SM9", "failed")]


def test_registry_picks_the_configured_provider() -> None:
    for name, cls in (("smsapi", SmsApi), ("twilio", Twilio)):
        assert isinstance(get_provider(settings("http://x", sms_provider=name)), cls)
    assert get_provider(settings("http://x")).name == "console"
