"""Scale beyond one club: 30,000 participants, two bot processes in webhook mode, one PostgreSQL.

    .venv/bin/python bench/scale.py [--participants 30000] [--people 1000] [--each 3]
                                    [--processes 2] [--spread sticky|round-robin]
                                    [--at-once 64] [--profile DIR]

A fresh PostgreSQL database (on BENCH_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432,
created and dropped like bench/report.py's) gets the work sites and `--participants` PSU
participants with linked Telegram accounts. `--processes` bot processes (`python -m bot run`,
PUBLIC_URL set: webhook mode, each on its own port) share it and one Bot API stand-in, which
this script runs. The script plays Telegram: `--people` of the participants, spread over all of
them, each send `--each` messages `/godziny 1`, `/godziny 2`, … in order (one POST to the
webhook after the other, as Telegram delivers a chat's updates; many people at once), to the
process a load balancer would pick: `sticky` (each person always to the same process, by a
hash of the chat id) or `round-robin` (each update to the next process).

It prints, per process, the updates it got, its throughput (updates over the time to its
last reply; sticky only, where each process owns its people) and its CPU time per update;
overall throughput and latency (POST to the reply reaching the stand-in); and whether
per-person order was kept: each person's replies must say 1, 2, … hours in the order sent,
each replacing the one before ("było 1 godzina, jest 2 godziny").
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import re
import signal
import statistics
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import DEFAULT_PG, drop_pg, pg_database  # noqa: E402
from bench.updates import cpu_seconds, rss_mb, start_profiler, top_entries  # noqa: E402
from bot.sandbox.botapi import BotApiStandIn, SentMessage  # noqa: E402
from storage import sites  # noqa: E402
from storage.db import Database, upgrade  # noqa: E402
from storage.models import Participant  # noqa: E402

SECRET = "bench-scale-secret"
FIRST_PORT = 18440
# "Zapisano 2 godziny za dziś" / "Zmieniono wpis za dziś: było 1 godzina, jest 2 godziny."
LOGGED = re.compile(r"(?:było (\d+) godz\w*, )?(?:Zapisano|jest) (\d+) godz")


def seed(url: str, participants: int) -> None:
    """Migrate; the work sites; `participants` PSU participants with Telegram ids 1..N."""
    upgrade(url)
    db = Database(url)
    try:
        db.call(sites.import_sites, path=ROOT / "bot" / "data" / "work_sites_kedzierzyn_kozle.csv")
        site_ids = [s.id for s in db.call(sites.list_sites)]
        now = datetime.now(UTC)
        table = Participant.__table__  # type: ignore[attr-defined]
        columns = [c.name for c in table.c if c.name != "id"]
        with db.engine.begin() as conn:
            for start in range(0, participants, 5000):
                rows = []
                for k in range(start + 1, min(participants, start + 5000) + 1):
                    person = Participant(number=str(k), first_name="U", last_name="B", gender="K",
                                         referred_on=date(2026, 1, 1), telegram_user_id=k,
                                         work_site_id=site_ids[k % len(site_ids)], created_at=now)
                    rows.append({c: getattr(person, c) for c in columns})
                conn.execute(table.insert(), rows)
            conn.exec_driver_sql("ANALYZE")
    finally:
        db.dispose()


@dataclass
class Person:
    """One participant's conversation: when each message was sent and what came back."""

    user_id: int
    process: list[int] = field(default_factory=list)  # which process got each message
    sent: list[float] = field(default_factory=list)
    replies: list[tuple[float, str]] = field(default_factory=list)

    def in_order(self, each: int) -> bool:
        """Replies say 1, 2, … hours in turn, each replacing the one before."""
        said = [LOGGED.search(text) for _, text in self.replies]
        if len(said) != each or any(m is None for m in said):
            return False
        return all(int(m[2]) == k + 1 and (m[1] is None if k == 0 else int(m[1]) == k)
                   for k, m in enumerate(said))  # type: ignore[index]


