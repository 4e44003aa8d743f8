"""Facts the running bot learns and the CLI reads offline (the bot's @username)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from storage.models import RuntimeFact

BOT_USERNAME = "bot_username"


def remember(*, session: Session, key: str, value: str, now: datetime) -> None:
    """Store (or refresh) a fact."""
    fact = session.get(RuntimeFact, key)
    if fact is None:
        session.add(RuntimeFact(key=key, value=value, updated_at=now))
    else:
        fact.value, fact.updated_at = value, now


def recall(*, session: Session, key: str) -> str | None:
    """A stored fact, or None."""
    fact = session.get(RuntimeFact, key)
    return fact.value if fact is not None else None
