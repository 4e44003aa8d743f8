"""Row locks taken BEFORE a rule is checked, the same call on PostgreSQL and SQLite.

PostgreSQL: `SELECT … FOR UPDATE` on the row; a second transaction asking for the same row
waits until the first commits and then reads what it committed.

SQLite has one writer at a time, but Python's sqlite3 opens the write transaction only at
the first INSERT/UPDATE/DELETE, so rows read before it may be stale by the time it writes.
`lock` therefore starts with a no-op UPDATE of the row (taking the database's write lock,
waiting in the busy handler for any other writer), then reads the row.

Once a transaction holds SQLite's write lock (its first `lock`), nobody else can write until
it ends, so later `lock`s in it skip the UPDATE and only read the row again.

Either way the row is read again from the database (`populate_existing`), never taken from
the session's identity map, so the check sees what the lock protects.

The statements are built once per model and key (with a bind parameter for the row), so a lock
costs SQLAlchemy no statement building or cache-key work (bench/RESULTS.md, issue 21).
`lock_columns` is the narrow form for hot paths: a few columns of the row, not the ORM object,
in one statement on either database (SQLite: the no-op UPDATE with RETURNING).
"""

from __future__ import annotations

import functools
from typing import Any, TypeVar

from sqlalchemy import Row, Table, bindparam, text, update
from sqlalchemy import select as core_select
from sqlmodel import Session, SQLModel, select

from storage.versions import ROW_LOCK

M = TypeVar("M", bound=SQLModel)
_WRITING = "kis_sqlite_write_lock"  # session.info: the transaction that holds the write lock


def _take_sqlite_write_lock(session: Session, statement: Any,
                            params: dict[str, Any] | None = None) -> None:
    """Run `statement` (an UPDATE that changes nothing) unless this transaction already did."""
    transaction = session.get_transaction()
    if transaction is not None and session.info.get(_WRITING) is transaction:
        return
    session.execute(statement, params)
    session.info[_WRITING] = session.get_transaction()


_ROW = "kis_lock_row"  # the bind parameter of the locked row's key


@functools.cache
def _statements(model: type[SQLModel], key: str) -> tuple[Any, Any, Any]:
    """SQLite's no-op UPDATE, the SELECT after it, PostgreSQL's SELECT … FOR UPDATE."""
    column = getattr(model, key)
    touch = (update(model).where(column == bindparam(_ROW)).values({key: column})
             .execution_options(synchronize_session=False, **{ROW_LOCK: True}))
    read = select(model).where(column == bindparam(_ROW)).execution_options(populate_existing=True)
    return touch, read, read.with_for_update()


def lock(session: Session, model: type[M], row_id: Any, key: str = "id") -> M | None:
    """The row with this key, locked until the transaction ends (None: no such row)."""
    touch, read, for_update = _statements(model, key)
    params = {_ROW: row_id}
    if session.get_bind().dialect.name == "sqlite":
        _take_sqlite_write_lock(session, touch, params)
        query = read
    else:
        query = for_update
    return session.exec(query, params=params).first()  # type: ignore[call-overload,no-any-return]


@functools.cache
def _column_statements(table: Table, columns: tuple[str, ...]) -> tuple[Any, Any]:
    """SQLite: the no-op UPDATE returning the columns; PostgreSQL: SELECT … FOR UPDATE."""
    wanted = [table.c[name] for name in columns]
    touch = (update(table).where(table.c.id == bindparam(_ROW)).values(id=table.c.id)
             .returning(*wanted).execution_options(**{ROW_LOCK: True}))
    return touch, core_select(*wanted).where(table.c.id == bindparam(_ROW)).with_for_update()


def lock_columns(session: Session, table: Table, row_id: int, *columns: str) -> Row[Any] | None:
    """`lock` of a row by its id, reading only some columns (None: no such row).

    One statement on either database; for hot paths that need a fact or two of the row."""
    touch, for_update = _column_statements(table, columns)
    if session.get_bind().dialect.name != "sqlite":
        return session.execute(for_update, {_ROW: row_id}).first()
    row = session.execute(touch, {_ROW: row_id}).first()
    session.info[_WRITING] = session.get_transaction()
    return row


def lock_name(session: Session, namespace: int, key: int) -> None:
    """Serialise on something that has no row of its own (e.g. one Telegram user's attempts).

    PostgreSQL: a transaction-scoped advisory lock on (namespace, key). SQLite: the database's
    write lock, taken by an UPDATE that changes nothing.
    """
    if session.get_bind().dialect.name == "sqlite":
        _take_sqlite_write_lock(session, _NO_ROW)
    else:
        session.execute(_ADVISORY, {"namespace": namespace, "key": key % 2**31})


_NO_ROW = text("UPDATE runtime_facts SET key = key WHERE 0").execution_options(**{ROW_LOCK: True})
_ADVISORY = text("SELECT pg_advisory_xact_lock(:namespace, :key)")
