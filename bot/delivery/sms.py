"""The SMS side of delivery: a gateway protocol and the console gateway for development."""

from __future__ import annotations

import logging
from typing import Protocol

log = logging.getLogger(__name__)


class SmsGateway(Protocol):
    """Sends one SMS; returns the provider's message id and the number of segments."""

    async def send(self, to: str, text: str, ref: str) -> tuple[str | None, int | None]: ...


def masked(number: str) -> str:
    """+48******789: enough to tell numbers apart in a log, no more."""
    return number[:3] + "*" * max(0, len(number) - 6) + number[-3:]


class ConsoleGateway:
    """SMS_PROVIDER=console: logs (masked number, no text) and keeps what it 'sent'."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    async def send(self, to: str, text: str, ref: str) -> tuple[str | None, int | None]:
        """Record the SMS instead of sending it."""
        self.sent.append((to, text, ref))
        log.info("console SMS %s to %s (%d characters)", ref, masked(to), len(text))
        return f"console-{ref}", None
