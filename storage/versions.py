"""Change versions: a token in runtime_facts that changes whenever rows behind a cached answer
change, in whichever process (the bot, a second webhook process, the CLI).

Every Session is watched: a flush or an INSERT/UPDATE/DELETE statement touching a watched
table marks the transaction, and its commit writes a new token for that answer in the same
transaction. The token is written last, at commit, so it is the last lock a transaction
takes (PostgreSQL: no lock-order cycle with the row locks of storage/locks.py).
A rolled-back transaction writes nothing. Row locks (`lock`'s no-op UPDATE) are not changes.

PostgreSQL: a token is `<n>.<random>`, n one more than the token it replaces (the row's lock
makes writers take turns, so n grows in commit order), and its upsert sends it to
NOTIFY_CHANNEL in the same statement (delivered at commit). A `Watch` keeps this process's
copy: its own commits at once (after_commit), other processes' from the notifications, the
highest n winning whatever order they come in. While its listener is not listening the
copy is not trusted and the token is read from the database. SQLite: read each time (inline,
cheap), a plain random token.
"""

from __future__ import annotations

import logging
import re
import threading
import uuid
import weakref
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import ORMExecuteState, SessionTransaction
from sqlmodel import Session

from storage.facts import recall, remember

HOURS_SUMMARY = "version:hours_summary"
# What each versioned answer is computed from.
WATCHED: dict[str, frozenset[str]] = {
    HOURS_SUMMARY: frozenset({"hour_entries", "participants", "work_sites"}),
}
ROW_LOCK = "kis_row_lock"  # execution option of statements that only take a lock
_CHANGED = "kis_changed_versions"  # session.info: the versions this transaction changes
_WRITTEN = "kis_written_versions"  # session.info: {transaction: [(key, token)]} not yet durable
NOTIFY_CHANNEL = "kis_versions"  # PostgreSQL: payload "<key> <token>"
RESYNC = "*"  # a payload that makes every listener read the tokens again (a restore)
log = logging.getLogger(__name__)


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


# PostgreSQL: the next token in order, and its notification, in one round trip.
_PG_UPSERT = text(f"""
WITH up AS (
    INSERT INTO runtime_facts AS fact (key, value, updated_at)
    VALUES (:key, '1.' || CAST(:nonce AS text), :at)
    ON CONFLICT (key) DO UPDATE SET
        value = CASE WHEN fact.value ~ '^[0-9]{{1,18}}[.]'
                     THEN CAST(split_part(fact.value, '.', 1) AS bigint) + 1 ELSE 1 END
                || '.' || CAST(:nonce AS text),
        updated_at = excluded.updated_at
    RETURNING fact.key, fact.value)
SELECT key, value, pg_notify('{NOTIFY_CHANNEL}', key || ' ' || value) FROM up""")
_PG_READ = "SELECT key, value FROM runtime_facts WHERE key = ANY(%s)"


def order(token: str | None) -> int:
    """Where a token stands among its key's tokens (PostgreSQL's `<n>.…`; -1: none, 0: an
    older random one)."""
    if token is None:
        return -1
    head, dot, _ = token.partition(".")
    return int(head) if dot and head.isdigit() and len(head) <= 18 else 0


@event.listens_for(Session, "before_commit")
def _write_versions(session: Session) -> None:
    session.flush()  # what is still pending counts too
    changed = session.info.pop(_CHANGED, None)
    if not changed:
        return
    now = datetime.now(UTC)
    if session.get_bind().dialect.name != "postgresql":
        for key in sorted(changed):
            remember(session=session, key=key, value=uuid.uuid4().hex, now=now)
        return
    written = session.info.setdefault(_WRITTEN, {}).setdefault(_innermost(session), [])
    for key in sorted(changed):
        name, token, _ = session.execute(
            _PG_UPSERT, {"key": key, "nonce": uuid.uuid4().hex, "at": now}).one()
        written.append((name, token))


def _innermost(session: Session) -> SessionTransaction | None:
    return session.get_nested_transaction() or session.get_transaction()


@event.listens_for(Session, "after_commit")
def _learn_written(session: Session) -> None:
    """A savepoint's tokens become its parent's; the outermost commit's are this process's
    news at once (before `commit()` returns), before any notification."""
    written = session.info.get(_WRITTEN)
    transaction = _innermost(session)
    tokens = written.pop(transaction, None) if written else None
    if not tokens or transaction is None:
        return
    if transaction.nested and transaction.parent is not None:
        written.setdefault(transaction.parent, []).extend(tokens)  # type: ignore[union-attr]
        return
    bind = session.get_bind()
    watch = _WATCHES.get(id(bind.engine if isinstance(bind, Connection) else bind))
    if watch is not None:
        watch.learn(tokens)


@event.listens_for(Session, "after_transaction_end")
def _drop_undone(session: Session, transaction: SessionTransaction) -> None:
    """Tokens of a rolled-back transaction or savepoint are nobody's news."""
    if written := session.info.get(_WRITTEN):
        written.pop(transaction, None)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_CHANGED, None)


