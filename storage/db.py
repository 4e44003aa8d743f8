"""Engines, sessions and migrations: SQLite (WAL, foreign keys) and PostgreSQL, same code."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlmodel import Session, create_engine

from storage.files import create_private
from storage.parsing import CONTROL_CHARACTERS

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
T = TypeVar("T")


class DatabaseUrlError(ValueError):
    """DATABASE_URL cannot be used."""


def normalize_url(url: str) -> str:
    """Pick the drivers we ship: psycopg 3 for PostgreSQL, sqlite3 for SQLite."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUrlError(f"DATABASE_URL is not a database URL: {exc}") from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        raise DatabaseUrlError(f"DATABASE_URL: unsupported database {backend!r} (sqlite, postgresql)")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the settings each database needs.

    `hide_parameters`: a failed statement's error (and so the log) never shows the values it
    carried, which are people's names, phone numbers and messages.
    """
    url = normalize_url(url)
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:" and not database.startswith("file:"):
            create_private(Path(database))  # people's data: readable by the owner only
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10},
                               **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        kwargs.setdefault("pool_pre_ping", True)
        if "poolclass" not in kwargs:
            kwargs.setdefault("pool_size", 10)
            kwargs.setdefault("max_overflow", 10)
        engine = create_engine(url, **kwargs)
    return engine


def _clean(value: Any) -> Any:
    """A value with control characters removed from every string in it (JSON included)."""
    if isinstance(value, str):
        return CONTROL_CHARACTERS.sub("", value) if CONTROL_CHARACTERS.search(value) else value
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


@event.listens_for(Session, "before_flush")
def _strip_control_characters(session: Session, _context: Any, _instances: Any) -> None:
    """No NUL or other control character reaches a table, whatever a person sent."""
    for row in (*session.new, *session.dirty):
        state = inspect(row)
        for attr in state.mapper.column_attrs:
            value = state.dict.get(attr.key)
            if isinstance(value, (str, dict, list)) and (cleaned := _clean(value)) != value:
                setattr(row, attr.key, cleaned)


def alembic_config(url: str) -> Config:
    """An Alembic configuration pointing at our migrations and the given database."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database schema to the given revision."""
    command.upgrade(alembic_config(url), revision)


class Database:
    """The store's entry point: sessions for sync code, `run` for the async bot."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = normalize_url(url)
        self.engine = make_engine(self.url, **engine_kwargs)
        # SQLite has one writer at a time; concurrent writers wait in SQLite's busy handler,
        # which sleeps up to 100 ms a turn. One worker thread queues them instead (FIFO).
        self._executor = (ThreadPoolExecutor(1, thread_name_prefix="sqlite")
                          if self.dialect == "sqlite" else None)

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def call(self, fn: Callable[..., T], /, **kwargs: Any) -> T:
        """Run a store operation `fn(session=..., **kwargs)` in its own transaction."""
        with self.session() as session:
            return fn(session=session, **kwargs)

    async def run(self, fn: Callable[..., T], /, **kwargs: Any) -> T:
        """`call` in a worker thread, so the event loop never waits on the database."""
        if self._executor is None:
            return await asyncio.to_thread(self.call, fn, **kwargs)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(self.call, fn, **kwargs))

    def dispose(self) -> None:
        """Close all pooled connections."""
        if self._executor is not None:
            self._executor.shutdown(wait=False)
        self.engine.dispose()
