"""Making a backup file (the CLI's `kisbot db backup` and the scheduler's daily one)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from pathlib import Path

from telegram.ext import Application

from handlers.context import Deps, deps_of
from handlers.texts import cli as texts
from storage import backup, backup_schedule
from storage.backup import Manifest
from storage.db import Database
from storage.errors import DomainError
from storage.files import write_private
from storage.settings import ConfigError, Settings

log = logging.getLogger(__name__)


def write_backup(settings: Settings, db: Database, *, now: datetime,
                 out: Path | None = None) -> tuple[Path, Manifest]:
    """A consistent copy of the database written (0600) to `out` or a new file in BACKUP_DIR;
    recorded in runtime_facts. Raises DomainError or ConfigError with what went wrong."""
    secret = settings.backup_secret()
    data, manifest = backup.backup(settings.database_url, secret=secret, now=now)
    if out is None:
        if settings.backup_dir is None:
            raise ConfigError("BACKUP_DIR is not set: give --out FILE")
        folder = backup_schedule.make_private_dir(settings.backup_dir)
        out = folder / backup_schedule.file_name(now, bool(secret))
    write_private(out, data)
    db.call(backup_schedule.record_success, now=now, file=str(out), size=len(data))
    return out, manifest


def daily_backup(deps: Deps) -> Path | int | None:
    """The day's backup into BACKUP_DIR when due, old ones pruned: its path; a failure is
    told to the admins through the outbox: how many were told; None when nothing was due."""
    settings, now = deps.settings, deps.clock.now()
    if settings.backup_dir is None:
        return None
    if not deps.db.call(backup_schedule.due, now=now, tz=settings.tz, hour=settings.backup_hour):
        return None
    try:
        path, manifest = write_backup(settings, deps.db, now=now)
        gone = backup_schedule.prune(settings.backup_dir, now=now, keep_days=settings.backup_keep)
    except Exception as exc:  # whatever it is, the admins hear of it
        reason = _reason(exc)
        log.error("daily backup failed: %s", reason)
        return deps.db.call(backup_schedule.record_failure, now=now, reason=reason, tz=settings.tz,
                            text=texts.backup_failed_notice)
    log.info("daily backup written: %s (%d rows; %d old removed)", path.name, manifest.rows, len(gone))
    return path


def _reason(exc: BaseException) -> str:
    """One line about a failure (no traceback, no personal data: paths and error kinds)."""
    if isinstance(exc, DomainError):
        return exc.code
    if isinstance(exc, OSError):
        return f"{type(exc).__name__}: {exc.strerror or exc}"
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]


async def backup_tick(application: Application) -> None:
    """The scheduler's tick (every minute): the daily backup in a worker thread when due."""
    deps = deps_of(application)
    if isinstance(await asyncio.to_thread(daily_backup, deps), int):
        deps.wake()  # the failure notices go out now