def message(update_id: int, user_id: int, text: str) -> dict:
    """A Telegram update carrying a command from a private chat."""
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text,
        "chat": {"id": user_id, "type": "private", "first_name": "U"},
        "from": {"id": user_id, "is_bot": False, "first_name": "U"},
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]}}


async def start_bots(api: BotApiStandIn, url: str, count: int,
                     logs: Path) -> list[asyncio.subprocess.Process]:
    """`count` bot processes in webhook mode, each on FIRST_PORT + i, their logs in
    logs/process<i>.log; waits until they serve (a process that does not: its log's end)."""
    procs = []
    for i in range(count):
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_URL": api.url,
               "DATABASE_URL": url, "TELEGRAM_BULK_RATE": "100000", "BACKUP_DIR": "",
               "PUBLIC_URL": f"http://127.0.0.1:{FIRST_PORT + i}", "WEBHOOK_HOST": "127.0.0.1",
               "WEBHOOK_PORT": str(FIRST_PORT + i), "WEBHOOK_SECRET": SECRET}
        with (logs / f"process{i}.log").open("w") as log:
            procs.append(await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", env=env, cwd=ROOT,
                stdout=asyncio.subprocess.DEVNULL, stderr=log))
    try:
        await api.wait_for(lambda: len(api.calls("setWebhook")) >= count, timeout=90,
                           what="every bot registered its webhook")
    except AssertionError:
        for i, proc in enumerate(procs):
            if proc.returncode is None:
                proc.terminate()
            await proc.wait()
            tail = (logs / f"process{i}.log").read_text().splitlines()[-15:]
            print(f"process {i} (exit {proc.returncode}):", *tail, sep="\n  ", file=sys.stderr)
        raise
    return procs


