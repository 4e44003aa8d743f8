"""Update handling: throughput and latency of kisbot commands vs a bare PTB echo bot.

    .venv/bin/python bench/updates.py [--db sqlite|postgresql] [--updates 2000]

The Bot API stand-in runs in this process; the bot under test runs as its own process
(`python -m bot run`, or bench/echo_bot.py for the floor), exactly as in production. Latency
is measured from an update entering the stand-in to the bot's reply leaving it (the reply
arriving at the stand-in); throughput from a burst of updates to the last reply.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import DEFAULT_PG, drop_pg, pg_database  # noqa: E402
from bot.sandbox.botapi import BotApiStandIn, SentMessage  # noqa: E402
from storage import people, sites  # noqa: E402
from storage.db import Database, upgrade  # noqa: E402

USERS = 64
STAFF_OFFSET = 1000
Update = Callable[[BotApiStandIn, int, int], dict]


def text_update(text: str, user_offset: int = 0) -> Update:
    """An update factory for a text message (a command when it starts with '/').

    user_offset picks another group of seeded people (STAFF_OFFSET: the coordinators)."""

    def make(api: BotApiStandIn, user_id: int, _i: int) -> dict:
        user_id += user_offset
        message = {"message_id": api.next_message_id(user_id), "date": api.now(), "text": text,
                   "chat": {"id": user_id, "type": "private", "first_name": "U"},
                   "from": {"id": user_id, "is_bot": False, "first_name": "U"}}
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": len(text.split()[0])}]
        return {"message": message}

    return make


@dataclass
class Figures:
    """One scenario's results."""

    name: str
    throughput: float
    p50_ms: float
    p99_ms: float


