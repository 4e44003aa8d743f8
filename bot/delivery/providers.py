"""SMS providers behind one interface, chosen by SMS_PROVIDER: smsapi, twilio, console.

Each provider sends (`send`), authenticates its callbacks (`authentic`), and parses incoming
messages and delivery reports. HTTP answers map to typed errors in one place (`raise_for`):
5xx and connection problems are retried, 429 waits, anything else fails for good.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import httpx
from twilio.request_validator import RequestValidator

from bot.delivery.sms import ConsoleGateway, masked
from storage.settings import Settings

log = logging.getLogger(__name__)


class SmsError(Exception):
    """A send failed."""


class SmsRetryableError(SmsError):
    """Worth trying again later (5xx, timeout, connection refused)."""


class SmsThrottledError(SmsRetryableError):
    """The provider asked us to slow down."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"throttled for {retry_after} s")
        self.retry_after = retry_after


class SmsPermanentError(SmsError):
    """Will not succeed on retry (bad number, bad credentials, rejected)."""


@dataclass(frozen=True)
class Incoming:
    """An SMS a person sent to the club."""

    phone: str
    text: str
    provider_id: str | None = None


@dataclass(frozen=True)
class Report:
    """A delivery report: our provider id and 'delivered', 'failed' or 'sent'."""

    provider_id: str
    status: str


@dataclass(frozen=True)
class Callback:
    """What a provider callback request carried, as the webhook server saw it."""

    path_secret: str
    url: str  # the public URL it was sent to (signatures cover it)
    headers: Mapping[str, str]
    params: Mapping[str, str]  # query and form fields together


class Provider(Protocol):
    """One SMS provider."""

    name: str

    async def send(self, to: str, text: str, ref: str) -> tuple[str | None, int | None]: ...

    def authentic(self, request: Callback) -> bool: ...

    def incoming(self, params: Mapping[str, str]) -> Incoming: ...

    def reports(self, params: Mapping[str, str]) -> list[Report]: ...


def raise_for(response: httpx.Response) -> None:
    """Turn an HTTP failure into a typed error."""
    if response.status_code == 429:
        raise SmsThrottledError(float(response.headers.get("Retry-After", "30")))
    if response.status_code >= 500:
        raise SmsRetryableError(f"HTTP {response.status_code}")
    if response.status_code >= 400:
        raise SmsPermanentError(f"HTTP {response.status_code}")


async def _post(url: str, **kwargs: object) -> httpx.Response:
    try:
        async with httpx.AsyncClient(timeout=15) as client:
            response = await client.post(url, **kwargs)  # type: ignore[arg-type]
    except httpx.HTTPError as exc:
        raise SmsRetryableError(type(exc).__name__) from None
    raise_for(response)
    return response


def _same(given: str, expected: str | None) -> bool:
    return bool(expected) and hmac.compare_digest(given.encode(), str(expected).encode())


