"""The daily backup: at BACKUP_HOUR (Warsaw), once a day, BACKUP_KEEP days kept; a failure is
told to the admins through the outbox, once a day, and retried hourly."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import select

from bot.backups import daily_backup
from handlers.context import Deps
from storage import archive, backup_schedule
from storage.clock import ManualClock
from storage.db import Database
from storage.models import OutboxMessage
from storage.settings import load_settings
from tests.auxil.factories import Factory


def deps_at(db: Database, db_url: str, clock: ManualClock, directory: Path, **extra) -> Deps:
    settings = load_settings(None, database_url=db_url, backup_dir=str(directory),
                             backup_hour=2, backup_keep=3, **extra)
    return Deps(settings=settings, db=db, clock=clock)


def test_one_backup_a_day_after_the_hour_and_old_ones_pruned(db: Database, db_url: str,
                                                             tmp_path: Path) -> None:
    clock = ManualClock(datetime(2026, 12, 7, 0, 30, tzinfo=UTC))  # 01:30 in Warsaw
    directory = tmp_path / "backups"
    deps = deps_at(db, db_url, clock, directory, backup_passphrase="hasło do kopii zapasowych")
    assert daily_backup(deps) is None and not directory.exists()
    made = []
    for day in range(6):
        clock.set(datetime(2026, 12, 7 + day, 1, 5, tzinfo=UTC))  # 02:05 in Warsaw
        path = daily_backup(deps)
        assert isinstance(path, Path) and path.name.endswith(".tar.gz.enc")
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        made.append(path.name)
        clock.advance(timedelta(hours=5))
        assert daily_backup(deps) is None  # once a day
    assert sorted(p.name for p in directory.iterdir()) == made[-4:]  # 3 days back, and today's
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    last = db.call(backup_schedule.last)
    assert last.file == str(directory / made[-1]) and last.at == datetime(2026, 12, 12, 1, 5,
                                                                           tzinfo=UTC)
    manifest = archive.read_manifest((directory / made[-1]).read_bytes(),
                                    "hasło do kopii zapasowych".encode())
    assert manifest.dialect == db.dialect and manifest.tables["runtime_facts"] > 0


def test_a_failed_backup_is_told_to_the_admins_once_and_retried_hourly(
        db: Database, db_url: str, tmp_path: Path, make: Factory) -> None:
    make.staff("Iwona", "admin", telegram_user_id=5001)
    make.staff("Piotr", "admin", phone="+48601234567")
    make.staff("Monika", "psychologist", telegram_user_id=5002)
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    clock = ManualClock(datetime(2026, 12, 7, 2, 0, tzinfo=UTC))
    deps = deps_at(db, db_url, clock, blocker)
    assert daily_backup(deps) == 2
    with db.session() as s:
        told = s.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.channel for m in told] == ["telegram", "sms"]
    assert told[0].text.startswith("Nie udało się zrobić dzisiejszej kopii zapasowej bazy "
                                   "(FileExistsError: ")
    assert "kisbot status" in told[0].text
    clock.advance(timedelta(minutes=30))
    assert daily_backup(deps) is None  # not every minute: after an hour
    clock.advance(timedelta(minutes=31))
    assert daily_backup(deps) == 0  # tried again; the admins were told today already
    assert db.call(backup_schedule.last).failed_reason.startswith("FileExistsError")
    blocker.unlink()
    clock.advance(timedelta(hours=1))
    assert isinstance(daily_backup(deps), Path)
