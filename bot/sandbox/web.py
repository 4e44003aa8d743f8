"""The sandbox's web page and its JSON API (aiohttp, 127.0.0.1 only by default)."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web

from bot.sandbox.world import UnknownPerson, World
from handlers.texts import fmt

STATIC = Path(__file__).resolve().parent / "static"
WORLD: web.AppKey[World] = web.AppKey("world", World)
MAX_TEXT = 4096
LONG_POLL_SECONDS = 20.0
ADVANCE_LIMIT = timedelta(days=31)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def json_only_posts(request: web.Request, handler: Handler) -> web.StreamResponse:
    """POSTs must be JSON: another web site cannot send those without the browser asking."""
    if request.method == "POST" and request.content_type != "application/json":
        return web.json_response({"error": "Content-Type must be application/json"}, status=415)
    try:
        return await handler(request)
    except UnknownPerson:
        return web.json_response({"error": "not found"}, status=404)


def make_app(world: World) -> web.Application:
    """The page, its static files and the API."""
    app = web.Application(middlewares=[json_only_posts], client_max_size=64 * 1024)
    app[WORLD] = world
    app.router.add_get("/", index)
    app.router.add_static("/static/", STATIC)
    app.router.add_get("/api/people", list_people)
    app.router.add_get("/api/state", state)
    app.router.add_get("/api/chat/{key}", get_chat)
    app.router.add_post("/api/chat/{key}/send", send_text)
    app.router.add_post("/api/chat/{key}/press", press)
    app.router.add_get("/api/file/{file_id}", get_file)
    app.router.add_get("/api/sms/{key}", get_sms)
    app.router.add_post("/api/sms/{key}/send", send_sms)
    app.router.add_post("/api/clock/advance", advance_clock)
    return app


async def index(request: web.Request) -> web.FileResponse:
    """The page."""
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})


async def list_people(request: web.Request) -> web.Response:
    """Demo people: staff first, then participants."""
    world = request.app[WORLD]
    return web.json_response([p.as_json() for p in world.people.values()])


async def state(request: web.Request) -> web.Response:
    """The version (long-polled: answers when it differs from ?version=) and the clock."""
    world = request.app[WORLD]
    known = request.query.get("version")
    if known == world.version:
        with contextlib.suppress(TimeoutError):
            await world.api.wait_until(lambda: world.version != known, LONG_POLL_SECONDS)
    local = world.clock.now().astimezone(world.tz)
    return web.json_response({
        "version": world.version,
        "clock": f"{fmt.day(local.date())}, {local:%H:%M}",
        "offset_hours": round(world.clock.offset.total_seconds() / 3600, 1)})


async def get_chat(request: web.Request) -> web.Response:
    """A person's Telegram chat."""
    world = request.app[WORLD]
    key = request.match_info["key"]
    return web.json_response({"messages": world.chat(key), "toast": world.last_answer(key)})


async def _text_from(request: web.Request) -> str:
    """The non-empty `text` of a JSON body, or 400."""
    body = await _json(request)
    text = body.get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        raise web.HTTPBadRequest(text="text: 1-4096 characters")
    return text.strip()


async def _json(request: web.Request) -> dict[str, Any]:
    """The JSON object body, or 400."""
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="invalid JSON") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="a JSON object expected")
    return body


async def send_text(request: web.Request) -> web.Response:
    """The person types a message to the bot."""
    request.app[WORLD].send_text(request.match_info["key"], await _text_from(request))
    return web.json_response({"ok": True})


async def press(request: web.Request) -> web.Response:
    """The person presses an inline button."""
    body = await _json(request)
    message_id, data = body.get("message_id"), body.get("data")
    if not isinstance(message_id, int) or not isinstance(data, str):
        raise web.HTTPBadRequest(text="message_id (int) and data (str) expected")
    request.app[WORLD].press(request.match_info["key"], message_id, data)
    return web.json_response({"ok": True})


async def get_file(request: web.Request) -> web.Response:
    """A document or picture the bot sent (pictures shown inline, documents downloaded)."""
    name, data, mime = request.app[WORLD].file(request.match_info["file_id"])
    disposition = "inline" if mime.startswith("image/") else "attachment"
    return web.Response(body=data, content_type=mime, headers={
        "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}"})


async def get_sms(request: web.Request) -> web.Response:
    """An SMS-only person's phone."""
    items = await request.app[WORLD].sms_thread(request.match_info["key"])
    return web.json_response({"messages": [
        {**item, "at": _local_time(request.app[WORLD], item["at"])} for item in items]})


def _local_time(world: World, moment: Any) -> str:
    """'7.12 09:00' in the people's time zone."""
    local = moment.astimezone(world.tz)
    return f"{local.day}.{local.month:02d} {local:%H:%M}"


async def send_sms(request: web.Request) -> web.Response:
    """The person sends an SMS to the club."""
    await request.app[WORLD].send_sms(request.match_info["key"], await _text_from(request))
    return web.json_response({"ok": True})


async def advance_clock(request: web.Request) -> web.Response:
    """Move the sandbox clock forward by `minutes` (at most 31 days at once)."""
    body = await _json(request)
    minutes = body.get("minutes")
    if not isinstance(minutes, int) or not 1 <= minutes <= ADVANCE_LIMIT.total_seconds() // 60:
        raise web.HTTPBadRequest(text="minutes: 1-44640")
    world = request.app[WORLD]
    steps = await world.advance(timedelta(minutes=minutes))  # runs what fell due on the way
    return web.json_response({"ok": True, "steps": steps})


async def start_server(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, str]:
    """Listen on host:port (0: any free port); OSError if taken. Returns the runner and URL."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError:
        await runner.cleanup()
        raise
    bound_host, bound_port = runner.addresses[0][:2]
    shown = "127.0.0.1" if bound_host in {"0.0.0.0", "127.0.0.1"} else bound_host
    return runner, f"http://{shown}:{bound_port}"
