"""The local sandbox: the real bot against an embedded Bot API stand-in, on demo data.

`kisbot run` without TELEGRAM_BOT_TOKEN calls `run_sandbox`. A web page shows Telegram-like
chats and SMS phones for the demo people; nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.sandbox.botapi import BotApiStandIn
from bot.sandbox.seed import seed
from bot.sandbox.web import make_app, start_server
from bot.sandbox.world import World, demo_people
from handlers.context import Deps
from handlers.texts import sandbox as texts
from storage.clock import OffsetClock
from storage.db import Database, upgrade
from storage.settings import Settings

log = logging.getLogger(__name__)
SANDBOX_TOKEN = "1:SANDBOX"
SANDBOX_BOT_USERNAME = "kisbot_sandbox_bot"


class SandboxError(Exception):
    """The sandbox cannot start; the message is one line for a person."""


def fresh_database(path: Path) -> str:
    """Delete the sandbox's SQLite file (and its WAL files), migrate a new one; its URL."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    upgrade(url)
    return url


def check_port_free(host: str, port: int) -> None:
    """SandboxError before anything is built if the page's address is taken."""
    if port == 0:
        return
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise SandboxError(texts.port_taken(host, port)) from None


def build_world(settings: Settings, api: BotApiStandIn, clock: OffsetClock) -> World:
    """A fresh demo database with the club's people, registered with the stand-in."""
    path = Path(settings.sandbox_db_file).resolve()
    url = fresh_database(path)
    print(texts.fresh_database(str(path)), flush=True)
    db = Database(url)
    seeded = seed(db, clock.now(), settings)
    people = demo_people(seeded, db)
    for person in people.values():
        if person.chat_id is not None:
            first, _, last = person.name.partition(" ")
            api.add_user(person.chat_id, first_name=first, last_name=last or None)
    return World(api=api, clock=clock, db=db, people=people, tz=settings.tz)


async def run_sandbox(settings: Settings, *, stop: asyncio.Event | None = None,
                      ready: Callable[[str], Awaitable[None]] | None = None) -> None:
    """Run the bot, the stand-in and the page until `stop` is set or SIGINT/SIGTERM arrives."""
    from bot.runtime import serve, stop_on_signals

    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per long poll is noise here
    check_port_free(settings.sandbox_host, settings.sandbox_port)
    clock = OffsetClock()
    async with BotApiStandIn(token=SANDBOX_TOKEN, bot_username=SANDBOX_BOT_USERNAME,
                             bot_first_name="Klub") as api:
        world = build_world(settings, api, clock)
        try:
            runner, url = await start_server(make_app(world), settings.sandbox_host,
                                             settings.sandbox_port)
        except OSError:
            world.db.dispose()
            raise SandboxError(texts.port_taken(settings.sandbox_host,
                                                settings.sandbox_port)) from None
        stop = stop or stop_on_signals()

        async def announce(deps: Deps) -> None:
            world.deps = deps
            print(texts.running(url), flush=True)
            if ready is not None:
                await ready(url)

        bot_settings = settings.model_copy(update={
            "telegram_bot_token": SANDBOX_TOKEN, "telegram_api_url": api.url,
            "database_url": world.db.url, "sms_provider": "console",
            # The demo database is made anew at every start: no backups of it, and no health
            # listener in the way of a real bot on the same machine.
            "backup_dir": None, "health_port": 0})
        bot_stop = asyncio.Event()
        relay = asyncio.create_task(_relay_stop(stop, bot_stop, api))
        try:
            await serve(bot_settings, clock=clock, stop=bot_stop, ready=announce)
        finally:
            relay.cancel()
            await runner.cleanup()
            world.db.dispose()
    print(texts.STOPPED, flush=True)


async def _relay_stop(stop: asyncio.Event, bot_stop: asyncio.Event, api: BotApiStandIn) -> None:
    """When asked to stop, wake the bot's pending long poll, then stop the bot."""
    await stop.wait()
    api.wake_polls()
    bot_stop.set()


