"""Change versions: a token in runtime_facts that changes whenever rows behind a cached answer
change, in whichever process (the bot, a second webhook process, the CLI).

Every Session is watched: a flush or an INSERT/UPDATE/DELETE statement touching a watched
table marks the transaction, and its commit writes a new token for that answer in the same
transaction. The token is written last, at commit, so it is the last lock a transaction
takes (PostgreSQL: no lock-order cycle with the row locks of storage/locks.py).
A rolled-back transaction writes nothing. Row locks (`lock`'s no-op UPDATE) are not changes.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Session

from storage.facts import recall
from storage.models import RuntimeFact

HOURS_SUMMARY = "version:hours_summary"
# What each versioned answer is computed from.
WATCHED: dict[str, frozenset[str]] = {
    HOURS_SUMMARY: frozenset({"hour_entries", "participants", "work_sites"}),
}
ROW_LOCK = "kis_row_lock"  # execution option of statements that only take a lock
_CHANGED = "kis_changed_versions"  # session.info: the versions this transaction changes


def current(*, session: Session, key: str) -> str | None:
    """The version's token now (None: nothing it watches has changed since it existed)."""
    return recall(session=session, key=key)


def _mark(session: Session, tables: set[str]) -> None:
    keys = {key for key, watched in WATCHED.items() if watched & tables}
    if keys:
        session.info.setdefault(_CHANGED, set()).update(keys)


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context: Any) -> None:
    tables = {getattr(type(row), "__tablename__", "")
              for row in (*session.new, *session.dirty, *session.deleted)}
    _mark(session, tables)


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    if state.execution_options.get(ROW_LOCK):
        return
    table = getattr(state.statement, "table", None)
    _mark(state.session, {getattr(table, "name", "")})


def _upsert(dialect: str) -> Any:
    """INSERT … ON CONFLICT (key) DO UPDATE of one token, built once per dialect."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(RuntimeFact.__table__).values(  # type: ignore[attr-defined]
        key=bindparam("key"), value=bindparam("value"), updated_at=bindparam("at"))
    return statement.on_conflict_do_update(
        index_elements=["key"],
        set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at})


_UPSERTS = {dialect: _upsert(dialect) for dialect in ("postgresql", "sqlite")}


@event.listens_for(Session, "before_commit")
def _write_versions(session: Session) -> None:
    session.flush()  # what is still pending counts too
    changed = session.info.pop(_CHANGED, None)
    if not changed:
        return
    upsert = _UPSERTS[session.get_bind().dialect.name]
    now = datetime.now(UTC)
    for key in sorted(changed):
        session.execute(upsert, {"key": key, "value": uuid.uuid4().hex, "at": now})


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_CHANGED, None)
