"""Per-recipient deliveries of a broadcast: claim, record the outcome, resume, report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func
from sqlmodel import Session, col, select, update

from storage.models import Broadcast, Delivery, Participant

MAX_ATTEMPTS = 3
DONE = ("sent", "failed", "blocked", "opted_out", "unreachable", "cancelled")


@dataclass(frozen=True)
class Claimed:
    """A delivery taken by a sender, with what sending it needs."""

    delivery_id: int
    participant_id: int
    channel: str
    chat_id: int | None
    phone: str | None
    attempts: int


def claim(*, session: Session, broadcast_id: int, channel: str, limit: int) -> list[Claimed]:
    """Take up to `limit` pending deliveries (pending → sending) that no other sender has."""
    pending = (select(Delivery.id).where(Delivery.broadcast_id == broadcast_id,
                                         Delivery.channel == channel,
                                         Delivery.status == "pending")
               .order_by(Delivery.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        pending = pending.with_for_update(skip_locked=True)
    # Two steps: PostgreSQL may run an IN (subquery … LIMIT) more than once and take more.
    candidates = list(session.exec(pending))
    if not candidates:
        return []
    taken = session.exec(update(Delivery)  # type: ignore[call-overload]
                         .where(col(Delivery.id).in_(candidates), Delivery.status == "pending")
                         .values(status="sending", attempts=Delivery.attempts + 1)
                         .returning(Delivery.id)).all()
    ids = [row[0] for row in taken]
    if not ids:
        return []
    rows = session.exec(select(Delivery, Participant)
                        .join(Participant, Participant.id == Delivery.participant_id)
                        .where(col(Delivery.id).in_(ids)).order_by(Delivery.id))
    return [Claimed(d.id, p.id, d.channel, p.telegram_user_id, p.phone, d.attempts)  # type: ignore[arg-type]
            for d, p in rows]


def mark_sent(*, session: Session, delivery_ids: list[int], now: datetime) -> None:
    """The messages left (an SMS sent instead of Telegram keeps error 'blocked')."""
    keep = case((Delivery.error == "blocked", "blocked"), else_=None)
    session.exec(update(Delivery)  # type: ignore[call-overload]
                 .where(col(Delivery.id).in_(delivery_ids))
                 .values(status="sent", sent_at=now, error=keep))


def mark_failed(*, session: Session, delivery_id: int, error: str) -> None:
    """Sending failed for good."""
    session.exec(update(Delivery).where(Delivery.id == delivery_id)  # type: ignore[call-overload]
                 .values(status="failed", error=error[:500]))


def retry_later(*, session: Session, delivery_id: int, error: str,
                throttled: bool = False) -> bool:
    """Back to pending after a passing failure; failed once attempts are used up.

    A throttled attempt (429) does not count: the message was refused before sending.
    """
    delivery = session.get(Delivery, delivery_id)
    if delivery is None:
        return False
    if throttled:
        delivery.attempts -= 1
    again = delivery.attempts < MAX_ATTEMPTS
    delivery.status = "pending" if again else "failed"
    if delivery.error != "blocked" or not again:
        delivery.error = error[:500]
    return again


def mark_blocked(*, session: Session, delivery_id: int) -> str:
    """The person blocked the bot: remember it; fall back to SMS if allowed. The new status."""
    delivery = session.get(Delivery, delivery_id)
    if delivery is None:
        return "missing"
    person = session.get(Participant, delivery.participant_id)
    assert person is not None
    person.blocked_bot = True
    delivery.error = "blocked"
    if person.phone and not person.sms_opt_out:
        delivery.channel, delivery.status, delivery.attempts = "sms", "pending", 0
    else:
        delivery.status = "blocked"
    return delivery.status


def release(*, session: Session, delivery_ids: list[int]) -> None:
    """Give back claimed deliveries that were never tried (a graceful stop)."""
    if delivery_ids:
        session.exec(update(Delivery)  # type: ignore[call-overload]
                     .where(col(Delivery.id).in_(delivery_ids), Delivery.status == "sending")
                     .values(status="pending", attempts=Delivery.attempts - 1))


def resume(*, session: Session, broadcast_id: int) -> int:
    """After a crash: deliveries left 'sending' are sent again (at-least-once). Their number."""
    result = session.exec(update(Delivery)  # type: ignore[call-overload]
                          .where(Delivery.broadcast_id == broadcast_id,
                                 Delivery.status == "sending")
                          .values(status="pending"))
    return result.rowcount or 0


@dataclass(frozen=True)
class Report:
    """How a broadcast went, by outcome."""

    total: int = 0
    sent_telegram: int = 0
    sent_sms: int = 0
    sms_instead: int = 0
    failed: int = 0
    blocked: int = 0
    opted_out: int = 0
    unreachable: int = 0
    cancelled: int = 0
    open: int = 0

    @property
    def delivered(self) -> int:
        """Messages that left, on either channel."""
        return self.sent_telegram + self.sent_sms

    @property
    def handled(self) -> int:
        """Recipients whose delivery is finished (any outcome)."""
        return self.total - self.open


def report(*, session: Session, broadcast_id: int) -> Report:
    """Counts per outcome (one query)."""
    rows = session.exec(select(Delivery.status, Delivery.channel, Delivery.error, func.count())
                        .where(Delivery.broadcast_id == broadcast_id)
                        .group_by(Delivery.status, Delivery.channel, Delivery.error)).all()
    counts: dict[str, int] = {}
    for status, channel, error, n in rows:
        if status == "sent":
            key = "sent_telegram" if channel == "telegram" else "sent_sms"
            counts[key] = counts.get(key, 0) + n
            if error == "blocked":
                counts["sms_instead"] = counts.get("sms_instead", 0) + n
        elif status in DONE:
            counts[status] = counts.get(status, 0) + n
        else:
            counts["open"] = counts.get("open", 0) + n
        counts["total"] = counts.get("total", 0) + n
    return Report(**counts)


def finish_if_done(*, session: Session, broadcast_id: int, now: datetime) -> bool:
    """Mark the broadcast done once nothing is pending or in flight."""
    left = session.exec(select(func.count()).select_from(Delivery).where(
        Delivery.broadcast_id == broadcast_id,
        col(Delivery.status).in_(("pending", "sending")))).one()
    if left:
        return False
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is not None and broadcast.status == "sending":
        broadcast.status, broadcast.finished_at = "done", now
    return True


def recipients_of_workshop(*, session: Session, workshop_id: int) -> set[int]:
    """Participants who were sent an invitation to a workshop."""
    rows = session.exec(select(Delivery.participant_id).join(
        Broadcast, Broadcast.id == Delivery.broadcast_id).where(
        Broadcast.workshop_id == workshop_id, Delivery.status == "sent"))
    return set(rows)
