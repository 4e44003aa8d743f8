"""The SMS side of broadcasts: the broadcast sender's message shape over the bot's SMS provider."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.delivery.providers import Provider, SmsPermanentError, SmsRetryableError, SmsThrottledError
from handlers.sms.text import count_segments, transliterate_pl

__all__ = ["OutgoingSms", "ProviderGateway", "SendResult", "SmsGateway", "SmsPermanentError",
           "SmsRetryableError", "SmsThrottledError", "segments", "sms_text"]


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


class SmsGateway(Protocol):
    """Anything that can send one SMS of a broadcast."""

    async def send(self, message: OutgoingSms) -> SendResult: ...


class ProviderGateway:
    """A broadcast gateway over the configured SMS provider (bot.delivery.providers)."""

    def __init__(self, provider: Provider) -> None:
        self.provider = provider

    async def send(self, message: OutgoingSms) -> SendResult:
        """Send through the provider; its typed errors pass through unchanged."""
        provider_id, parts = await self.provider.send(message.to, message.text, message.ref)
        return SendResult(provider_id=provider_id or message.ref,
                          segments=parts or segments(message.text))


def sms_text(text: str, transliterate: bool) -> str:
    """The text as it will go by SMS (Polish letters replaced when configured)."""
    return transliterate_pl(text) if transliterate else text


def segments(text: str) -> int:
    """How many SMS segments the text takes."""
    return count_segments(text).segments
