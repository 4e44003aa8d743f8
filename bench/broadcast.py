"""Benchmark: a broadcast against a Bot API stand-in that enforces Telegram's limits.

    python -m bench.broadcast            # 5,000 recipients + baselines + kill-and-resume (~5 min)
    python -m bench.broadcast --quick    # smaller sizes (~1 min)

The stand-in runs in its own process (so it does not share the sender's event loop) with
the strict limits: 30 new messages in any second overall and, per chat, a burst of 5 refilled
at one a second, else 429 with retry_after.
The sender is the real one (the outbox sender, bot.delivery.sender: a confirmed broadcast is
one outbox row per recipient) on a fresh SQLite database per scenario.
Printed per scenario: recipients, seconds, achieved rate and its fraction of 30/s, 429s
received, duplicates (extra copies accepted by the stand-in) and losses (people without one).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sqlmodel import select

from bot.app import build_application
from bot.delivery.claims import reclaim
from bot.delivery.sender import deliver_due
from bot.sandbox.botapi import BotApiStandIn
from handlers.context import Deps
from storage import broadcasts, people
from storage.clock import SystemClock
from storage.db import Database, upgrade
from storage.models import OutboxMessage, Participant
from storage.settings import load_settings

LIMIT = 30.0
FIRST_ID = 100_000
COORDINATOR = 5001


# ---- the stand-in process ---------------------------------------------------------------------

class TimedStandIn(BotApiStandIn):
    """Records when each message was accepted."""

    accepted_at: list[float]

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        result = await super()._send_message(params)
        self.accepted_at.append(time.monotonic())
        return result


class EveryChat(set[int]):
    """Every recipient of the bench linked their account (wrote to the bot) long ago."""

    def __contains__(self, chat_id: object) -> bool:
        return True


def serve(conn: Connection) -> None:
    """Child process: run the stand-in; answer 'stats' on the pipe until 'stop'."""
    async def main() -> None:
        api = TimedStandIn(enforce_limits=True)
        api.accepted_at = []
        api.wrote = EveryChat()
        await api.start()
        conn.send((api.url, api.token))
        while True:
            command = await asyncio.to_thread(conn.recv)
            if command == "stop":
                break
            chats: dict[int, int] = {}
            for chat_id in list(api._chats):
                if chat_id >= FIRST_ID:
                    chats[chat_id] = len(api.chat(chat_id))
            conn.send({"count_429": api.count_429, "chats": chats,
                       "first": min(api.accepted_at, default=0.0),
                       "last": max(api.accepted_at, default=0.0)})
        await api.stop()
    asyncio.run(main())


class StandInProcess:
    """The stand-in in a child process."""

    def __enter__(self) -> StandInProcess:
        self.conn, child = mp.Pipe()
        self.process = mp.get_context("spawn").Process(target=serve, args=(child,), daemon=True)
        self.process.start()
        self.url, self.token = self.conn.recv()
        return self

    def stats(self) -> dict[str, Any]:
        """Counts so far."""
        self.conn.send("stats")
        return self.conn.recv()

    def __exit__(self, *exc: object) -> None:
        self.conn.send("stop")
        self.process.join(5)


# ---- the scenarios ----------------------------------------------------------------------------

@dataclass
class Result:
    """One row of the table."""

    name: str
    recipients: int
    seconds: float
    rate: float
    count_429: int
    duplicates: int
    losses: int
    note: str = ""


def prepare(url: str, n: int) -> int:
    """A database with n Telegram participants and a confirmed broadcast to all; its id."""
    upgrade(url)
    db = Database(url)
    now = datetime.now(UTC)
    with db.session() as s:
        s.add_all(Participant(number=f"B{i}", first_name="Osoba", last_name="Testowa", gender="K",
                              telegram_user_id=FIRST_ID + i, referred_on=date(2026, 1, 1))
                  for i in range(n))
    staff = db.call(people.add_staff, name="Koordynatorka", roles=["coordinator"],
                    telegram_user_id=COORDINATOR, phone=None, actor="cli", now=now)
    draft = db.call(broadcasts.start_draft, staff_id=staff.id, now=now,
                    text="Warsztaty wracają! Zapraszamy.")
    db.call(broadcasts.set_audience, broadcast_id=draft.id, staff_id=staff.id, audience="all")
    db.call(broadcasts.confirm, broadcast_id=draft.id, staff_id=staff.id, now=now,
            tz=load_settings(None).tz, chat_id=COORDINATOR)
    db.dispose()
    return draft.id  # type: ignore[return-value]


async def send_all(api: StandInProcess, url: str, **settings: Any) -> int:
    """Run the real sender in this process until nothing is due; rows it put back first."""
    config = load_settings(None, telegram_bot_token=api.token, telegram_api_url=api.url,
                           database_url=url, **settings)
    db = Database(url)
    app = build_application(Deps(settings=config, db=db, clock=SystemClock()), features=[])
    async with app:
        again = await reclaim(app)  # what a restarted bot does first
        while sum((await deliver_due(app)).counts.values()):
            pass
    db.dispose()
    return again


def summarise(name: str, n: int, stats: dict[str, Any], seconds: float, note: str = "") -> Result:
    """Rate from the stand-in's acceptance times; duplicates and losses from its chats."""
    chats = stats["chats"]
    accepted = sum(chats.values())
    span = max(stats["last"] - stats["first"], 1e-9)
    return Result(name, n, seconds, (accepted - 1) / span if accepted > 1 else 0.0,
                  stats["count_429"], accepted - len(chats), n - len(chats), note)