class Replies:
    """Resolves waiters when the bot's reply reaches the stand-in."""

    def __init__(self, api: BotApiStandIn) -> None:
        self.count = 0
        self.waiters: dict[int, asyncio.Future[float]] = {}
        self.target: tuple[int, asyncio.Future[float]] | None = None
        api.on_message.append(self.seen)

    def seen(self, message: SentMessage) -> None:
        """Observer called by the stand-in for every bot message."""
        now = time.perf_counter()
        self.count += 1
        waiter = self.waiters.pop(message.chat_id, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(now)
        if self.target and self.count >= self.target[0] and not self.target[1].done():
            self.target[1].set_result(now)


async def burst(api: BotApiStandIn, replies: Replies, make: Update, n: int) -> float:
    """Push n updates at once (users round robin); updates handled per second."""
    done: asyncio.Future[float] = asyncio.get_running_loop().create_future()
    replies.target = (replies.count + n, done)
    start = time.perf_counter()
    for i in range(n):
        api.push_update(make(api, 1 + i % USERS, i))
    end = await asyncio.wait_for(done, 120)
    return n / (end - start)


async def closed_loop(api: BotApiStandIn, replies: Replies, make: Update, n: int,
                      workers: int = 4) -> list[float]:
    """`workers` users each send, wait for the reply, send again; latencies in ms."""
    latencies: list[float] = []
    loop = asyncio.get_running_loop()

    async def worker(user_id: int) -> None:
        for i in range(n // workers):
            waiter: asyncio.Future[float] = loop.create_future()
            update = make(api, user_id, i)
            replies.waiters[update["message"]["chat"]["id"]] = waiter
            start = time.perf_counter()
            api.push_update(update)
            latencies.append((await asyncio.wait_for(waiter, 30) - start) * 1000)

    await asyncio.gather(*(worker(1 + w) for w in range(workers)))
    return latencies


def seed(url: str) -> None:
    """Migrate; add USERS PSU participants (Telegram ids 1..USERS) and USERS coordinators."""
    upgrade(url)
    db = Database(url)
    now = datetime.now(UTC)
    db.call(sites.import_sites, path=ROOT / "bot" / "data" / "work_sites_kedzierzyn_kozle.csv")
    site = db.call(sites.list_sites)[0].name
    for uid in range(1, USERS + 1):
        new = people.NewParticipant(number=str(uid), first_name="U", last_name="B", gender="K",
                                    phone=None, referred_on=date(2026, 1, 1), work_site=site)
        added = db.call(people.add_participant, new=new, actor="bench", now=now)
        with db.session() as s:
            row = s.get(type(added), added.id)
            row.telegram_user_id = uid  # type: ignore[union-attr]
        db.call(people.add_staff, name=f"K{uid}", roles=["coordinator"],
                telegram_user_id=STAFF_OFFSET + uid, phone=None, actor="bench", now=now)
    db.dispose()


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def run_bot(command: list[str], env: dict[str, str], api: BotApiStandIn,
                  scenarios: dict[str, Update], n: int) -> tuple[list[Figures], float, float]:
    """Start the bot process, measure each scenario, return figures and RSS idle/after."""
    proc = await asyncio.create_subprocess_exec(*command, env={**os.environ, **env}, cwd=ROOT,
                                                stdout=asyncio.subprocess.DEVNULL,
                                                stderr=asyncio.subprocess.DEVNULL)
    try:
        await api.wait_for(lambda: api.calls("getUpdates"), timeout=60, what="bot polling")
        replies = Replies(api)
        idle = rss_mb(proc.pid)
        out = []
        for name, make in scenarios.items():
            await closed_loop(api, replies, make, 100)  # warm-up
            throughput = await burst(api, replies, make, n)
            latencies = await closed_loop(api, replies, make, n // 2)
            q = statistics.quantiles(latencies, n=100)
            out.append(Figures(name, throughput, statistics.median(latencies), q[98]))
        return out, idle, rss_mb(proc.pid)
    finally:
        proc.terminate()
        await proc.wait()


async def main(db_kind: str, n: int) -> None:
    """Measure the echo floor and kisbot, print one table."""
    rows: list[Figures] = []
    memory = {}
    # Handling throughput, not Telegram's 30 messages/s: the stand-in's 429s are off and the
    # bot's overall ceiling is lifted (as a paid-broadcast bot's would be).
    with tempfile.TemporaryDirectory() as tmp:
        async with BotApiStandIn(enforce_limits=False) as api:
            env = {"TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_URL": api.url}
            echo, _, _ = await run_bot([sys.executable, "bench/echo_bot.py"], env, api,
                                       {"echo bot (floor)": text_update("hello")}, n)
            rows += echo
        admin = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_PG)
        url = f"sqlite:///{tmp}/bench.db" if db_kind == "sqlite" else pg_database(admin)
        if url is None:
            raise SystemExit("PostgreSQL is not reachable (set BENCH_POSTGRES_URL)")
        try:
            seed(url)
            async with BotApiStandIn(enforce_limits=False) as api:
                env = {"TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_URL": api.url,
                       "DATABASE_URL": url, "TELEGRAM_BULK_RATE": "100000"}
                ours, memory["idle"], memory["load"] = await run_bot(
                    [sys.executable, "-m", "bot", "run"], env, api,
                    {"/pomoc (participant)": text_update("/pomoc"),
                     "/godziny 4 (participant)": text_update("/godziny 4"),
                     "/podsumowanie (coordinator)": text_update("/podsumowanie", STAFF_OFFSET)}, n)
                rows += ours
        finally:
            if db_kind == "postgresql":
                drop_pg(admin, url)
    floor = rows[0].throughput
    print(f"\nUpdate handling, {n} updates per scenario, database: {db_kind}, "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(f"{'scenario':28} {'updates/s':>10} {'vs echo':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for r in rows:
        print(f"{r.name:28} {r.throughput:10.0f} {r.throughput / floor:8.0%} "
              f"{r.p50_ms:8.1f} {r.p99_ms:8.1f}")
    print(f"kisbot resident memory: idle {memory['idle']:.0f} MB, after load {memory['load']:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--updates", type=int, default=2000)
    args = parser.parse_args()
    asyncio.run(main(args.db, args.updates))
