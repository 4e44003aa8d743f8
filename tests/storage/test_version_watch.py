"""This process's copy of the change versions (storage/versions.py `Watch`): on PostgreSQL kept
by its own commits and by LISTEN/NOTIFY, and not trusted while the listener is not listening;
on SQLite the version is read every time."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session

from storage import backup, versions
from storage.db import Database
from storage.hours_summary import latest_version
from storage.models import WorkSite
from tests.conftest import BACKEND

KEY = versions.HOURS_SUMMARY
WAIT = 10.0  # seconds: a bound for what should take milliseconds, not a timing assertion
postgresql_only = pytest.mark.skipif(
    BACKEND != "postgresql",
    reason="LISTEN/NOTIFY is PostgreSQL's; on SQLite the version is read at every request")


def token(db: Database) -> str | None:
    return db.call(versions.current, key=KEY)


def add_site(db: Database, name: str) -> str | None:
    """A change the summary shows, committed through `db`; the token it left."""
    with db.session() as s:
        s.add(WorkSite(name=name))
    return token(db)


def written(session: Session) -> str | None:
    """The token as the transaction sees it (not the identity map's copy)."""
    return session.execute(text("SELECT value FROM runtime_facts WHERE key = :key"),
                           {"key": KEY}).scalar()


def known(db: Database) -> tuple[bool, str | None]:
    assert db.versions is not None
    return db.versions.get(KEY)


def wait_until(db: Database, condition: Any) -> None:
    assert db.versions is not None
    assert db.versions.wait_for(condition, WAIT), (condition, known(db))


@pytest.fixture(autouse=True)
def _quick_stop(monkeypatch: pytest.MonkeyPatch) -> None:
    """The listener looks up from its wait often, so `stop(timeout=…)` returns soon."""
    monkeypatch.setattr(versions, "POLL_SECONDS", 0.05)


@pytest.fixture
def watched(db: Database) -> Iterator[Database]:
    """The store under test listening, its first read of the tokens done."""
    assert db.versions is not None
    db.versions.start()
    wait_until(db, lambda: db.versions.syncs > 0)  # type: ignore[union-attr]
    yield db
    db.versions.stop(timeout=WAIT)


@pytest.fixture
def other(db_url: str) -> Iterator[Database]:
    """Another process's store on the same database (the CLI, a second webhook process)."""
    database = Database(db_url)
    yield database
    database.dispose()


def test_the_latest_version_is_the_database_s_whoever_wrote_it(db: Database,
                                                                other: Database) -> None:
    """Without a listener (SQLite always; PostgreSQL before it listens) it is read."""
    assert asyncio.run(latest_version(db)) is None
    mine = add_site(db, "Biblioteka")
    assert asyncio.run(latest_version(db)) == mine
    theirs = add_site(other, "Basen")
    assert theirs != mine and asyncio.run(latest_version(db)) == theirs


def test_sqlite_has_no_watch(db: Database) -> None:
    assert (db.versions is None) == (BACKEND == "sqlite")


@postgresql_only
def test_a_commit_in_this_process_is_known_before_commit_returns(watched: Database) -> None:
    assert known(watched) == (True, None)
    first = add_site(watched, "Biblioteka")
    assert known(watched) == (True, first)  # no waiting: learnt at commit
    second = add_site(watched, "Basen")
    assert versions.order(second) == versions.order(first) + 1
    assert known(watched) == (True, second)
    assert asyncio.run(latest_version(watched)) == second


@postgresql_only
def test_another_process_s_commit_is_known_after_its_notification(watched: Database,
                                                                  other: Database) -> None:
    mine = add_site(watched, "Biblioteka")
    theirs = add_site(other, "Basen")
    assert theirs != mine
    wait_until(watched, lambda: known(watched) == (True, theirs))
    assert asyncio.run(latest_version(watched)) == theirs


@postgresql_only
def test_notifications_in_any_order_leave_the_newest(watched: Database) -> None:
    """Its own commits learnt at once and their notifications coming later: an older
    token (a late notification, a concurrent commit learnt late) never replaces a newer."""
    first = add_site(watched, "Biblioteka")
    second = add_site(watched, "Basen")
    assert watched.versions is not None
    watched.versions.learn([(KEY, first)])  # type: ignore[list-item]
    assert known(watched) == (True, second)


@postgresql_only
def test_while_the_listener_is_down_the_version_is_read(watched: Database, other: Database,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Its connection killed, the copy is not used until it listens again and has read the
    tokens once more: what was committed meanwhile (and notified to nobody) shows."""
    watch = watched.versions
    assert watch is not None
    gate, reconnecting = threading.Event(), threading.Event()
    connect = watch._connect

    def held(psycopg: Any) -> Any:  # the reconnect waits for the test
        reconnecting.set()
        assert gate.wait(WAIT)
        return connect(psycopg)

    monkeypatch.setattr(watch, "_connect", held)
    before = add_site(watched, "Biblioteka")
    syncs = watch.syncs
    with other.engine.begin() as conn:
        killed = conn.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE application_name = :name AND datname = current_database()"),
            {"name": versions.APPLICATION_NAME}).scalar_one()
    assert killed >= 1
    assert reconnecting.wait(WAIT)
    assert known(watched) == (False, None)
    theirs = add_site(other, "Basen")  # its notification reaches nobody of ours
    assert theirs != before and asyncio.run(latest_version(watched)) == theirs
    mine = add_site(watched, "Park")  # learnt, but not trusted yet
    assert known(watched) == (False, None) and asyncio.run(latest_version(watched)) == mine
    gate.set()
    wait_until(watched, lambda: watch.syncs > syncs)
    assert known(watched) == (True, mine)
    last = add_site(other, "Kino")
    wait_until(watched, lambda: known(watched) == (True, last))


@postgresql_only
def test_before_it_first_listens_the_version_is_read(db: Database, other: Database,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    watch = db.versions
    assert watch is not None
    gate, connecting = threading.Event(), threading.Event()
    connect = watch._connect

    def held(psycopg: Any) -> Any:
        connecting.set()
        assert gate.wait(WAIT)
        return connect(psycopg)

    monkeypatch.setattr(watch, "_connect", held)
    watch.start()
    try:
        assert connecting.wait(WAIT)
        theirs = add_site(other, "Basen")
        assert known(db) == (False, None) and asyncio.run(latest_version(db)) == theirs
        gate.set()
        wait_until(db, lambda: known(db) == (True, theirs))
    finally:
        gate.set()
        watch.stop(timeout=WAIT)
    assert known(db) == (False, None)  # stopped: read again


@postgresql_only
def test_a_rollback_teaches_nothing(watched: Database, other: Database) -> None:
    """A transaction undone after its savepoint wrote a token, and a savepoint undone inside
    a transaction that commits: only what was committed is learnt (and notified)."""
    before = add_site(watched, "Biblioteka")
    with pytest.raises(RuntimeError), watched.session() as s:
        with s.begin_nested():
            s.add(WorkSite(name="Basen"))
        assert written(s) != before  # written in the transaction
        raise RuntimeError("undone")
    assert token(watched) == before and known(watched) == (True, before)
    with watched.session() as s:
        with s.begin_nested():
            s.add(WorkSite(name="Park"))
        kept = written(s)
        with pytest.raises(RuntimeError), s.begin_nested():
            s.add(WorkSite(name="Kino"))
            with s.begin_nested():
                s.add(WorkSite(name="Teatr"))
            assert written(s) != kept
            raise RuntimeError("undone")
    assert token(watched) == kept and known(watched) == (True, kept)
    last = add_site(other, "Muzeum")  # notifications come in commit order: nothing between
    wait_until(watched, lambda: known(watched) == (True, last))
    assert versions.order(last) == versions.order(kept) + 1


@postgresql_only
def test_a_resync_notification_makes_listeners_read_again(watched: Database) -> None:
    """A token changed behind the listeners' backs (a restore, which sends RESYNC) is read
    again, even when it went down."""
    add_site(watched, "Biblioteka")
    add_site(watched, "Basen")
    assert watched.versions is not None
    syncs = watched.versions.syncs
    with watched.engine.begin() as conn:
        conn.execute(text("UPDATE runtime_facts SET value = '1.restored' WHERE key = :key"),
                     {"key": KEY})
        conn.execute(text("SELECT pg_notify(:channel, :payload)"),
                     {"channel": versions.NOTIFY_CHANNEL, "payload": versions.RESYNC})
    wait_until(watched, lambda: watched.versions.syncs > syncs)  # type: ignore[union-attr]
    assert known(watched) == (True, "1.restored")


@postgresql_only
def test_a_restore_under_a_listening_bot_is_read_again(watched: Database, db_url: str) -> None:
    """A restore puts back an older token (lower in order than the bot's copy) and sends
    RESYNC with its commit: the copy is the restored token, not the newer one it had."""
    restored = add_site(watched, "Biblioteka")
    data, _ = backup.backup(db_url, secret=None, now=datetime(2026, 12, 7, tzinfo=UTC))
    newer = add_site(watched, "Basen")
    assert known(watched) == (True, newer)
    backup.restore(db_url, data, secret=None, force=True)
    wait_until(watched, lambda: known(watched) == (True, restored))
    assert token(watched) == restored


@postgresql_only
def test_inside_a_transaction_the_version_is_its_own(watched: Database) -> None:
    """What a `Database.transaction()` wrote and has not committed is not in the copy: the
    version is read there, so a summary asked for inside it is not an older one."""
    add_site(watched, "Biblioteka")

    def add(*, session: Session) -> None:
        session.add(WorkSite(name="Basen"))

    async def inside() -> tuple[str | None, str | None]:
        async with watched.transaction():
            await watched.run(add)
            return await latest_version(watched), known(watched)[1]

    seen, copy = asyncio.run(inside())
    assert seen != copy and seen == token(watched) == known(watched)[1]
