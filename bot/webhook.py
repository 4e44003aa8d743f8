"""The one HTTP server of the bot process: Telegram webhook updates (and SMS callbacks)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.config import Settings

log = logging.getLogger(__name__)
TELEGRAM_PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

Route = tuple[str, str, Callable[[web.Request], Awaitable[web.StreamResponse]]]


def telegram_secret(settings: Settings) -> str:
    """The secret Telegram sends with each update: WEBHOOK_SECRET, or one derived from the token."""
    if settings.webhook_secret:
        return settings.webhook_secret
    digest = hashlib.sha256(f"kisbot-webhook:{settings.telegram_bot_token}".encode()).hexdigest()
    return digest[:48]


def telegram_route(application: Application, secret: str) -> Route:
    """POST /telegram: check the secret header, then queue the update for the application."""

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("telegram webhook: request without the right secret refused")
            return web.Response(status=403, text="forbidden")
        try:
            data = await request.json()
            update = Update.de_json(data, application.bot)
        except (json.JSONDecodeError, ValueError, TypeError, KeyError):
            return web.Response(status=400, text="bad update")
        await application.update_queue.put(update)
        return web.Response(text="ok")

    return ("POST", TELEGRAM_PATH, receive)


async def start_server(host: str, port: int, routes: list[Route]) -> web.AppRunner:
    """Serve the routes; returns the runner (call `cleanup()` to stop)."""
    app = web.Application(client_max_size=1024 * 1024)
    for method, path, handler in routes:
        app.router.add_route(method, path, handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