async def scenario(name: str, n: int, workdir: Path, **settings: Any) -> Result:
    """One broadcast of n messages with the given sender settings."""
    url = f"sqlite:///{workdir / (name.split()[0] + '.db')}"
    prepare(url, n)
    with StandInProcess() as api:
        started = time.monotonic()
        await send_all(api, url, **settings)
        return summarise(name, n, api.stats(), time.monotonic() - started)


async def kill_and_resume(n: int, workdir: Path) -> Result:
    """The sender in its own process, SIGKILLed half-way, then resumed here."""
    url = f"sqlite:///{workdir / 'kill.db'}"
    broadcast_id = prepare(url, n)
    with StandInProcess() as api:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_URL": api.url,
               "DATABASE_URL": url}
        started = time.monotonic()
        child = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.drain", env=env)
        while len(api.stats()["chats"]) < n // 2:
            await asyncio.sleep(0.2)
        child.send_signal(signal.SIGKILL)
        await child.wait()
        db = Database(url)
        with db.session() as s:
            left = len(s.exec(select(OutboxMessage).where(
                OutboxMessage.broadcast_id == broadcast_id,
                OutboxMessage.status == "sending")).all())
        db.dispose()
        again = await send_all(api, url)
        return summarise("kill -9 at 50% + resume", n, api.stats(), time.monotonic() - started,
                         note=f"{left} claimed at the kill, {again} put back at once")


def table(results: list[Result]) -> str:
    """The printed table."""
    head = (f"{'scenario':<44} {'n':>5} {'s':>6} {'msg/s':>6} {'of 30/s':>7} {'429s':>5} "
            f"{'dup':>4} {'lost':>4}  note")
    lines = [head, "-" * len(head)]
    for r in results:
        lines.append(f"{r.name:<44} {r.recipients:>5} {r.seconds:>6.1f} {r.rate:>6.1f} "
                     f"{r.rate / LIMIT:>7.0%} {r.count_429:>5} {r.duplicates:>4} {r.losses:>4}"
                     f"  {r.note}")
    return "\n".join(lines)


async def main(quick: bool) -> None:
    """Baselines first, then the 5,000-recipient broadcast, then kill-and-resume."""
    small, big, kill = (150, 600, 300) if quick else (450, 5000, 900)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        results.append(await scenario("sequential (1 at a time, no pacing)", small, workdir,
                                      send_concurrency=1, telegram_bulk_rate=1000))
        results.append(await scenario("burst (16 parallel, 429 handling only)", small,
                                      workdir, send_concurrency=16, telegram_bulk_rate=1000))
        results.append(await scenario("paced 28/s, 16 parallel (default)", big, workdir))
        results.append(await kill_and_resume(kill, workdir))
    print(table(results))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (about a minute)")
    asyncio.run(main(parser.parse_args().quick))
