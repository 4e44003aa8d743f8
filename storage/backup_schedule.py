"""The daily backup's bookkeeping: when one is due, the files kept, what the admins are told.

What happened is kept in runtime_facts (the last success, the last failure), so the CLI's
`kisbot status`, the metrics and the scheduler in another process all read the same.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from sqlmodel import Session

from storage import facts, outbox, people
from storage.models import OutboxKind, Role

LAST_AT, LAST_FILE, LAST_BYTES = "backup_last_at", "backup_last_file", "backup_last_bytes"
FAILED_AT, FAILED_REASON = "backup_failed_at", "backup_failed_reason"
RETRY_AFTER = timedelta(hours=1)
NAME = re.compile(r"^kisbot-(\d{8}-\d{6})\.tar\.gz(\.enc)?$")


@dataclass(frozen=True)
class LastBackup:
    """The newest backup that worked, and the newest failure (either may be missing)."""

    at: datetime | None
    file: str | None
    size: int | None
    failed_at: datetime | None
    failed_reason: str | None


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def last(*, session: Session) -> LastBackup:
    """What the runtime facts say about backups."""
    size = facts.recall(session=session, key=LAST_BYTES)
    return LastBackup(_moment(facts.recall(session=session, key=LAST_AT)),
                      facts.recall(session=session, key=LAST_FILE), int(size) if size else None,
                      _moment(facts.recall(session=session, key=FAILED_AT)),
                      facts.recall(session=session, key=FAILED_REASON))


def due(*, session: Session, now: datetime, tz: tzinfo, hour: int) -> bool:
    """Whether the daily backup should run now: past `hour` (local), none today, and no
    failure within the last RETRY_AFTER (a failing backup is retried hourly, not every tick)."""
    local = now.astimezone(tz)
    if local.hour < hour:
        return False
    state = last(session=session)
    if state.at is not None and state.at.astimezone(tz).date() == local.date():
        return False
    return state.failed_at is None or now - state.failed_at >= RETRY_AFTER


def record_success(*, session: Session, now: datetime, file: str, size: int) -> None:
    """A backup was written."""
    for key, value in ((LAST_AT, now.isoformat()), (LAST_FILE, file), (LAST_BYTES, str(size))):
        facts.remember(session=session, key=key, value=value, now=now)


def record_failure(*, session: Session, now: datetime, reason: str, tz: tzinfo,
                   text: Callable[[str], str]) -> int:
    """A backup failed: remember why, and tell every active admin once a day; how many."""
    facts.remember(session=session, key=FAILED_AT, value=now.isoformat(), now=now)
    facts.remember(session=session, key=FAILED_REASON, value=reason[:500], now=now)
    day = now.astimezone(tz).date()
    admins = [s for s in people.list_staff(session=session) if s.active and s.has_role(Role.admin)]
    return sum(outbox.enqueue(session=session, dedupe_key=f"backup-failed:{day}:{s.id}",
                              kind=OutboxKind.notice, text=text(reason), due_at=now, staff=s,
                              expires_at=now + timedelta(days=1)) is not None
               for s in admins)


def file_name(now: datetime, encrypted: bool) -> str:
    """kisbot-20261207-020000.tar.gz (UTC), `.enc` appended when encrypted."""
    return f"kisbot-{now:%Y%m%d-%H%M%S}.tar.gz" + (".enc" if encrypted else "")


def make_private_dir(directory: Path) -> Path:
    """The backup directory, created readable by the owner only."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def prune(directory: Path, *, now: datetime, keep_days: int) -> list[Path]:
    """Delete backups older than `keep_days` (by the time in their name), never the newest."""
    dated = sorted((datetime.strptime(m.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=now.tzinfo), p)
                   for p in directory.iterdir() if (m := NAME.match(p.name)))
    cutoff = now - timedelta(days=keep_days)
    gone = [p for at, p in dated[:-1] if at < cutoff]
    for path in gone:
        os.unlink(path)
    return gone
