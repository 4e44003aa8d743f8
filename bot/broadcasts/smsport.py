"""The SMS side of broadcasts: a gateway protocol and a segment counter.

Temporary: bot/sms (branch sms-providers) brings the real providers behind
`registry.get_provider(name, settings)` with the same `send(OutgoingSms) -> SendResult` shape
and errors, and `bot.sms.text.count_segments`/`transliterate_pl`. `segments()` and
`sms_text()` use those when importable; the local fallbacks below go when bot/sms lands.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger(__name__)

GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXT = set("^{}\\[~]|€\f")


@dataclass(frozen=True)
class OutgoingSms:
    """One SMS to send; `ref` is our reference (e.g. 'bc:12:345')."""

    to: str
    text: str
    ref: str


@dataclass(frozen=True)
class SendResult:
    """What the provider said."""

    provider_id: str
    segments: int
    status: str = "queued"


class SmsRetryableError(Exception):
    """A passing failure (5xx, network): try again later."""


class SmsThrottledError(SmsRetryableError):
    """Too many requests: wait `retry_after` seconds."""

    def __init__(self, retry_after: float = 1.0) -> None:
        super().__init__(f"throttled, retry after {retry_after}s")
        self.retry_after = retry_after


class SmsPermanentError(Exception):
    """The provider refused this message for good (bad number, no credit)."""


class SmsGateway(Protocol):
    """Anything that can send one SMS."""

    async def send(self, message: OutgoingSms) -> SendResult: ...


class ConsoleGateway:
    """Development gateway: logs the reference and segment count (never the number)."""

    async def send(self, message: OutgoingSms) -> SendResult:
        """Pretend to send."""
        count = segments(message.text)
        log.info("console sms %s (%d segments)", message.ref, count)
        return SendResult(provider_id=f"console-{message.ref}", segments=count)


def _local_transliterate(text: str) -> str:
    text = text.replace("ł", "l").replace("Ł", "L")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _local_segments(text: str) -> int:
    if all(c in GSM7 or c in GSM7_EXT for c in text):
        units = sum(2 if c in GSM7_EXT else 1 for c in text)
        return 1 if units <= 160 else -(-units // 153)
    units = sum(2 if ord(c) > 0xFFFF else 1 for c in text)
    return 1 if units <= 70 else -(-units // 67)


def sms_text(text: str, transliterate: bool) -> str:
    """The text as it will go by SMS (Polish letters replaced when configured)."""
    if not transliterate:
        return text
    try:
        from bot.sms.text import transliterate_pl  # type: ignore[import-not-found]
    except ImportError:
        return _local_transliterate(text)
    return transliterate_pl(text)


def segments(text: str) -> int:
    """How many SMS segments the text takes."""
    try:
        from bot.sms.text import count_segments  # type: ignore[import-not-found]
    except ImportError:
        return _local_segments(text)
    return count_segments(text).segments
