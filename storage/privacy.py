"""RODO (GDPR): a person's data on request, anonymisation, and retention after leaving."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, SQLModel, col, delete, select, update

from storage import audit
from storage.models import (
    Booking,
    BookingStatus,
    ConversationState,
    Delivery,
    HourEntry,
    InviteCode,
    OutboxMessage,
    Participant,
    WaitlistEntry,
    WorkshopSignup,
)

ERASED = "—"


def _plain(row: SQLModel) -> dict[str, Any]:
    """A row as JSON-ready values."""
    out = {}
    for key, value in row.model_dump().items():
        if isinstance(value, date | datetime):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        out[key] = value
    return out


def export_person(*, session: Session, participant: Participant) -> dict[str, Any]:
    """Everything kept about a participant (art. 15 RODO), as a JSON-ready dict."""
    pid = participant.id
    tables = {"bookings": Booking, "hour_entries": HourEntry, "waitlist": WaitlistEntry,
              "workshop_signups": WorkshopSignup, "broadcast_deliveries": Delivery,
              "messages": OutboxMessage}
    data: dict[str, Any] = {"participant": _plain(participant)}
    for name, table in tables.items():
        rows = session.exec(select(table).where(table.participant_id == pid)  # type: ignore[attr-defined]
                            .order_by(table.id))  # type: ignore[attr-defined]
        data[name] = [_plain(r) for r in rows]
    data["audit_log"] = [_plain(r) for r in audit.about(session=session, target=f"participant:{pid}")]
    return data


def anonymize(*, session: Session, participant: Participant, actor: str, now: datetime) -> None:
    """Remove what identifies the person; keep what the reports count (gender, dates, hours)."""
    pid, phone = participant.id, participant.phone
    participant.first_name = participant.last_name = ERASED
    participant.number = f"anon-{pid}"
    participant.phone = None
    participant.telegram_user_id = None
    participant.anonymized_at = now
    session.exec(delete(InviteCode).where(col(InviteCode.participant_id) == pid))
    session.exec(delete(WaitlistEntry).where(col(WaitlistEntry.participant_id) == pid))
    keys = [col(ConversationState.key).endswith(f":{pid}")]
    if phone:
        keys.append(col(ConversationState.key).endswith(f":{phone}"))
    session.exec(delete(ConversationState).where(or_(*keys)))
    mine = col(OutboxMessage.participant_id) == pid
    session.exec(update(OutboxMessage).where(mine, col(OutboxMessage.status) == "pending")  # type: ignore[call-overload]
                 .values(status=BookingStatus.cancelled))
    session.exec(update(OutboxMessage).where(mine)  # type: ignore[call-overload]
                 .values(text=ERASED, phone=None, chat_id=None, payload=None))
    audit.record(session=session, at=now, actor=actor, action="participant_erase",
                 target=f"participant:{pid}")


def anonymize_expired(*, session: Session, today: date, retention_days: int, now: datetime) -> int:
    """Anonymise everyone who left more than retention_days ago; returns how many."""
    cutoff = today - timedelta(days=retention_days)
    due = session.exec(select(Participant).where(
        col(Participant.left_on).is_not(None), col(Participant.left_on) < cutoff,
        col(Participant.anonymized_at).is_(None))).all()
    for participant in due:
        anonymize(session=session, participant=participant, actor="system:retention", now=now)
    return len(due)
