"""Fixtures: the database under test (SQLite by default; PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage.clock import ManualClock
from storage.db import Database, upgrade
from tests.auxil.databases import (
    TemplateSqlite,
    create_pg_database,
    drop_pg_database,
    pg_admin_url,
    truncate_all,
)
from tests.auxil.factories import Factory

# The running bot against the Bot API stand-in (fixtures `api`, `bot`), for every folder.
pytest_plugins = ["tests.auxil.harness"]

BACKEND = "postgresql" if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql") \
    else "sqlite"


def pytest_report_header() -> str:
    """Say which database the suite runs on."""
    return f"kisbot database backend: {BACKEND}"


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> TemplateSqlite:
    return TemplateSqlite(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def _pg_url() -> Iterator[str]:
    admin = pg_admin_url()
    url = create_pg_database(admin)
    upgrade(url)
    yield url
    drop_pg_database(admin, url)


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database of the backend under test."""
    if BACKEND == "postgresql":
        url = request.getfixturevalue("_pg_url")
        cleaner = Database(url)
        truncate_all(cleaner)
        cleaner.dispose()
        yield url
    else:
        yield request.getfixturevalue("_sqlite_template").fresh(tmp_path / "kis.db")


@pytest.fixture
def other_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty database of the same backend (no schema at all), e.g. to restore into."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    admin = pg_admin_url()
    url = create_pg_database(admin)
    yield url
    drop_pg_database(admin, url)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """The store on the database under test."""
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def pg_db(request: pytest.FixtureRequest) -> Iterator[Database]:
    """A PostgreSQL store whatever the backend under test (for concurrency tests)."""
    database = Database(request.getfixturevalue("_pg_url"))
    truncate_all(database)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> ManualClock:
    """A clock at Monday 7 December 2026, 09:00 Warsaw time (08:00 UTC)."""
    return ManualClock(datetime(2026, 12, 7, 8, 0, tzinfo=UTC))


@pytest.fixture
def make(db: Database, clock: ManualClock, request: pytest.FixtureRequest) -> Factory:
    """Builders for people, sites, slots and bookings on the database under test (with the Bot
    API stand-in in the test, people added with Telegram have a chat with the bot)."""
    if "api" in request.fixturenames:
        return Factory(db, clock, linked=request.getfixturevalue("api").opened_chat)
    return Factory(db, clock)
