"""GET /healthz tells which part failed (database, scheduler, Telegram), on the injectable clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import aiohttp
import pytest
from telegram.error import Forbidden, NetworkError
from telegram.ext import Application, CallbackContext

from bot import scheduler
from bot.app import build_application
from bot.health import health_routes, telegram_probe
from bot.sandbox.botapi import BotApiStandIn
from bot.webhook import start_server
from handlers.context import Deps
from storage.clock import ManualClock
from storage.db import Database
from tests.auxil.factories import free_port
from tests.auxil.harness import make_settings


@dataclass
class Watched:
    """The bot's application (initialised, not polling) and its health page."""

    app: Application
    deps: Deps
    url: str

    async def health(self) -> tuple[int, dict]:
        """GET /healthz."""
        async with aiohttp.ClientSession() as http, http.get(f"{self.url}/healthz") as answer:
            return answer.status, await answer.json()

    async def scheduler_runs(self) -> None:
        """One scheduled job, run the way APScheduler runs it."""
        await scheduler._job(scheduler.plan_tick)(CallbackContext(self.app))


@pytest.fixture
async def watched(api: BotApiStandIn, db: Database, db_url: str,
                  clock: ManualClock) -> AsyncIterator[Watched]:
    deps = Deps(settings=make_settings(api, db_url), db=db, clock=clock)
    app = build_application(deps)
    await app.initialize()  # getMe: Telegram answered
    port = free_port()
    server = await start_server("127.0.0.1", port, health_routes(app))
    try:
        yield Watched(app, deps, f"http://127.0.0.1:{port}")
    finally:
        await server.cleanup()
        await app.shutdown()


async def test_healthy_only_while_every_part_is(watched: Watched, clock: ManualClock,
                                                api: BotApiStandIn) -> None:
    status, body = await watched.health()
    assert (status, body["failed"], body["checks"]["scheduler"]) == (503, ["scheduler"], "never")

    await watched.scheduler_runs()
    assert await watched.health() == (200, {"status": "ok", "failed": [], "checks": {
        "database": "ok", "scheduler": "ok", "telegram": "ok"}})

    clock.advance(timedelta(seconds=121))  # HEALTH_SCHEDULER_SECONDS is 120
    status, body = await watched.health()
    assert (status, body["failed"]) == (503, ["scheduler"])
    assert body["checks"]["scheduler"] == "last seen 121 s ago (limit 120 s)"

    clock.advance(timedelta(seconds=180))  # 301 s since Telegram last answered (limit 300)
    await watched.scheduler_runs()
    status, body = await watched.health()
    assert (status, body["failed"]) == (503, ["telegram"])

    api.fail_next("getMe", status=502)  # a 5xx is not Telegram answering
    with pytest.raises(NetworkError):
        await telegram_probe(watched.app)
    assert (await watched.health())[1]["failed"] == ["telegram"]
    await telegram_probe(watched.app)
    assert (await watched.health())[0] == 200

    working, watched.deps.db = watched.deps.db, Database("sqlite:////nonexistent-dir/kis.db")
    try:
        status, body = await watched.health()
    finally:
        watched.deps.db.dispose()
        watched.deps.db = working
    assert (status, body["failed"], body["checks"]["database"]) == \
        (503, ["database"], "OperationalError")
    assert (await watched.health())[0] == 200


async def test_a_refusal_from_telegram_still_counts_as_reached(watched: Watched,
                                                               clock: ManualClock,
                                                               api: BotApiStandIn) -> None:
    await watched.scheduler_runs()
    clock.advance(timedelta(seconds=100))
    await watched.scheduler_runs()
    probes = len(api.calls("getMe"))
    await telegram_probe(watched.app)  # heard from 100 s ago: asks
    await telegram_probe(watched.app)  # heard from just now: does not
    assert len(api.calls("getMe")) == probes + 1

    clock.advance(timedelta(seconds=301))
    await watched.scheduler_runs()
    assert (await watched.health())[1]["failed"] == ["telegram"]
    api.add_user(77)
    api.block(77)
    with pytest.raises(Forbidden):
        await watched.app.bot.send_message(77, "Dzień dobry")
    assert (await watched.health())[0] == 200
