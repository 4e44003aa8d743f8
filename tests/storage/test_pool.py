"""PostgreSQL's pool: a connection idle for a while is pinged before use, a busy one is not."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

import storage.db
from storage.db import Database
from tests.auxil.tcpproxy import TcpProxy


def select_one(*, session: Session) -> int:
    return session.execute(text("SELECT 1")).scalar_one()


async def proxied(pg_db: Database) -> tuple[TcpProxy, Database]:
    """A store of one pooled connection reaching PostgreSQL through a proxy a test can cut."""
    target = make_url(pg_db.url)
    proxy = await TcpProxy(target.host or "127.0.0.1", target.port or 5432).up()
    url = target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    return proxy, Database(url, pool_size=1, max_overflow=0)


async def test_a_connection_idle_for_long_is_pinged_and_replaced(
        pg_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    proxy, db = await proxied(pg_db)
    try:
        assert await db.run(select_one) == 1
        await proxy.down()  # the pooled connection is cut, as by a server restart
        await proxy.up()
        monkeypatch.setattr(storage.db, "PING_AFTER_IDLE", 0.0)  # it has been idle long enough
        assert await db.run(select_one) == 1  # the ping found it dead: a new one, no error
    finally:
        await proxy.down()
        db.dispose()


async def test_a_connection_in_use_is_not_pinged_and_a_break_costs_one_call(
        pg_db: Database) -> None:
    proxy, db = await proxied(pg_db)
    try:
        assert await db.run(select_one) == 1
        await proxy.down()
        await proxy.up()
        with pytest.raises(OperationalError):  # not idle long: used without a ping, it fails
            await db.run(select_one)
        assert await db.run(select_one) == 1  # the pool dropped it: the next call connects anew
    finally:
        await proxy.down()
        db.dispose()
