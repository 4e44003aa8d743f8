"""Real test databases: a fresh SQLite file per test, or a private PostgreSQL database."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from storage.db import Database, upgrade

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"


def require_postgres() -> bool:
    """CI sets KIS_REQUIRE_POSTGRES=1: a missing server is then a failure, not a skip."""
    return os.environ.get("KIS_REQUIRE_POSTGRES") == "1"


def pg_admin_url() -> str:
    """The PostgreSQL server tests may create databases on."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith("postgresql") else os.environ.get("TEST_POSTGRES_URL", DEFAULT_PG)


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_pg_database(admin_url: str) -> str:
    """Create an empty database for this test process; skip (or fail in CI) without a server."""
    name = f"kisbot_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        with psycopg.connect(_libpq(admin_url), autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        reason = f"PostgreSQL not reachable at {make_url(admin_url).host}: {exc}".splitlines()[0]
        if require_postgres():
            pytest.fail(reason)
        pytest.skip(reason)
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(admin_url: str, url: str) -> None:
    """Remove a database made by create_pg_database."""
    name = make_url(url).database
    with psycopg.connect(_libpq(admin_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class TemplateSqlite:
    """A migrated SQLite file copied for each test (migrating once per session)."""

    def __init__(self, directory: Path) -> None:
        self.template = directory / "template.db"
        upgrade(f"sqlite:///{self.template}")

    def fresh(self, target: Path) -> str:
        """A new migrated database file at target."""
        shutil.copyfile(self.template, target)
        return f"sqlite:///{target}"


def truncate_all(db: Database) -> None:
    """Empty every table of a PostgreSQL test database and restart its ids."""
    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
