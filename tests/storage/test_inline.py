"""Short SQLite transactions on the event loop (storage.db.short) and their way out when
another process holds the write lock."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import select

from storage import hours
from storage.db import Database, short
from storage.hours_rules import Limits
from storage.models import HourEntry
from tests.auxil.factories import Factory

TODAY = date(2026, 12, 7)
NOW = datetime(2026, 12, 7, 8, tzinfo=UTC)


@pytest.fixture
def sqlite_db(db: Database) -> Database:
    if db.dialect != "sqlite":
        pytest.skip("SQLite only: PostgreSQL calls always go to a worker thread")
    return db


async def test_a_short_write_waits_in_the_thread_while_another_process_writes(
        sqlite_db: Database, make: Factory) -> None:
    make.site("Biblioteka")
    anna = make.participant("1", "Anna", work_site="Biblioteka")
    other = sqlite3.connect(make_url(sqlite_db.url).database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        task = asyncio.create_task(sqlite_db.run(
            hours.log_hours, participant_id=anna.id, work_date=TODAY, hours=D(4), today=TODAY,
            limits=Limits(), backdate_days=7, now=NOW))
        await asyncio.sleep(0)  # the inline try gives up at once and waits in the worker thread
        assert not task.done()
    finally:
        other.execute("COMMIT")
        other.close()
    logged = await task
    assert logged.entry.hours == D(4) and logged.used is not None and logged.used.day == D(4)
    with sqlite_db.session() as s:
        assert [e.hours for e in s.exec(select(HourEntry))] == [D(4)]  # once, not twice


async def test_short_calls_run_inline_and_others_in_the_thread(sqlite_db: Database) -> None:
    where: list[str] = []

    def unmarked(*, session: object) -> None:
        where.append(threading.current_thread().name)

    @short
    def marked(*, session: object) -> None:
        where.append(threading.current_thread().name)

    await sqlite_db.run(unmarked)
    await sqlite_db.run(marked)
    assert where[0].startswith("sqlite") and where[1] == threading.current_thread().name