# Each PostgreSQL engine's Watch by id(engine), for after_commit, which knows only the
# session's engine (a Watch holds its engine, so the id is its engine's while it lives).
_WATCHES: weakref.WeakValueDictionary[int, Watch] = weakref.WeakValueDictionary()
POLL_SECONDS = 1.0  # how often the listener looks up from its wait (to notice `stop`)
RETRY_SECONDS = (0.0, 0.1, 0.5, 1.0, 2.0, 5.0)  # waits between reconnects, the last repeated
APPLICATION_NAME = "kisbot versions"  # the listener's connection in pg_stat_activity
_PAYLOAD = re.compile(r"^(\S+) (\S+)$")


class Watch:
    """This process's copy of one PostgreSQL database's version tokens, kept by LISTEN on a
    connection of its own (a daemon thread), so a cached answer's version needs no trip.

    `get` answers only while the listener listens and has read the tokens since it last
    (re)started listening: before that (startup, a dropped connection, reconnecting) it says
    it does not know, and the caller reads the token from the database as before.
    A commit sends its notification when it commits; the copy can be behind another
    process's commit by that notification's delivery, never behind this process's."""

    def __init__(self, engine: Engine, keys: Iterable[str] = tuple(WATCHED)) -> None:
        self.engine, self.keys = engine, tuple(keys)
        self._tokens: dict[str, str] = {}
        self._trusted = False
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.syncs = 0  # how many times the tokens were read after LISTEN (tests wait on it)
        _WATCHES[id(engine)] = self

    def get(self, key: str) -> tuple[bool, str | None]:
        """(True, the key's token) while the copy is trusted; (False, None) otherwise."""
        with self._changed:
            return (True, self._tokens.get(key)) if self._trusted else (False, None)

    def learn(self, tokens: Iterable[tuple[str, str]]) -> None:
        """Committed tokens: each replaces the copy's if it is newer."""
        with self._changed:
            for key, token in tokens:
                if order(token) > order(self._tokens.get(key)):
                    self._tokens[key] = token
            self._changed.notify_all()

    def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait until predicate() holds (checked at every change), at most timeout seconds."""
        with self._changed:
            return self._changed.wait_for(predicate, timeout)

    def start(self) -> None:
        """Start listening (again after `stop`); nothing if it listens already."""
        if self._thread is not None and self._thread.is_alive() and not self._stop.is_set():
            return
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(self._stop,),
                                        name="kis-versions", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Stop listening (the thread ends within POLL_SECONDS; `timeout`: wait for it)."""
        with self._changed:
            self._stop.set()
            self._forget_all()
        if self._thread is not None and timeout is not None:
            self._thread.join(timeout)

    def _distrust(self, stop: threading.Event) -> None:
        """Not listening (or about to read again): the copy is not to be used. Nothing once
        `stop` is set (`stop` did it; a restarted Watch's old thread is ending)."""
        with self._changed:
            if stop is self._stop and not stop.is_set():
                self._forget_all()

    def _forget_all(self) -> None:
        self._trusted = False
        self._tokens.clear()
        self._changed.notify_all()

    def _run(self, stop: threading.Event) -> None:
        import psycopg  # here: a bot on SQLite never loads the driver

        failures = 0
        while not stop.is_set():
            try:
                with self._connect(psycopg) as conn:
                    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self._sync(conn, stop)
                    if failures:
                        log.info("listening for version changes again")
                    failures = 0
                    self._wait(conn, stop)
            except Exception as exc:  # the thread must live on: it reconnects
                if not stop.is_set() and not failures:
                    log.warning("not listening for version changes (%s): the versions are read "
                                "from the database meanwhile", _reason(exc))
                failures += 1
            finally:
                self._distrust(stop)
            if failures:
                stop.wait(RETRY_SECONDS[min(failures, len(RETRY_SECONDS)) - 1])

    def _connect(self, psycopg: Any) -> Any:
        """An autocommit connection with the engine's parameters; TCP keepalives, so a
        vanished server is noticed while the connection only waits."""
        args, params = self.engine.dialect.create_connect_args(self.engine.url)
        params.update(autocommit=True, connect_timeout=5, application_name=APPLICATION_NAME,
                      keepalives=1, keepalives_idle=10, keepalives_interval=5, keepalives_count=3)
        return psycopg.connect(*args, **params)

    def _wait(self, conn: Any, stop: threading.Event) -> None:
        """Take in notifications until stopped (a dropped connection raises)."""
        while not stop.is_set():
            resync = False
            for note in conn.notifies(timeout=POLL_SECONDS):
                if note.payload == RESYNC:
                    resync = True
                    break  # out of `notifies` (it holds the connection) before the read
                if (match := _PAYLOAD.match(note.payload)) and match[1] in self.keys:
                    self.learn([(match[1], match[2])])
            if resync:
                self._distrust(stop)
                self._sync(conn, stop)

    def _sync(self, conn: Any, stop: threading.Event) -> None:
        """Read the tokens once LISTEN is in force: a commit before the read is in it, one
        after is notified (both are merged by order), so the copy can be trusted now."""
        rows = conn.execute(_PG_READ, [list(self.keys)]).fetchall()
        self.learn(rows)
        with self._changed:
            if stop is self._stop and not stop.is_set():
                self._trusted = True
                self.syncs += 1
            self._changed.notify_all()


def _reason(exc: BaseException) -> str:
    """The first line of an error's message (or its type)."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
