"""The audit log: who did what, when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.models import AuditLog
from storage.parsing import strip_controls

# Built once: an INSERT costs no statement building, and no unit-of-work flush (issue 21).
_INSERT = AuditLog.__table__.insert()  # type: ignore[attr-defined]


def record(*, session: Session, at: datetime, actor: str, action: str,
           target: str | None = None, **details: Any) -> None:
    """Add one audit entry, written at once in the caller's transaction (committed or undone
    with it). Control characters are stripped, as the flush does for every other row."""
    session.execute(_INSERT, {
        "at": at, "actor": actor, "action": action,
        "target": strip_controls(target) if target is not None else None,
        "details": {k: strip_controls(str(v)) for k, v in details.items()} or None})


def record_each(*, session: Session, at: datetime, actor: str, action: str,
                targets: list[str]) -> None:
    """The same entry for each of many targets, in one statement (one round trip)."""
    if targets:
        session.execute(_INSERT, [{"at": at, "actor": actor, "action": action,
                                   "target": strip_controls(target), "details": None}
                                  for target in targets])


def recent(*, session: Session, limit: int = 50) -> list[AuditLog]:
    """The newest entries first."""
    return list(session.exec(select(AuditLog).order_by(col(AuditLog.id).desc()).limit(limit)))


def about(*, session: Session, target: str) -> list[AuditLog]:
    """Every entry about one target (e.g. 'participant:12'), oldest first."""
    return list(session.exec(select(AuditLog).where(AuditLog.target == target).order_by(AuditLog.id)))
