"""`kisbot run`: upgrade the database, then run the bot until asked to stop."""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from sqlalchemy.exc import OperationalError
from telegram import Update
from telegram.ext import Application

from bot.app import build_application
from bot.delivery.providers import Incoming, Report
from bot.delivery.sender import sms_gateway
from bot.health import health_routes
from bot.inbound import once
from bot.metrics import metrics_of
from bot.scheduler import start_scheduler
from bot.watchdog import watch
from bot.webhook import TELEGRAM_PATH, sms_routes, start_server, telegram_route, telegram_secret
from handlers.context import Deps, deps_of
from handlers.sms.conversation import handle_sms
from storage import outbox
from storage.clock import Clock, SystemClock
from storage.db import Database, upgrade
from storage.inbound import Claim
from storage.settings import Settings

log = logging.getLogger(__name__)


class StartupError(Exception):
    """The bot cannot start; the message says why in one line."""


def upgrade_with_retry(url: str, *, attempts: int = 5, first_delay: float = 1.0,
                       sleep: Callable[[float], None] = time.sleep) -> None:
    """Migrate the schema, waiting with backoff while the database is unreachable."""
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            upgrade(url)
            return
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            if attempt == attempts:
                raise StartupError(f"Database unavailable after {attempts} attempts: {reason}") \
                    from None
            log.warning("database unavailable (attempt %d/%d): %s; retrying in %.0f s",
                        attempt, attempts, reason, delay)
            sleep(delay)
            delay = min(delay * 2, 30)


async def serve(settings: Settings, *, clock: Clock | None = None,
                stop: asyncio.Event | None = None,
                ready: Callable[[Deps], Awaitable[None]] | None = None) -> None:
    """Run the Telegram bot (polling) until `stop` is set or SIGINT/SIGTERM arrives."""
    db = Database(settings.database_url)
    deps = Deps(settings=settings, db=db, clock=clock or SystemClock())
    webhook = settings.public_url is not None
    application = build_application(deps, webhook=webhook)
    stop = stop or stop_on_signals()
    async with application:
        await application.post_init(application)  # type: ignore[misc]
        server = await _receive_updates(application, settings)
        await application.start()
        start_scheduler(application)
        log.info("kisbot is running as @%s (%s)", deps.bot_username,
                 "webhook" if webhook else "polling")
        watchdog = asyncio.create_task(watch(application), name="watchdog")
        if ready is not None:
            await ready(deps)
        await stop.wait()
        log.info("stopping")
        watchdog.cancel()
        if application.updater is not None:
            await application.updater.stop()
        if server is not None:
            await server.cleanup()
        await application.stop()
    db.dispose()


async def _receive_updates(application: Application, settings: Settings) -> web.AppRunner | None:
    """Poll Telegram (health and metrics on HEALTH_PORT), or (with PUBLIC_URL) serve the
    webhook, the SMS callbacks, health and metrics, and register the webhook with Telegram."""
    if settings.public_url is None:
        assert application.updater is not None
        await application.updater.start_polling(drop_pending_updates=False)
        if not settings.health_port:
            return None
        try:
            return await start_server(settings.health_host, settings.health_port,
                                      health_routes(application))
        except OSError as exc:  # the bot matters more than its health page
            log.error("health listener not started on %s:%d: %s", settings.health_host,
                      settings.health_port, exc.strerror or exc)
            return None
    secret = telegram_secret(settings)
    server = await start_server(settings.webhook_host, settings.webhook_port,
                                [telegram_route(application, secret), *_sms(application),
                                 *health_routes(application)])
    await application.bot.set_webhook(url=f"{settings.public_url}{TELEGRAM_PATH}",
                                      secret_token=secret, allowed_updates=Update.ALL_TYPES)
    return server


def _sms(application: Application) -> list:
    """The SMS provider's callback routes: each SMS answered once, each report recorded once."""
    deps = deps_of(application)
    provider = sms_gateway(application)
    metrics = metrics_of(application)

    async def answer(sms: Incoming) -> None:
        start = time.perf_counter()
        try:
            await handle_sms(deps, sms.phone, sms.text)
        finally:
            metrics.observe_update("sms", time.perf_counter() - start)

    async def on_sms(sms: Incoming) -> Claim:
        return await once(deps, source=provider.name, kind="sms", external_id=sms.provider_id,
                          work=lambda: answer(sms), atomic=True)

    async def on_report(report: Report) -> Claim:
        return await once(deps, source=provider.name, kind="report",
                          external_id=f"{report.provider_id}:{report.status}",
                          work=lambda: deps.db.run(
                              outbox.record_report, provider_id=report.provider_id,
                              status=report.status, now=deps.clock.now()), atomic=True)

    return sms_routes(provider, deps.settings, on_sms, on_report)


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM."""
    event = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, event.set)
    return event
