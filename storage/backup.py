"""Backups that restore: a consistent copy of the whole database, compressed, encrypted.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies the database into memory
in one step, a snapshot the bot's writers never wait for (WAL); the copy is serialized
into the archive, so no unencrypted copy ever touches the disk.

PostgreSQL: `COPY … TO STDOUT` of every table through the driver, all in one REPEATABLE
READ, READ ONLY transaction (one snapshot, like pg_dump's). Chosen over running pg_dump:
pg_dump refuses a server newer than itself and needs the password handed over outside the
URL, while the driver is already there, streams straight into compression and encryption,
and restoring through our own migrations (the schema at the backup's revision, then the
rows, then `upgrade head`) keeps one road to a schema.

The file's format (tar.gz, encryption): storage.archive.
"""

from __future__ import annotations

import io
import json
import sqlite3
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import MetaData, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.pool import NullPool

from storage import versions
from storage.archive import Manifest, pack, seal, unpack, unseal
from storage.db import alembic_config, make_engine, normalize_url, upgrade
from storage.errors import DomainError
from storage.files import create_private

VERSION_TABLE = "alembic_version"
SQLITE_MEMBER = "database.sqlite"


# --- making a backup ------------------------------------------------------------------------

def backup(url: str, *, secret: bytes | None, now: datetime) -> tuple[bytes, Manifest]:
    """The stored form of a consistent copy of the database at `url`, and its manifest."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        manifest, members = _backup_sqlite(_sqlite_path(url), now)
    else:
        manifest, members = _backup_postgres(url, now)
    if manifest.revision is None:
        raise DomainError("backup_no_schema")
    return seal(pack(manifest, members), secret), manifest


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise DomainError("backup_memory_database")
    return Path(database)


def _backup_sqlite(path: Path, now: datetime) -> tuple[Manifest, list[tuple[str, bytes]]]:
    if not path.exists():
        raise DomainError("backup_no_database", path=str(path))
    source = sqlite3.connect(path, timeout=30)
    copy = sqlite3.connect(":memory:")
    try:
        source.backup(copy)  # all pages in one step: one snapshot
    finally:
        source.close()
    try:
        tables = _sqlite_counts(copy)
        revision = _sqlite_revision(copy)
        data = _rollback_journal(copy.serialize())
    finally:
        copy.close()
    manifest = Manifest("sqlite", revision, now.isoformat(), tables)
    return manifest, [(SQLITE_MEMBER, data)]


def _rollback_journal(image: bytes) -> bytes:
    """The database image marked as a rollback-journal file (header bytes 18-19 = 1): a WAL
    image cannot be opened from memory, nor by sqlite3 without its -wal file."""
    if len(image) < 20:
        raise DomainError("backup_damaged")
    data = bytearray(image)
    data[18] = data[19] = 1
    return bytes(data)


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def _sqlite_revision(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


def _backup_postgres(url: str, now: datetime) -> tuple[Manifest, list[tuple[str, bytes]]]:
    engine = make_engine(url, poolclass=NullPool)
    members: list[tuple[str, bytes]] = []
    tables: dict[str, int] = {}
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, \
                conn.begin():
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            for table in _reflect(conn).sorted_tables:
                columns = [c.name for c in table.columns]
                data = _copy_out(conn, table.name, columns)
                tables[table.name] = data.count(b"\n")
                members.append((f"tables/{table.name}.copy", data))
                members.append((f"tables/{table.name}.columns", json.dumps(columns).encode()))
            revision = _pg_revision(conn)
    finally:
        engine.dispose()
    return Manifest("postgresql", revision, now.isoformat(), tables), members


def _reflect(conn: Connection) -> MetaData:
    metadata = MetaData()
    metadata.reflect(bind=conn)
    return metadata


def _quoted(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def _copy_out(conn: Connection, table: str, columns: list[str]) -> bytes:
    cols = ", ".join(_quoted(conn, c) for c in columns)
    buffer = io.BytesIO()
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {_quoted(conn, table)} ({cols}) TO STDOUT") as copy:
        for chunk in copy:
            buffer.write(chunk)
    return buffer.getvalue()


def _pg_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


# --- restoring ------------------------------------------------------------------------------

def occupied_tables(url: str) -> list[str]:
    """The tables of the database at `url` that hold rows (the migrations' own table aside)."""
    url = normalize_url(url)
    if url.startswith("sqlite") and not _sqlite_path(url).exists():
        return []
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            names = [n for n in inspect(conn).get_table_names() if n != VERSION_TABLE]
            return [n for n in names
                    if conn.execute(text(f"SELECT 1 FROM {_quoted(conn, n)} LIMIT 1")).first()]
    finally:
        engine.dispose()


def restore(url: str, data: bytes, *, secret: bytes | None, force: bool = False) -> Manifest:
    """Put a backup into the database at `url` and bring its schema to the newest revision.

    Refuses (DomainError `backup_target_not_empty`) a database holding rows unless `force`.
    All or nothing: every table must hold as many rows as when the backup was made, or the
    target is left as it was (SQLite: checked on the copy before it replaces the file in one
    step; PostgreSQL: one transaction, schema changes included).
    """
    manifest, members = unpack(unseal(data, secret))
    url = normalize_url(url)
    dialect = "sqlite" if url.startswith("sqlite") else "postgresql"
    if manifest.dialect != dialect:
        raise DomainError("backup_other_dialect", backup=manifest.dialect, target=dialect)
    _known_revision(url, manifest.revision)
    if not force and (busy := occupied_tables(url)):
        raise DomainError("backup_target_not_empty", tables=", ".join(sorted(busy)))
    if dialect == "sqlite":
        _restore_sqlite(_sqlite_path(url), manifest, members)
        upgrade(url)
    else:
        _restore_postgres(url, manifest, members)
    return manifest


def _same_counts(found: dict[str, int], manifest: Manifest) -> None:
    for name, expected in manifest.tables.items():
        if found.get(name) != expected:
            raise DomainError("backup_count_mismatch", table=name, expected=expected,
                              found=found.get(name, 0))


def _known_revision(url: str, revision: str | None) -> None:
    """The backup's schema is one our migrations know (else a newer kisbot made it)."""
    if revision is None:
        return
    try:
        ScriptDirectory.from_config(alembic_config(url)).get_revision(revision)
    except CommandError:
        raise DomainError("backup_newer_schema", revision=revision) from None


def _restore_sqlite(path: Path, manifest: Manifest, members: dict[str, bytes]) -> None:
    if SQLITE_MEMBER not in members:
        raise DomainError("backup_damaged")
    copy = sqlite3.connect(":memory:")
    try:
        copy.deserialize(_rollback_journal(members[SQLITE_MEMBER]))
        if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise DomainError("backup_damaged")
        _same_counts(_sqlite_counts(copy), manifest)
        create_private(path)
        target = sqlite3.connect(path, timeout=30)
        try:
            copy.backup(target)
            target.execute("PRAGMA journal_mode=WAL")
        finally:
            target.close()
    except sqlite3.DatabaseError:
        raise DomainError("backup_damaged") from None
    finally:
        copy.close()


def _restore_postgres(url: str, manifest: Manifest, members: dict[str, bytes]) -> None:
    import psycopg  # here: a bot on SQLite never loads the driver (memory)

    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:  # one transaction: PostgreSQL's DDL is transactional
            _reflect(conn).drop_all(conn)  # whatever is there goes (empty, or --force)
            if manifest.revision:
                _migrate(url, conn, manifest.revision)
            present = _reflect(conn)
            names = [n for n in manifest.tables if n != VERSION_TABLE]
            if missing := [n for n in names if n not in present.tables]:
                raise DomainError("backup_damaged", tables=", ".join(missing))
            if names:
                conn.exec_driver_sql("TRUNCATE " + ", ".join(_quoted(conn, n) for n in names)
                                     + " RESTART IDENTITY CASCADE")
            for name in [t.name for t in present.sorted_tables if t.name in names]:
                columns = json.loads(members[f"tables/{name}.columns"])
                _copy_in(conn, name, columns, members[f"tables/{name}.copy"])
                _reset_sequences(conn, name, columns)
            _same_counts({n: conn.execute(text(f"SELECT count(*) FROM {_quoted(conn, n)}")).scalar()
                          for n in manifest.tables}, manifest)
            _migrate(url, conn, "head")
            # A bot listening meanwhile reads the version tokens again (at this commit).
            conn.execute(text("SELECT pg_notify(:channel, :payload)"),
                         {"channel": versions.NOTIFY_CHANNEL, "payload": versions.RESYNC})
    except (KeyError, psycopg.DataError):  # a member missing, or rows COPY cannot read
        raise DomainError("backup_damaged") from None
    finally:
        engine.dispose()


def _migrate(url: str, conn: Connection, revision: str) -> None:
    """Alembic's upgrade on this connection, inside its transaction."""
    cfg = alembic_config(url)
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)


def _copy_in(conn: Connection, table: str, columns: list[str], data: bytes) -> None:
    cols = ", ".join(_quoted(conn, c) for c in columns)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {_quoted(conn, table)} ({cols}) FROM STDIN") as copy:
        copy.write(data)


def _reset_sequences(conn: Connection, table: str, columns: list[str]) -> None:
    """Serial columns continue after the restored ids."""
    for column in columns:
        sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                {"t": _quoted(conn, table), "c": column}).scalar()
        if sequence:
            conn.execute(text(f"SELECT setval(:s, COALESCE(MAX({_quoted(conn, column)}), 1), "
                              f"MAX({_quoted(conn, column)}) IS NOT NULL) "
                              f"FROM {_quoted(conn, table)}"), {"s": sequence})
