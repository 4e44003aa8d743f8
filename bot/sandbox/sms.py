"""The SMS side of the sandbox: each SMS-only phone's thread, and where an incoming SMS goes."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime

from bot.i18n import sandbox as texts

_ids = itertools.count(1)


@dataclass(frozen=True)
class Sms:
    """One SMS on a demo phone: `incoming` means the person sent it to the club."""

    id: int
    at: datetime
    text: str
    incoming: bool
    status: str = "sent"


@dataclass
class Phones:
    """SMS threads by phone number (E.164), outside the database: what the phones 'saw'."""

    threads: dict[str, list[Sms]] = field(default_factory=dict)
    version: int = 0

    def add(self, phone: str, at: datetime, text: str, *, incoming: bool) -> Sms:
        """Record an SMS on a phone's thread."""
        sms = Sms(id=next(_ids), at=at, text=text, incoming=incoming)
        self.threads.setdefault(phone, []).append(sms)
        self.version += 1
        return sms

    def thread(self, phone: str) -> list[Sms]:
        """Every SMS on a phone, oldest first."""
        return list(self.threads.get(phone, []))


async def on_incoming_sms(phones: Phones, phone: str, text: str, now: datetime) -> None:
    """An SMS a demo person sent to the club (the provider webhook's job in production).

    SMS keywords are not handled by the bot yet, so the stand-in answers with a clear note.
    When bot.sms lands, this becomes one line handing the SMS to the bot's SMS handler.
    """
    phones.add(phone, now, texts.SMS_NOT_YET, incoming=False)
