"""The durable outbox: everything a person must receive later is a row here first.

Claims: a worker (one id per process, see bot.delivery.sender) takes rows pending → sending
with claimed_by and claimed_at; while it sends it refreshes claimed_at (`heartbeat`), so a
row whose claimed_at is older than the stuck limit belongs to a dead process and
`reclaim_stuck` may put it back (sent at most once more), never a live one's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from storage.language import speaking
from storage.models import Channel, OutboxKind, OutboxMessage, OutboxStatus, Participant, Staff

OPTED_OUT, UNREACHABLE = "opted_out", "unreachable"
BLOCKED = "blocked the bot"  # last_error of a Telegram message the person refused
# The SMS opt-out (STOP: "no announcements") is checked when these kinds are queued, and
# for every kind but reminders when a blocked Telegram message falls back to SMS.
OPT_OUT_AT_QUEUE = (OutboxKind.broadcast,)
OPT_OUT_EXEMPT_ON_FALLBACK = (OutboxKind.reminder,)


def channel_for(person: Participant | Staff, *, kind: str, fallback: bool = False) -> str:
    """The one channel choice: telegram, sms, or why neither (opted_out, unreachable).

    Telegram when linked and not blocked; else SMS when there is a phone and the SMS
    opt-out does not apply to this kind of message.
    """
    blocked = isinstance(person, Participant) and person.blocked_bot
    if person.telegram_user_id and not blocked and not fallback:
        return Channel.telegram
    if not person.phone:
        return UNREACHABLE
    applies = kind not in OPT_OUT_EXEMPT_ON_FALLBACK if fallback else kind in OPT_OUT_AT_QUEUE
    if applies and isinstance(person, Participant) and person.sms_opt_out:
        return OPTED_OUT
    return Channel.sms


Text = str | Callable[[str], str]  # one text, or one per channel (rendered for the channel)


def render(text: Text, channel: str, person: Participant | Staff) -> str:
    """A text function rendered for a channel in the person's language (staff: Polish)."""
    if not callable(text):
        return text
    with speaking(person.language if isinstance(person, Participant) else None):
        return text(channel)


def enqueue(*, session: Session, dedupe_key: str, kind: str, text: Text, due_at: datetime,
            participant: Participant | None = None, staff: Staff | None = None,
            expires_at: datetime | None = None, payload: dict[str, Any] | None = None,
            channel: str | None = None, broadcast_id: int | None = None) -> OutboxMessage | None:
    """Queue a message once (a second call with the same dedupe_key does nothing).

    The channel is `channel_for`'s unless given. `text` may be a function of the channel:
    it is rendered for the channel chosen, in a participant's own language (`render`), and
    by Telegram its SMS form is kept for the fallback (payload sms_text). Returns None
    when the person cannot be reached or the key exists.
    """
    if session.exec(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)).first():
        return None
    person = participant or staff
    if person is None:
        raise ValueError("enqueue needs a participant or a staff member")
    chat_id = person.telegram_user_id
    if channel is None:
        channel = channel_for(person, kind=kind)
    if channel not in (Channel.telegram, Channel.sms):
        return None
    if callable(text):
        if channel == Channel.telegram:
            payload = {"sms_text": render(text, Channel.sms, person), **(payload or {})}
        text = render(text, channel, person)
    message = OutboxMessage(
        dedupe_key=dedupe_key, kind=kind, channel=channel, text=text, payload=payload,
        participant_id=participant.id if participant else None,
        staff_id=staff.id if staff else None, chat_id=chat_id, phone=person.phone,
        due_at=due_at, next_attempt_at=due_at, expires_at=expires_at, broadcast_id=broadcast_id)
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
    """Put back messages a dead worker took but never finished (sent at most once more).

    A live worker refreshes claimed_at (`heartbeat`) far more often than `older_than`.
    """
    result = session.exec(update(OutboxMessage)  # type: ignore[call-overload]
                          .where(OutboxMessage.status == OutboxStatus.sending,
                                 col(OutboxMessage.claimed_at) < now - older_than)
                          .values(status=OutboxStatus.pending, claimed_by=None))
    return result.rowcount or 0


