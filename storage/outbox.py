"""The durable outbox: everything a person must receive later is a row here first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
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
    return message if _insert_once(session, message) else None


def _insert_once(session: Session, message: OutboxMessage) -> bool:
    """Insert in a savepoint: when another process queued the same key meanwhile (the unique
    index waits for its commit), only this row is given up, not the caller's transaction."""
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError as exc:
        if "dedupe_key" not in str(exc.orig):
            raise
        return False
    return True


def cancel(*, session: Session, key_prefix: str) -> int:
    """Cancel pending messages whose dedupe key starts with a prefix (e.g. 'reminder:b17:')."""
    result = session.exec(update(OutboxMessage)  # type: ignore[call-overload]
                          .where(col(OutboxMessage.dedupe_key).startswith(key_prefix),
                                 OutboxMessage.status == "pending")
                          .values(status="cancelled"))
    return result.rowcount or 0


def claim_due(*, session: Session, now: datetime, worker: str, limit: int = 100) -> list[OutboxMessage]:
    """Take due pending messages for one worker; no two workers ever get the same row.

    PostgreSQL: the rows are locked with FOR UPDATE SKIP LOCKED, so concurrent workers take
    different rows. SQLite (one writer at a time): the conditional UPDATE … WHERE
    status='pending' only changes rows nobody has taken yet.
    """
    query = (select(OutboxMessage.id).where(OutboxMessage.status == "pending",
                                            OutboxMessage.next_attempt_at <= now)
             .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(session.exec(query))
    if not ids:
        return []
    session.exec(update(OutboxMessage)  # type: ignore[call-overload]
                 .where(col(OutboxMessage.id).in_(ids), OutboxMessage.status == "pending")
                 .values(status="sending", claimed_by=worker, claimed_at=now,
                         attempts=OutboxMessage.attempts + 1))
    return list(session.exec(select(OutboxMessage).where(
        col(OutboxMessage.id).in_(ids), OutboxMessage.claimed_by == worker,
        OutboxMessage.status == "sending").order_by(OutboxMessage.next_attempt_at)))


def reclaim_stuck(*, session: Session, now: datetime, older_than: timedelta) -> int:
    """Put back messages a crashed worker took but never finished (sent at most once more)."""
    result = session.exec(update(OutboxMessage)  # type: ignore[call-overload]
                          .where(OutboxMessage.status == "sending",
                                 col(OutboxMessage.claimed_at) < now - older_than)
                          .values(status="pending", claimed_by=None))
    return result.rowcount or 0


def finish(*, session: Session, message_id: int, status: str, now: datetime,
           error: str | None = None, retry_at: datetime | None = None,
           provider_id: str | None = None, segments: int | None = None) -> None:
    """Record what became of a claimed message: sent, failed, dropped, or retry at a time."""
    values: dict[str, Any] = {"status": status, "last_error": error[:500] if error else None}
    if status == "sent":
        values.update(sent_at=now, provider_id=provider_id, segments=segments)
    if retry_at is not None:
        values.update(status="pending", next_attempt_at=retry_at, claimed_by=None)
    session.exec(update(OutboxMessage).where(col(OutboxMessage.id) == message_id)  # type: ignore[call-overload]
                 .values(**values))


def fall_back_to_sms(*, session: Session, message_id: int, now: datetime) -> OutboxMessage | None:
    """The person blocked the bot: remember it, and queue the same text by SMS if allowed."""
    message = session.get(OutboxMessage, message_id)
    if message is None or message.participant_id is None:
        return None
    person = session.get(Participant, message.participant_id)
    if person is None:
        return None
    person.blocked_bot = True
    if not person.phone or (person.sms_opt_out and message.kind != "reminder"):
        return None
    payload = dict(message.payload or {})
    text = payload.pop("sms_text", message.text)  # a text naming no kind of help
    payload.pop("buttons", None)
    return enqueue(session=session, dedupe_key=f"{message.dedupe_key}:sms", kind=message.kind,
                   text=text, due_at=now, participant=person, channel="sms",
                   expires_at=message.expires_at, payload=payload)


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed message."""

    message_id: int
    status: str  # sent, failed, dropped, retry
    error: str | None = None
    retry_at: datetime | None = None
    provider_id: str | None = None
    segments: int | None = None
    blocked: bool = False  # Telegram said the person blocked the bot


def finish_many(*, session: Session, outcomes: list[Outcome], now: datetime) -> None:
    """Record several outcomes in one transaction (and fall back to SMS for the blocked)."""
    for o in outcomes:
        finish(session=session, message_id=o.message_id, status=o.status, now=now, error=o.error,
               retry_at=o.retry_at, provider_id=o.provider_id, segments=o.segments)
        if o.blocked:
            fall_back_to_sms(session=session, message_id=o.message_id, now=now)


def enqueue_to_number(*, session: Session, phone: str, text: str, now: datetime,
                      dedupe_key: str) -> OutboxMessage:
    """An SMS to a number that belongs to nobody in the club (the one polite reply)."""
    message = OutboxMessage(dedupe_key=dedupe_key, kind="reply", channel="sms", phone=phone,
                            text=text, due_at=now, next_attempt_at=now)
    session.add(message)
    return message


def record_report(*, session: Session, provider_id: str, status: str, now: datetime) -> bool:
    """A provider's delivery report for a sent SMS: 'delivered', 'failed' or 'sent'."""
    message = session.exec(select(OutboxMessage).where(
        OutboxMessage.provider_id == provider_id)).first()
    if message is None:
        return False
    if message.status == "delivered":  # final: a late 'sent' or 'failed' changes nothing
        return True
    if status == "delivered":
        message.status, message.delivered_at = "delivered", now
    elif status == "failed":
        message.status, message.last_error = "failed", "not delivered (provider report)"
    return True
