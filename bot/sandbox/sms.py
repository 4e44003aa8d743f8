"""The SMS side of the sandbox: each SMS-only phone's thread, and where an incoming SMS goes."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime

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
