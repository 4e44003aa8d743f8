"""The audit log: who did what, when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.models import AuditLog


def record(*, session: Session, at: datetime, actor: str, action: str,
           target: str | None = None, **details: Any) -> None:
    """Add one audit entry (committed with the caller's transaction)."""
    session.add(AuditLog(at=at, actor=actor, action=action, target=target,
                         details={k: str(v) for k, v in details.items()} or None))


def recent(*, session: Session, limit: int = 50) -> list[AuditLog]:
    """The newest entries first."""
    return list(session.exec(select(AuditLog).order_by(col(AuditLog.id).desc()).limit(limit)))


def about(*, session: Session, target: str) -> list[AuditLog]:
    """Every entry about one target (e.g. 'participant:12'), oldest first."""
    return list(session.exec(select(AuditLog).where(AuditLog.target == target).order_by(AuditLog.id)))