async def converse(client: httpx.AsyncClient, api: BotApiStandIn, people: list[Person],
                   each: int, processes: int, spread: str, at_once: int) -> None:
    """Every person sends their messages in order; `at_once` people at a time."""
    update_ids = itertools.count(1)
    turn = itertools.count()
    gate = asyncio.Semaphore(at_once)

    async def one(person: Person) -> None:
        async with gate:
            for k in range(1, each + 1):
                target = (zlib.crc32(b"%d" % person.user_id) % processes if spread == "sticky"
                          else next(turn) % processes)
                update = message(next(update_ids), person.user_id, f"/godziny {k}")
                api.person_wrote(person.user_id)
                person.process.append(target)
                person.sent.append(time.perf_counter())
                answer = await client.post(f"http://127.0.0.1:{FIRST_PORT + target}/telegram",
                                           json=update,
                                           headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
                answer.raise_for_status()

    await asyncio.gather(*(one(p) for p in people))


async def run(participants: int, chosen: int, each: int, processes: int, spread: str,
              at_once: int, profile: Path | None = None) -> None:
    """Seed, start the bots, converse, print the figures."""
    admin = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_PG)
    url = pg_database(admin)
    if url is None:
        raise SystemExit("PostgreSQL is not reachable (set BENCH_POSTGRES_URL)")
    try:
        started = time.perf_counter()
        seed(url, participants)
        print(f"seeded {participants} participants in {time.perf_counter() - started:.1f} s")
        step = max(1, participants // chosen)
        people = {uid: Person(uid) for uid in range(1, participants + 1, step)[:chosen]}
        logs = tempfile.mkdtemp(prefix="kisbot-scale-")  # the bots' logs, kept for a look
        print(f"the bots' logs: {logs}")
        async with BotApiStandIn(enforce_limits=False) as api:

            def seen(msg: SentMessage) -> None:
                person = people.get(msg.chat_id)
                if person is not None:
                    person.replies.append((time.perf_counter(), msg.text or ""))
                    if sum(len(p.replies) for p in people.values()) >= len(people) * each:
                        api.notify()

            api.on_message.append(seen)
            procs = await start_bots(api, url, processes, Path(logs))
            try:
                spies = []
                if profile is not None:
                    spies = [await start_profiler(p.pid, profile / f"process{i}.txt")
                             for i, p in enumerate(procs)]
                    await asyncio.sleep(0.5)  # attached
                cpu = [cpu_seconds(p.pid) for p in procs]
                limits = httpx.Limits(max_connections=at_once, max_keepalive_connections=at_once)
                async with httpx.AsyncClient(limits=limits, timeout=60) as client:
                    start = time.perf_counter()
                    await converse(client, api, list(people.values()), each, processes, spread,
                                   at_once)
                    total = len(people) * each
                    await api.wait_for(
                        lambda: sum(len(p.replies) for p in people.values()) >= total,
                        timeout=600, what="every reply")
                    end = max(t for p in people.values() for t, _ in p.replies)
                cpu = [cpu_seconds(p.pid) - c for p, c in zip(procs, cpu, strict=True)]
                memory = [rss_mb(p.pid) for p in procs]
                for i, spy in enumerate(spies):
                    spy.send_signal(signal.SIGINT)
                    await spy.wait()
                    print(f"\nprofile of process {i}:",
                          *top_entries(profile / f"process{i}.txt"), sep="\n  ")  # type: ignore[operator]
            finally:
                for proc in procs:
                    proc.terminate()
                for proc in procs:
                    await proc.wait()
        report(list(people.values()), each, processes, spread, start, end, cpu, memory,
               participants)
    finally:
        drop_pg(admin, url)


def report(people: list[Person], each: int, processes: int, spread: str, start: float,
           end: float, cpu: list[float], memory: list[float], participants: int) -> None:
    """Print the table."""
    total = len(people) * each
    latencies = [(reply[0] - sent) * 1000 for p in people
                 for sent, reply in zip(p.sent, sorted(p.replies), strict=False)]
    q = statistics.quantiles(latencies, n=100)
    print(f"\n{participants} participants in PostgreSQL, {len(people)} of them writing "
          f"{each} messages each ({total} updates), {processes} bot processes in webhook "
          f"mode, routing: {spread}; {os.cpu_count()} CPUs")
    print(f"{'process':>8} {'updates':>8} {'updates/s':>10} {'CPU ms/update':>14} {'RSS MB':>7}")
    for i in range(processes):
        got = sum(1 for p in people for target in p.process if target == i)
        if spread == "sticky":
            mine = [t for p in people if p.process and p.process[0] == i for t, _ in p.replies]
            rate = f"{got / (max(mine) - start):10.0f}" if mine else f"{'-':>10}"
        else:
            rate = f"{'-':>10}"
        print(f"{i:>8} {got:>8} {rate} {cpu[i] * 1000 / max(got, 1):14.2f} {memory[i]:7.0f}")
    kept = sum(p.in_order(each) for p in people)
    print(f"all processes: {total / (end - start):.0f} updates/s; latency p50 "
          f"{statistics.median(latencies):.1f} ms, p99 {q[98]:.1f} ms")
    print(f"per-person order kept for {kept} of {len(people)} people "
          f"({'yes' if kept == len(people) else 'NO'})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=30_000)
    parser.add_argument("--people", type=int, default=1000, help="how many of them write")
    parser.add_argument("--each", type=int, default=3, help="messages per person (at most 8)")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--spread", choices=["sticky", "round-robin"], default="sticky")
    parser.add_argument("--at-once", type=int, default=64, help="people writing at the same time")
    parser.add_argument("--profile", type=Path, help="write py-spy profiles of the bots here")
    args = parser.parse_args()
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    if not 1 <= args.each <= 8:
        parser.error("--each: 1 to 8 (the day's limit is 8 hours)")
    asyncio.run(run(args.participants, args.people, args.each, args.processes, args.spread,
                    args.at_once, args.profile))
