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

from bot.delivery.providers import Callback, Provider, Report
from storage.settings import Settings

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


def sms_routes(application: Application, provider: Provider, settings: Settings,
               on_sms: Callable[[str, str], Awaitable[object]],
               on_report: Callable[[Report], Awaitable[object]]) -> list[Route]:
    """Incoming SMS and delivery reports of the configured provider, each authenticated.

    Paths: /sms/<provider>/<secret>/incoming and …/report (SMSAPI has no signatures, so the
    secret path authenticates it; Twilio's requests are also checked by their signature).
    """
    base = f"/sms/{provider.name}/{{secret}}"

    async def read(request: web.Request) -> Callback | None:
        params = dict(request.query)
        if request.method == "POST":
            params.update({k: str(v) for k, v in (await request.post()).items()})
        url = f"{settings.public_url or ''}{request.path_qs}"
        callback = Callback(request.match_info["secret"], url, request.headers, params)
        if not provider.authentic(callback):
            log.warning("SMS callback without valid authentication refused")
            return None
        return callback

    async def incoming(request: web.Request) -> web.Response:
        if (callback := await read(request)) is None:
            return web.Response(status=403, text="forbidden")
        sms = provider.incoming(callback.params)
        if sms.phone:
            await on_sms(sms.phone, sms.text)
        return _ack(provider)

    async def report(request: web.Request) -> web.Response:
        if (callback := await read(request)) is None:
            return web.Response(status=403, text="forbidden")
        for item in provider.reports(callback.params):
            await on_report(item)
        return _ack(provider)

    return [(m, f"{base}/{kind}", h) for kind, h in (("incoming", incoming), ("report", report))
            for m in ("GET", "POST")]


def _ack(provider: Provider) -> web.Response:
    """SMSAPI expects 'OK'; Twilio an (empty) TwiML document."""
    if provider.name == "twilio":
        return web.Response(text="<Response/>", content_type="text/xml")
    return web.Response(text="OK")
