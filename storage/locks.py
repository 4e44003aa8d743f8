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
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import text, update
from sqlmodel import Session, SQLModel, select

from storage.versions import ROW_LOCK

M = TypeVar("M", bound=SQLModel)
_WRITING = "kis_sqlite_write_lock"  # session.info: the transaction that holds the write lock


def _take_sqlite_write_lock(session: Session, statement: Any) -> None:
    """Run `statement` (an UPDATE that changes nothing) unless this transaction already did."""
    transaction = session.get_transaction()
    if transaction is not None and session.info.get(_WRITING) is transaction:
        return
    session.execute(statement)
    session.info[_WRITING] = session.get_transaction()


def lock(session: Session, model: type[M], row_id: Any, key: str = "id") -> M | None:
    """The row with this key, locked until the transaction ends (None: no such row)."""
    column = getattr(model, key)
    if session.get_bind().dialect.name == "sqlite":
        _take_sqlite_write_lock(session, update(model).where(column == row_id).values({key: column})
                                .execution_options(synchronize_session=False,
                                                   **{ROW_LOCK: True}))
        query = select(model).where(column == row_id)
    else:
        query = select(model).where(column == row_id).with_for_update()
    return session.exec(query.execution_options(populate_existing=True)).first()


def lock_name(session: Session, namespace: int, key: int) -> None:
    """Serialise on something that has no row of its own (e.g. one Telegram user's attempts).

    PostgreSQL: a transaction-scoped advisory lock on (namespace, key). SQLite: the database's
    write lock, taken by an UPDATE that changes nothing.
    """
    if session.get_bind().dialect.name == "sqlite":
        _take_sqlite_write_lock(session, text("UPDATE runtime_facts SET key = key WHERE 0")
                                .execution_options(**{ROW_LOCK: True}))
    else:
        session.execute(text("SELECT pg_advisory_xact_lock(:namespace, :key)"),
                        {"namespace": namespace, "key": key % 2**31})
