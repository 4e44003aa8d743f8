"""Facts the running bot learns and the CLI reads offline (the bot's @username)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from storage.models import RuntimeFact

BOT_USERNAME = "bot_username"


def _upsert(insert: Any) -> Any:
    """INSERT … ON CONFLICT (key) DO UPDATE of one fact."""
    statement = insert(RuntimeFact.__table__).values(  # type: ignore[attr-defined]
        key=bindparam("key"), value=bindparam("value"), updated_at=bindparam("at"))
    return statement.on_conflict_do_update(
        index_elements=["key"],
        set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at})


_UPSERTS = {"postgresql": _upsert(pg_insert), "sqlite": _upsert(sqlite_insert)}


def remember(*, session: Session, key: str, value: str, now: datetime) -> None:
    """Store (or refresh) a fact: one upsert, so two processes starting at once (two webhook
    processes each storing the bot's @username) both succeed."""
    session.execute(_UPSERTS[session.get_bind().dialect.name],
                    {"key": key, "value": value, "at": now})


def recall(*, session: Session, key: str) -> str | None:
    """A stored fact, or None."""
    fact = session.get(RuntimeFact, key)
    return fact.value if fact is not None else None
