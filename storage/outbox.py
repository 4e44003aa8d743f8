"""The durable outbox: everything a person must receive later is a row here first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select, update

from storage.models import OutboxMessage, Participant, Staff


def enqueue(*, session: Session, dedupe_key: str, kind: str, text: str, due_at: datetime,
            participant: Participant | None = None, staff: Staff | None = None,
            expires_at: datetime | None = None, payload: dict[str, Any] | None = None,
            channel: str | None = None) -> OutboxMessage | None:
    """Queue a message once (a second call with the same dedupe_key does nothing).

    The channel is the person's: Telegram when linked (and not blocked), else SMS when they
    have a phone. Returns None when the person cannot be reached or the key exists.
    """
    if session.exec(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)).first():
        return None
    person = participant or staff
    if person is None:
        raise ValueError("enqueue needs a participant or a staff member")
    chat_id = person.telegram_user_id
    blocked = isinstance(person, Participant) and person.blocked_bot
    if channel is None:
        channel = "telegram" if chat_id and not blocked else ("sms" if person.phone else None)
    if channel is None:
        return None
    message = OutboxMessage(
        dedupe_key=dedupe_key, kind=kind, channel=channel, text=text, payload=payload,
        participant_id=participant.id if participant else None,
        staff_id=staff.id if staff else None, chat_id=chat_id, phone=person.phone,
        due_at=due_at, next_attempt_at=due_at, expires_at=expires_at)
    session.add(message)
    return message


def cancel(*, session: Session, key_prefix: str) -> int:
    """Cancel pending messages whose dedupe key starts with a prefix (e.g. 'reminder:b17:')."""
    result = session.exec(update(OutboxMessage)  # type: ignore[call-overload]
                          .where(col(OutboxMessage.dedupe_key).startswith(key_prefix),
                                 OutboxMessage.status == "pending")
                          .values(status="cancelled"))
    return result.rowcount or 0