class SmsApi:
    """SMSAPI.pl: REST send (sms.do); callbacks carry no signature, so a secret path."""

    name = "smsapi"
    DELIVERED, FAILED = frozenset({"404"}), frozenset({"405", "406", "407", "408"})

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, to: str, text: str, ref: str) -> tuple[str | None, int | None]:
        """POST /sms.do; returns SMSAPI's message id and the parts it counted."""
        s = self.settings
        data = {"to": to.lstrip("+"), "message": text, "format": "json",
                "encoding": "utf-8", "idx": ref, "max_parts": str(s.sms_max_segments)}
        if s.sms_sender:  # else SMSAPI's default sender for the account
            data["from"] = s.sms_sender
        if s.public_url and s.sms_webhook_secret:
            data["notify_url"] = f"{s.public_url}/sms/smsapi/{s.sms_webhook_secret}/report"
        response = await _post(f"{s.smsapi_base_url.rstrip('/')}/sms.do", data=data,
                               headers={"Authorization": f"Bearer {s.smsapi_token}"})
        body = response.json()
        if "error" in body:  # SMSAPI reports errors as {"error": code, "message": …}
            code = int(body["error"])
            error = SmsRetryableError if code >= 1000 else SmsPermanentError
            raise error(f"SMSAPI error {code}")
        first = body["list"][0]
        return str(first["id"]), int(first.get("parts", 1))

    def authentic(self, request: Callback) -> bool:
        """The path must carry SMS_WEBHOOK_SECRET."""
        return _same(request.path_secret, self.settings.sms_webhook_secret)

    def incoming(self, params: Mapping[str, str]) -> Incoming:
        """MO callback: sms_from, sms_text, MsgId."""
        return Incoming(params.get("sms_from", ""), params.get("sms_text", ""), params.get("MsgId"))

    def reports(self, params: Mapping[str, str]) -> list[Report]:
        """DLR callback: MsgId and status (comma-separated lists allowed)."""
        ids = params.get("MsgId", "").split(",")
        statuses = params.get("status", "").split(",")
        return [Report(i, "delivered" if s in self.DELIVERED else
                       "failed" if s in self.FAILED else "sent")
                for i, s in zip(ids, statuses, strict=False) if i]


class Twilio:
    """Twilio: REST send; callbacks signed with X-Twilio-Signature (official validator)."""

    name = "twilio"
    FAILED = frozenset({"failed", "undelivered", "canceled"})

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, to: str, text: str, ref: str) -> tuple[str | None, int | None]:
        """POST Messages.json with basic auth; returns the message SID and its segments."""
        s = self.settings
        data = {"To": to, "From": s.twilio_from or s.sms_sender, "Body": text}
        if s.public_url:
            data["StatusCallback"] = f"{s.public_url}/sms/twilio/{s.sms_webhook_secret or '-'}/report"
        url = f"{s.twilio_base_url.rstrip('/')}/2010-04-01/Accounts/{s.twilio_account_sid}/Messages.json"
        response = await _post(url, data=data,
                               auth=(s.twilio_account_sid or "", s.twilio_auth_token or ""))
        body = response.json()
        return body.get("sid"), int(body["num_segments"]) if body.get("num_segments") else None

    def authentic(self, request: Callback) -> bool:
        """Validate X-Twilio-Signature over the public URL and the form."""
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or not self.settings.twilio_auth_token:
            return False
        validator = RequestValidator(self.settings.twilio_auth_token)
        return validator.validate(request.url, dict(request.params), signature)

    def incoming(self, params: Mapping[str, str]) -> Incoming:
        """Incoming message webhook: From, Body, MessageSid."""
        return Incoming(params.get("From", ""), params.get("Body", ""), params.get("MessageSid"))

    def reports(self, params: Mapping[str, str]) -> list[Report]:
        """Status callback: MessageSid, MessageStatus."""
        status = params.get("MessageStatus", "")
        mapped = "delivered" if status == "delivered" else "failed" if status in self.FAILED else "sent"
        return [Report(params["MessageSid"], mapped)] if params.get("MessageSid") else []


class Console(ConsoleGateway):
    """SMS_PROVIDER=console: development; no callbacks."""

    name = "console"

    def authentic(self, request: Callback) -> bool:
        """Nobody calls the console provider."""
        return False

    def incoming(self, params: Mapping[str, str]) -> Incoming:
        """Never used."""
        return Incoming("", "")

    def reports(self, params: Mapping[str, str]) -> list[Report]:
        """Never used."""
        return []


PROVIDERS = {"console": lambda _s: Console(), "smsapi": SmsApi, "twilio": Twilio}


def get_provider(settings: Settings) -> Provider:
    """The provider SMS_PROVIDER names (validated in Settings)."""
    provider = PROVIDERS[settings.sms_provider](settings)
    log.info("SMS provider: %s", provider.name)
    return provider  # type: ignore[return-value]


__all__ = ["Callback", "Incoming", "Provider", "Report", "SmsPermanentError", "SmsRetryableError",
           "SmsThrottledError", "get_provider", "masked"]
