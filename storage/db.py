"""Engines, sessions and migrations: SQLite (WAL, foreign keys) and PostgreSQL, same code."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import time
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError, OperationalError
from sqlmodel import Session, create_engine

from storage import versions  # its listeners watch every Session
from storage.files import create_private
from storage.parsing import CONTROL_CHARACTERS

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
T = TypeVar("T")
# The session of the `Database.transaction()` the current task is in (None: each call its own).
_PINNED: ContextVar[Session | None] = ContextVar("kis_pinned_session", default=None)
SHORT_ATTR = "__kis_short__"
# How long a short SQLite transaction on the event loop waits for another process's write
# lock before it is undone and run again in the worker thread (which waits as long as needed).
INLINE_BUSY_MS = 20
# PostgreSQL: a pooled connection idle for this long is pinged before use (seconds).
PING_AFTER_IDLE = 10.0
_IDLE_SINCE = "kis_idle_since"


def short(fn: Callable[..., T]) -> Callable[..., T]:
    """Mark a store operation as short: a few indexed statements, about a millisecond.

    On SQLite `Database.run` runs it on the event loop itself: the hop to a worker thread and
    back costs more than such a transaction (bench/RESULTS.md, issue 21). Anything that reads
    many rows (reports, exports, imports, batches) stays unmarked and goes to the thread.
    A short operation must do nothing but database work: it may be undone and run again.
    """
    setattr(fn, SHORT_ATTR, True)
    return fn


def _inline_wanted() -> bool:
    """Short SQLite transactions on the event loop (KIS_SQLITE_INLINE=0: all in the thread)."""
    return os.environ.get("KIS_SQLITE_INLINE", "1") != "0"


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


def _short_busy_timeout(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={INLINE_BUSY_MS}")
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
        if "poolclass" not in kwargs:
            kwargs.setdefault("pool_size", 10)
            kwargs.setdefault("max_overflow", 10)
        engine = create_engine(url, **kwargs)
        if not kwargs.get("pool_pre_ping"):
            event.listen(engine, "checkin", _note_idle)
            event.listen(engine, "checkout", _ping_if_idle(engine))
    return engine


def _note_idle(_dbapi_conn: Any, record: Any) -> None:
    record.info[_IDLE_SINCE] = time.monotonic()


def _ping_if_idle(engine: Engine) -> Callable[[Any, Any, Any], None]:
    """A pool checkout listener: a connection that sat idle for PING_AFTER_IDLE is pinged first
    (a server restart or an idle timeout meanwhile: the pool connects anew).

    Instead of SQLAlchemy's `pool_pre_ping`, which pings at every checkout: one more round trip
    for every transaction, a third of a short write's CPU (bench/RESULTS.md, issue 21). A
    connection that breaks while in use fails its statement, and SQLAlchemy then drops every
    pooled connection made before, so the next transaction connects anew."""

    def checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error:
            alive = False
        if not alive:  # the pool closes it and connects anew
            raise DisconnectionError("the pooled connection is gone")

    return checkout


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


def in_transaction() -> bool:
    """Whether the current task is inside a `Database.transaction()` (its calls join it, and
    see what it wrote before it commits)."""
    return _PINNED.get() is not None


def _savepoint(session: Session, fn: Callable[..., T], kwargs: dict[str, Any]) -> T:
    """One operation inside a longer transaction: undone alone if it raises."""
    with session.begin_nested():
        return fn(session=session, **kwargs)


class Database:
    """The store's entry point: sessions for sync code, `run` for the async bot."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = normalize_url(url)
        self.engine = make_engine(self.url, **engine_kwargs)
        # SQLite has one writer at a time; concurrent writers wait in SQLite's busy handler,
        # which sleeps up to 100 ms a turn. One worker thread queues them instead (FIFO).
        self._executor = (ThreadPoolExecutor(1, thread_name_prefix="sqlite")
                          if self.dialect == "sqlite" else None)
        # SQLite: while a `transaction()` holds the write lock across awaits, other calls wait
        # their turn here (else they would block the one worker thread the transaction needs).
        self._turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = \
            weakref.WeakKeyDictionary()
        # Short transactions on the event loop use their own connections, whose busy handler
        # gives up after INLINE_BUSY_MS (the loop must not sleep while another process writes).
        self._inline = None
        database = make_url(self.url).database or ""
        if self._executor is not None and _inline_wanted() and database not in ("", ":memory:"):
            self._inline = make_engine(self.url, **engine_kwargs)
            event.listen(self._inline, "connect", _short_busy_timeout)
        # PostgreSQL: this process's copy of the change versions, once `self.versions.start()`
        # has it listening (the bot does; the CLI reads them when it needs them).
        self.versions = versions.Watch(self.engine) if self.dialect == "postgresql" else None

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
        """`call` in a worker thread, so the event loop never waits on the database.

        Inside `transaction()` the operation joins that transaction instead of its own.
        """
        pinned = _PINNED.get()
        if pinned is not None:
            return await self._in_thread(functools.partial(_savepoint, pinned, fn, kwargs))
        if self._executor is None:
            return await asyncio.to_thread(self.call, fn, **kwargs)
        async with self._turn():
            if self._inline is not None and getattr(fn, SHORT_ATTR, False):
                try:
                    with Session(self._inline, expire_on_commit=False) as session:
                        try:
                            result = fn(session=session, **kwargs)
                            session.commit()
                            return result
                        except BaseException:
                            session.rollback()
                            raise
                except OperationalError as exc:
                    if "locked" not in str(exc.orig):
                        raise
                    log.debug("another process is writing: %s goes to the worker thread",
                              getattr(fn, "__name__", fn))
            return await self._in_thread(functools.partial(self.call, fn, **kwargs))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Every `run` of this task inside the block is one transaction: all of it, or none.

        Used where an effect and the record that it happened must not part (an incoming SMS
        and what it did). Keep it short: no network calls inside.
        """
        if _PINNED.get() is not None:  # already in one: join it
            yield
            return
        async with self._turn():
            session = Session(self.engine, expire_on_commit=False)
            token = _PINNED.set(session)
            try:
                if self._executor is not None:
                    # Python's sqlite3 opens no transaction for a SAVEPOINT, whose RELEASE
                    # would then commit: open it here, with the write lock at once.
                    await self._in_thread(
                        lambda: session.connection().exec_driver_sql("BEGIN IMMEDIATE"))
                yield
                await self._in_thread(session.commit)
            except BaseException:
                await self._in_thread(session.rollback)
                raise
            finally:
                _PINNED.reset(token)
                await self._in_thread(session.close)

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """On SQLite, one transaction of this process at a time (FIFO); elsewhere nothing."""
        if self._executor is None:
            yield
            return
        loop = asyncio.get_running_loop()
        turn = self._turns.setdefault(loop, asyncio.Lock())
        async with turn:
            yield

    async def _in_thread(self, fn: Callable[[], T]) -> T:
        """fn() in the database's worker thread (SQLite) or any worker thread."""
        if self._executor is None:
            return await asyncio.to_thread(fn)
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn)

    def dispose(self) -> None:
        """Close all pooled connections (and stop listening for version changes)."""
        if self.versions is not None:
            self.versions.stop()
        if self._executor is not None:
            self._executor.shutdown(wait=False)
        if self._inline is not None:
            self._inline.dispose()
        self.engine.dispose()
