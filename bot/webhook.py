"""The one HTTP server of the bot process: Telegram webhook updates (and SMS callbacks)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import unquote_to_bytes

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.delivery.providers import Callback, Incoming, Provider, Report
from bot.inbound import once
from handlers.context import deps_of
from storage.inbound import Claim
from storage.settings import Settings

log = logging.getLogger(__name__)
TELEGRAM_PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

Route = tuple[str, str, Callable[[web.Request], Awaitable[web.StreamResponse]]]
FORM = "application/x-www-form-urlencoded"


class MalformedCallback(ValueError):
    """A callback body that cannot be read as fields at all."""


def decode(raw: bytes, charset: str | None = None) -> str:
    """Bytes as text: the declared charset, else UTF-8, else Windows-1250 (never raises)."""
    for encoding in dict.fromkeys(filter(None, (charset, "utf-8"))):
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("cp1250", errors="replace")


def parse_form(body: bytes, charset: str | None = None) -> dict[str, str]:
    """URL-encoded fields, each value decoded on its own (gateways send Latin-2 and UTF-8)."""
    fields: dict[str, str] = {}
    for pair in body.strip().split(b"&"):
        if pair:
            name, _, value = pair.partition(b"=")
            fields[decode(unquote_to_bytes(name.replace(b"+", b" ")), charset)] = \
                decode(unquote_to_bytes(value.replace(b"+", b" ")), charset)
    return fields


async def callback_params(request: web.Request) -> dict[str, str]:
    """Query and form fields of a provider callback; MalformedCallback when unreadable."""
    params = parse_form(request.rel_url.raw_query_string.encode())
    if request.method != "POST" or not request.can_read_body:
        return params
    if request.content_type in (FORM, "application/octet-stream", ""):
        params.update(parse_form(await request.read(), request.charset))
    elif request.content_type.startswith("multipart/"):
        try:
            params.update({k: str(v) for k, v in (await request.post()).items()})
        except (ValueError, AssertionError) as exc:
            raise MalformedCallback(type(exc).__name__) from None
    else:
        raise MalformedCallback(f"unexpected content type {request.content_type}")
    return params


def telegram_secret(settings: Settings) -> str:
    """The secret Telegram sends with each update: WEBHOOK_SECRET, or one derived from the token."""
    if settings.webhook_secret:
        return settings.webhook_secret
    digest = hashlib.sha256(f"kisbot-webhook:{settings.telegram_bot_token}".encode()).hexdigest()
    return digest[:48]


def telegram_route(application: Application, secret: str) -> Route:
    """POST /telegram: check the secret header, then queue the update once per update_id."""
    deps = deps_of(application)

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
        claim = await once(deps, source="telegram", kind="update",
                           external_id=str(update.update_id),
                           work=lambda: application.update_queue.put(update), handover=True)
        return _busy() if claim is Claim.busy else web.Response(text="ok")

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


def sms_routes(provider: Provider, settings: Settings,
               on_sms: Callable[[Incoming], Awaitable[Claim]],
               on_report: Callable[[Report], Awaitable[Claim]]) -> list[Route]:
    """Incoming SMS and delivery reports of the configured provider, each authenticated.

    Paths: /sms/<provider>/<secret>/incoming and …/report (SMSAPI has no signatures, so the
    secret path authenticates it; Twilio's requests are also checked by their signature).
    A replay is acknowledged like the first; one being processed right now answers 503.
    """
    base = f"/sms/{provider.name}/{{secret}}"

    async def read(request: web.Request) -> Callback | web.Response:
        try:
            params = await callback_params(request)
        except MalformedCallback as exc:
            log.warning("SMS callback with an unreadable body refused: %s", exc)
            return web.Response(status=400, text="malformed")
        url = f"{settings.public_url or ''}{request.path_qs}"
        callback = Callback(request.match_info["secret"], url, request.headers, params)
        if not provider.authentic(callback):
            log.warning("SMS callback without valid authentication refused")
            return web.Response(status=403, text="forbidden")
        return callback

    async def incoming(request: web.Request) -> web.Response:
        if isinstance(callback := await read(request), web.Response):
            return callback
        sms = provider.incoming(callback.params)
        if not sms.phone:
            log.warning("incoming SMS callback without a sender ignored")
            return _ack(provider)
        return await _settle(provider, [lambda: on_sms(sms)])

    async def report(request: web.Request) -> web.Response:
        if isinstance(callback := await read(request), web.Response):
            return callback
        items = provider.reports(callback.params)
        return await _settle(provider, [lambda item=item: on_report(item) for item in items])

    return [(m, f"{base}/{kind}", h) for kind, h in (("incoming", incoming), ("report", report))
            for m in ("GET", "POST")]


async def _settle(provider: Provider, steps: list[Callable[[], Awaitable[Claim]]]) -> web.Response:
    """Run each step; acknowledge, or ask the provider to come back (503) or retry (500)."""
    claims = []
    try:
        for step in steps:
            claims.append(await step())
    except Exception:
        log.exception("SMS callback failed; the provider's retry will be processed")
        return web.Response(status=500, text="error")
    return _busy() if Claim.busy in claims else _ack(provider)


def _busy() -> web.Response:
    """The same event is being processed right now: come back later."""
    return web.Response(status=503, text="busy", headers={"Retry-After": "60"})


def _ack(provider: Provider) -> web.Response:
    """SMSAPI expects 'OK'; Twilio an (empty) TwiML document."""
    if provider.name == "twilio":
        return web.Response(text="<Response/>", content_type="text/xml")
    return web.Response(text="OK")
