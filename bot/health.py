"""Health that tells: GET /healthz and GET /metrics, on the webhook server or their own listener.

Healthy (200) only when the database answers, a scheduler job ran within
HEALTH_SCHEDULER_SECONDS and Telegram answered within HEALTH_TELEGRAM_SECONDS; otherwise 503
with the parts that failed. Telegram counts as reached by any answer below 500 (a 429 or a
403 is Telegram answering); a quiet bot asks getMe once a minute so the mark stays fresh.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text
from sqlmodel import Session
from telegram.ext import Application

from bot.metrics import metrics_of
from bot.webhook import Route
from handlers.context import deps_of
from storage import backup_schedule
from storage.clock import Clock
from storage.db import Database
from storage.ops_status import queue_state
from storage.settings import Settings

log = logging.getLogger(__name__)
HEALTH_PATH, METRICS_PATH = "/healthz", "/metrics"
DATABASE, SCHEDULER, TELEGRAM = "database", "scheduler", "telegram"
PARTS = (DATABASE, SCHEDULER, TELEGRAM)
DB_TIMEOUT = 5.0
PROBE_AFTER = 60.0  # seconds without an answer from Telegram before getMe is asked


@dataclass
class Health:
    """When each part last showed it works (the injectable clock's time)."""

    clock: Clock
    scheduler_seconds: float
    telegram_seconds: float
    marks: dict[str, datetime] = field(default_factory=dict)

    @classmethod
    def of(cls, clock: Clock, settings: Settings) -> Health:
        """Health with the configured limits."""
        return cls(clock, settings.health_scheduler_seconds, settings.health_telegram_seconds)

    def mark(self, part: str) -> None:
        """The part worked just now."""
        self.marks[part] = self.clock.now()

    def seconds_since(self, part: str) -> float | None:
        """Seconds since the part last worked (None: never)."""
        at = self.marks.get(part)
        return None if at is None else (self.clock.now() - at).total_seconds()

    def _stale(self, part: str, limit: float) -> str | None:
        age = self.seconds_since(part)
        if age is None:
            return "never"
        return f"last seen {age:.0f} s ago (limit {limit:.0f} s)" if age > limit else None

    async def check(self, db: Database) -> dict[str, str | None]:
        """Each part and what is wrong with it (None: healthy)."""
        return {DATABASE: await database_problem(db),
                SCHEDULER: self._stale(SCHEDULER, self.scheduler_seconds),
                TELEGRAM: self._stale(TELEGRAM, self.telegram_seconds)}


def _ping(*, session: Session) -> int:
    return session.exec(text("SELECT 1")).scalar_one()  # type: ignore[call-overload]


async def database_problem(db: Database) -> str | None:
    """None when the database answers SELECT 1 within DB_TIMEOUT, else why not."""
    try:
        await asyncio.wait_for(db.run(_ping), DB_TIMEOUT)
    except TimeoutError:
        return f"no answer within {DB_TIMEOUT:.0f} s"
    except Exception as exc:
        return type(exc).__name__
    return None


def health_of(application: Application) -> Health:
    """The application's health marks (made on first use)."""
    health = application.bot_data.get("health")
    if health is None:
        deps = deps_of(application)
        health = application.bot_data["health"] = Health.of(deps.clock, deps.settings)
    return health


def health_routes(application: Application) -> list[Route]:
    """GET /healthz and GET /metrics for this application."""
    deps, health, metrics = deps_of(application), health_of(application), metrics_of(application)

    async def healthz(_request: web.Request) -> web.Response:
        checks = await health.check(deps.db)
        failed = [part for part, problem in checks.items() if problem]
        for part, problem in checks.items():
            metrics.healthy.labels(part).set(0 if problem else 1)
        body = {"status": "failing" if failed else "ok", "failed": failed,
                "checks": {part: problem or "ok" for part, problem in checks.items()}}
        return web.json_response(body, status=503 if failed else 200)

    async def scrape(_request: web.Request) -> web.Response:
        now = deps.clock.now()
        try:
            queue = await deps.db.run(queue_state, now=now)
            last = await deps.db.run(backup_schedule.last)
            metrics.set_state(queue, last, now)
            metrics.healthy.labels(DATABASE).set(1)
        except Exception:  # the counters are still worth serving
            log.warning("metrics: the database did not answer; outbox gauges not refreshed")
            metrics.healthy.labels(DATABASE).set(0)
        return web.Response(body=metrics.exposition(),
                            headers={"Content-Type": CONTENT_TYPE_LATEST})

    return [("GET", HEALTH_PATH, healthz), ("GET", METRICS_PATH, scrape)]


async def telegram_probe(application: Application) -> None:
    """Ask Telegram (getMe) when nothing was heard from it for PROBE_AFTER seconds."""
    age = health_of(application).seconds_since(TELEGRAM)
    if age is None or age >= PROBE_AFTER:
        await application.bot.get_me()
