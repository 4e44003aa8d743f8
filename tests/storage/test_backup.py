"""Backups that restore: every table, every row, on SQLite and PostgreSQL; consistent while
writes go on; encrypted; refusing to overwrite a database that holds data."""

from __future__ import annotations

import os
import stat
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from storage import archive, backup
from storage.db import Database
from storage.errors import DomainError
from storage.models import AuditLog, Staff
from tests.auxil.filled import every_row, fill_every_table

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


def rows_of(url: str) -> dict[str, list[tuple]]:
    """Every row of every table at url."""
    db = Database(url)
    try:
        return every_row(db.engine)
    finally:
        db.dispose()


def test_every_row_of_every_table_comes_back(db: Database, db_url: str, other_url: str) -> None:
    filled = fill_every_table(db.engine)
    before = every_row(db.engine)
    assert all(len(before[name]) == rows for name, rows in filled.items())  # nothing left empty
    data, manifest = backup.backup(db_url, secret=None, now=NOW)
    assert {n: c for n, c in manifest.tables.items() if n != "alembic_version"} == filled
    restored = backup.restore(other_url, data, secret=None)
    assert restored.revision == manifest.revision
    assert rows_of(other_url) == before
    target = Database(other_url)
    try:  # ids go on after the restored ones (PostgreSQL's sequences were set)
        with target.session() as s:
            s.add(Staff(name="Nowa", roles="admin"))
        with target.session() as s:
            assert max(s.exec(select(Staff.id))) == max(r[0] for r in before["staff"]) + 1
    finally:
        target.dispose()


def test_an_encrypted_backup_needs_the_same_passphrase(db: Database, db_url: str,
                                                       other_url: str) -> None:
    fill_every_table(db.engine, rows=1)
    data, _ = backup.backup(db_url, secret=b"correct horse", now=NOW)
    assert data.startswith(archive.MAGIC) and b"staff" not in data
    for secret, code in ((b"wrong horse", "backup_wrong_passphrase"),
                         (None, "backup_needs_passphrase")):
        with pytest.raises(DomainError) as caught:
            backup.restore(other_url, data, secret=secret)
        assert caught.value.code == code
    damaged = data[:-10] + bytes(10)
    with pytest.raises(DomainError) as caught:
        backup.restore(other_url, damaged, secret=b"correct horse")
    assert caught.value.code == "backup_wrong_passphrase"
    backup.restore(other_url, data, secret=b"correct horse")
    assert rows_of(other_url) == every_row(db.engine)


def test_a_database_with_data_is_replaced_only_when_forced(db: Database, db_url: str,
                                                           other_url: str) -> None:
    with db.session() as s:
        s.add(Staff(name="Z kopii", roles="admin"))
    data, _ = backup.backup(db_url, secret=None, now=NOW)
    backup.restore(other_url, data, secret=None)  # empty: fine
    target = Database(other_url)
    with target.session() as s:
        s.add(Staff(name="Dopisana po odtworzeniu", roles="coordinator"))
    target.dispose()
    with pytest.raises(DomainError) as caught:
        backup.restore(other_url, data, secret=None)
    assert caught.value.code == "backup_target_not_empty"
    assert caught.value.params == {"tables": "staff"}
    backup.restore(other_url, data, secret=None, force=True)
    assert [r[1] for r in rows_of(other_url)["staff"]] == ["Z kopii"]


def test_a_backup_taken_during_writes_restores_whole_transactions(db: Database, db_url: str,
                                                                  other_url: str) -> None:
    """Each write adds a staff member and its audit row in one transaction: a consistent
    copy has as many of one as of the other."""
    stop, written = threading.Event(), []

    def writer() -> None:
        n = 0
        while not stop.is_set():
            with db.session() as s:
                member = Staff(name=f"W{n}", roles="admin")
                s.add(member)
                s.flush()
                s.add(AuditLog(at=NOW, actor="test", action="write", target=f"staff:{member.id}"))
            n += 1
            written.append(n)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            stop.wait(0.01)
        data, manifest = backup.backup(db_url, secret=None, now=NOW)
        at_backup = len(written)
        while len(written) < at_backup + 20:  # the writes went on after the copy
            stop.wait(0.01)
    finally:
        stop.set()
        thread.join()
    backup.restore(other_url, data, secret=None)
    target = Database(other_url)
    try:
        with target.session() as s:
            staff = s.exec(select(func.count()).select_from(Staff)).one()
            audits = s.exec(select(func.count()).select_from(AuditLog)).one()
    finally:
        target.dispose()
    assert staff == audits == manifest.tables["staff"]
    assert 20 <= staff < len(written)


def test_a_newer_schema_is_refused_before_anything_is_touched(db_url: str, other_url: str) -> None:
    _, manifest = backup.backup(db_url, secret=None, now=NOW)
    newer = archive.pack(archive.Manifest(manifest.dialect, "9999_from_the_future",
                                          manifest.created_at, manifest.tables), [])
    with pytest.raises(DomainError) as caught:
        backup.restore(other_url, newer, secret=None)
    assert caught.value.code == "backup_newer_schema"
    assert backup.occupied_tables(other_url) == []
    with pytest.raises(DomainError) as caught:
        backup.restore(other_url, b"PK\x03\x04 a zip, not a backup", secret=None)
    assert caught.value.code == "backup_not_a_backup"


def test_sqlite_files_are_readable_by_the_owner_only(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x)")
            conn.exec_driver_sql("INSERT INTO t VALUES (1)")
            conn.commit()
            files = sorted(p.name for p in tmp_path.iterdir())
            assert files == ["new.db", "new.db-shm", "new.db-wal"]
            assert {stat.S_IMODE(os.stat(tmp_path / f).st_mode) for f in files} == {0o600}
    finally:
        db.dispose()


def test_a_restore_that_does_not_add_up_leaves_the_target_as_it_was(db: Database, db_url: str,
                                                                    other_url: str) -> None:
    with db.session() as s:
        s.add(Staff(name="Z kopii", roles="admin"))
    data, _ = backup.backup(db_url, secret=None, now=NOW)
    backup.restore(other_url, data, secret=None)
    target = Database(other_url)
    with target.session() as s:
        s.add(Staff(name="Dopisana po odtworzeniu", roles="coordinator"))
    target.dispose()
    before = rows_of(other_url)
    manifest, members = archive.unpack(data)
    lying = archive.Manifest(manifest.dialect, manifest.revision, manifest.created_at,
                            {**manifest.tables, "staff": 2})
    with pytest.raises(DomainError) as caught:
        backup.restore(other_url, archive.pack(lying, list(members.items())), secret=None,
                       force=True)
    assert (caught.value.code, caught.value.params) == \
        ("backup_count_mismatch", {"table": "staff", "expected": 2, "found": 1})
    assert rows_of(other_url) == before
    if manifest.dialect == "postgresql":  # rows COPY cannot read: the same
        members["tables/staff.copy"] = b"not\\ta\\trow\n"
        with pytest.raises(DomainError) as caught:
            backup.restore(other_url, archive.pack(manifest, list(members.items())),
                           secret=None, force=True)
        assert caught.value.code == "backup_damaged"
        assert rows_of(other_url) == before