def claimers(*, session: Session) -> list[str]:
    """The workers holding messages in 'sending'."""
    return sorted(w for w in session.exec(select(OutboxMessage.claimed_by).distinct().where(
        OutboxMessage.status == OutboxStatus.sending)) if w)


def reclaim_from(*, session: Session, workers: list[str]) -> int:
    """Put back the messages of workers known to be dead (sent at most once more)."""
    if not workers:
        return 0
    result = session.exec(update(OutboxMessage)  # type: ignore[call-overload]
                          .where(OutboxMessage.status == OutboxStatus.sending,
                                 col(OutboxMessage.claimed_by).in_(workers))
                          .values(status=OutboxStatus.pending, claimed_by=None))
    return result.rowcount or 0


def heartbeat(*, session: Session, worker: str, now: datetime) -> int:
    """A live worker says its claimed messages are still being sent (claimed_at = now)."""
    result = session.exec(update(OutboxMessage)  # type: ignore[call-overload]
                          .where(OutboxMessage.status == OutboxStatus.sending,
                                 OutboxMessage.claimed_by == worker)
                          .values(claimed_at=now))
    return result.rowcount or 0


def release(*, session: Session, message_ids: list[int], worker: str) -> int:
    """Give back claimed messages that were never tried (a graceful stop)."""
    if not message_ids:
        return 0
    result = session.exec(update(OutboxMessage)  # type: ignore[call-overload]
                          .where(col(OutboxMessage.id).in_(message_ids),
                                 OutboxMessage.claimed_by == worker,
                                 OutboxMessage.status == OutboxStatus.sending)
                          .values(status=OutboxStatus.pending, claimed_by=None,
                                  attempts=OutboxMessage.attempts - 1))
    return result.rowcount or 0


def finish(*, session: Session, message_id: int, status: str, now: datetime,
           error: str | None = None, retry_at: datetime | None = None,
           provider_id: str | None = None, segments: int | None = None,
           throttled: bool = False) -> None:
    """Record what became of a claimed message: sent, failed, dropped, or retry at a time.

    A throttled retry (429) gives the attempt back: the message was refused, not tried.
    """
    values: dict[str, Any] = {"status": status, "last_error": error[:500] if error else None}
    if status == OutboxStatus.sent:
        values.update(sent_at=now, provider_id=provider_id, segments=segments)
    if retry_at is not None:
        values.update(status=OutboxStatus.pending, next_attempt_at=retry_at, claimed_by=None)
    if throttled:
        values.update(attempts=OutboxMessage.attempts - 1)
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
    if channel_for(person, kind=message.kind, fallback=True) != Channel.sms:
        return None
    payload = dict(message.payload or {})
    text = payload.pop("sms_text", message.text)  # a text naming no kind of help
    payload.pop("buttons", None)
    payload["fallback"] = True
    return enqueue(session=session, dedupe_key=f"{message.dedupe_key}{FALLBACK_SUFFIX}",
                   kind=message.kind, text=text, due_at=now, participant=person,
                   channel=Channel.sms, expires_at=message.expires_at, payload=payload,
                   broadcast_id=message.broadcast_id)


FALLBACK_SUFFIX = ":sms"


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
    throttled: bool = False  # refused with 429: retried without counting an attempt


def finish_many(*, session: Session, outcomes: list[Outcome], now: datetime) -> None:
    """Record several outcomes in one transaction (and fall back to SMS for the blocked)."""
    for o in outcomes:
        finish(session=session, message_id=o.message_id, status=o.status, now=now, error=o.error,
               retry_at=o.retry_at, provider_id=o.provider_id, segments=o.segments,
               throttled=o.throttled)
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
