"""How the outbox is doing, for `kisbot status` and the /metrics gauges (no personal data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import OutboxMessage, OutboxStatus

WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class QueueState:
    """The outbox right now and over the last WINDOW."""

    due: dict[str, int]  # channel → pending messages whose time has come
    later: int  # pending, not due yet
    sending: int
    oldest_due: datetime | None
    sent: dict[str, int]  # channel → sent (or delivered) within the window
    failed: dict[str, int]  # channel → failed within the window
    last_sent_at: datetime | None
    reasons: list[tuple[str, int]]  # the most common failure reasons within the window

    def oldest_due_seconds(self, now: datetime) -> float:
        """How long the oldest due message has waited (0 when none waits)."""
        return max(0.0, (now - self.oldest_due).total_seconds()) if self.oldest_due else 0.0


def queue_state(*, session: Session, now: datetime) -> QueueState:
    """Counts by channel and status (one pass over the due index and the last day)."""
    m = OutboxMessage
    pending = m.status == OutboxStatus.pending
    due = dict(session.exec(select(m.channel, func.count()).where(pending, m.next_attempt_at <= now)
                            .group_by(m.channel)).all())
    later = session.exec(select(func.count()).where(pending, m.next_attempt_at > now)).one()
    sending = session.exec(select(func.count()).where(m.status == OutboxStatus.sending)).one()
    oldest = session.exec(select(func.min(m.next_attempt_at)).where(pending, m.next_attempt_at <= now)
                          ).one()
    since = now - WINDOW
    sent_statuses = (OutboxStatus.sent, OutboxStatus.delivered)
    sent = dict(session.exec(select(m.channel, func.count()).where(
        col(m.status).in_(sent_statuses), col(m.sent_at) >= since).group_by(m.channel)).all())
    failed_recent = (m.status == OutboxStatus.failed, col(m.claimed_at) >= since)
    failed = dict(session.exec(select(m.channel, func.count()).where(*failed_recent)
                               .group_by(m.channel)).all())
    last_sent = session.exec(select(func.max(m.sent_at))).one()
    reasons = [(r or "?", n) for r, n in session.exec(
        select(m.last_error, func.count()).where(*failed_recent).group_by(m.last_error)
        .order_by(func.count().desc()).limit(3)).all()]
    return QueueState(due, later, sending, _aware(oldest), sent, failed, _aware(last_sent), reasons)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives aggregates back as naive UTC (or text); always an aware UTC datetime."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
