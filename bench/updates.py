"""Update handling: throughput and latency of kisbot commands vs a bare PTB echo bot.

    .venv/bin/python bench/updates.py [--db sqlite|postgresql] [--updates 2000] [--profile DIR]
                                      [--tracemalloc DIR] [--trace DIR]

`--tracemalloc DIR`: the bot runs under tracemalloc (bench/traced_bot.py); the snapshots
taken idle and after the load are compared and the lines that grew most printed.

`--trace DIR`: the bot runs with a latency trace (bench/trace_bot.py, bench/tracing.py): for
each kisbot scenario's closed loop, the gaps between the steps of each update (pushed, fetched
by the poll, queued, its turn, each store call, each Bot API call leaving and reaching the
stand-in, the reply seen) and the slowest updates step by step are printed. The trace costs
CPU of its own: read the figures of a traced run for the trace only.

`--profile DIR`: py-spy samples the bot process during each kisbot scenario (its burst and
closed loop) into DIR/<scenario>.txt (collapsed stacks) and the top entries are printed.

The Bot API stand-in runs in this process; the bot under test runs as its own process
(`python -m bot run`, or bench/echo_bot.py for the floor), exactly as in production. Latency
is measured from an update entering the stand-in to the bot's reply leaving it (the reply
arriving at the stand-in); throughput from a burst of updates to the last reply. Before each
scenario's measured updates this process freezes its heap (gc.freeze): the stand-in records
everything, and a pass of its collector over that history stalled the replies of the bot.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import os
import re
import signal
import statistics
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Protocol

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func  # noqa: E402
from sqlmodel import select  # noqa: E402

from bench.report import DEFAULT_PG, drop_pg, pg_database  # noqa: E402
from bench.tracing import BenchTrace, bot_steps, report  # noqa: E402
from bot.sandbox.botapi import BotApiStandIn, SentMessage  # noqa: E402
from storage import people, sites  # noqa: E402
from storage.db import Database, upgrade  # noqa: E402
from storage.models import Booking, Participant, Service, Slot  # noqa: E402

USERS = 64
STAFF_OFFSET = 1000
BOOKER_OFFSET = 100_000  # Telegram ids of the people who each book one slot
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


def booking_press(first_slot: int, first: int = 0) -> Update:
    """An update factory for a press of 'Tak, umawiam' (bk:ok:SLOT): each press is another
    person, never seen by the bot, booking another free slot (a real booking, with its locks
    and audit entry). `first`: the first of the seeded bookers (and slots) to use.

    The pressed message is put in the stand-in's chat first (the bot edits it)."""
    counter = itertools.count(first)

    def make(api: BotApiStandIn, _user_id: int, _i: int) -> dict:
        k = next(counter)
        return _press(api, k, f"bk:ok:{first_slot + k}", _shown(api, k), f"q{k}")

    return make


class PreparedUpdate(Protocol):
    """An update factory with an unmeasured step before each update (`prepare`, whose reply
    is awaited before the measured updates go)."""

    prepare: Update

    def __call__(self, api: BotApiStandIn, user_id: int, i: int) -> dict: ...


def booking_press_known(first_slot: int, first: int) -> PreparedUpdate:
    """'Tak, umawiam' as a person presses it: after choosing the time (bk:t:SLOT), the step
    that shows the question with this button. The time presses are the unmeasured `prepare`
    steps, each person's a moment before their confirmation (all of a burst's first, in the
    same order), so the bot has seen the person as it would have; the confirmation presses
    the message the bot edited into the question."""
    counter = itertools.count(first)
    asked: deque[tuple[int, SentMessage]] = deque()

    def prepare(api: BotApiStandIn, _user_id: int, _i: int) -> dict:
        k = next(counter)
        shown = _shown(api, k)
        asked.append((k, shown))
        return _press(api, k, f"bk:t:{first_slot + k}", shown, f"t{k}")

    def make(api: BotApiStandIn, _user_id: int, _i: int) -> dict:
        k, question = asked.popleft()
        return _press(api, k, f"bk:ok:{first_slot + k}", question, f"q{k}")

    make.prepare = prepare  # type: ignore[attr-defined]
    return make  # type: ignore[return-value]


def _shown(api: BotApiStandIn, k: int) -> SentMessage:
    """A message of the bot's in booker k's chat, for their press to edit."""
    user_id = BOOKER_OFFSET + k
    shown = SentMessage(chat_id=user_id, message_id=api.next_message_id(user_id),
                        date=int(api.now()), text="?")
    api.chat(user_id).append(shown)
    return shown


def _press(api: BotApiStandIn, k: int, data: str, shown: SentMessage, query_id: str) -> dict:
    """Booker k's press of a button with `data` under the message `shown`."""
    user_id = BOOKER_OFFSET + k
    return {"callback_query": {
        "id": query_id, "data": data, "chat_instance": f"c{user_id}",
        "from": {"id": user_id, "is_bot": False, "first_name": "U"},
        "message": api.message_json(shown)}}


def chat_of(update: dict) -> int:
    """The chat an update comes from (a message's or a pressed button's)."""
    if "message" in update:
        return update["message"]["chat"]["id"]
    return update["callback_query"]["message"]["chat"]["id"]


@dataclass
class Figures:
    """One scenario's results."""

    name: str
    throughput: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float  # the bot process's CPU time (user + system) per update


class Replies:
    """Resolves waiters when the bot's reply reaches the stand-in."""

    def __init__(self, api: BotApiStandIn, trace: BenchTrace | None = None) -> None:
        self.count = 0
        self.trace = trace
        self.waiters: dict[int, asyncio.Future[float]] = {}
        self.target: tuple[int, asyncio.Future[float]] | None = None
        api.on_message.append(self.seen)
        apply_edit = api._apply_edit  # an edit is a reply too (the stand-in observes sends)

        def edited(msg: SentMessage, *args: object, **kwargs: object) -> dict:
            result = apply_edit(msg, *args, **kwargs)
            self.seen(msg)
            return result

        api._apply_edit = edited  # type: ignore[method-assign]

    def seen(self, message: SentMessage) -> None:
        """Observer called by the stand-in for every bot message."""
        now = time.perf_counter()
        self.count += 1
        if self.trace is not None:
            self.trace.seen(message.chat_id, now)
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


async def prepared(api: BotApiStandIn, replies: Replies, make: Update, n: int) -> None:
    """Push n of the scenario's unmeasured steps (if it has them) and wait for their replies."""
    prepare = getattr(make, "prepare", None)
    if prepare is None:
        return
    done: asyncio.Future[float] = asyncio.get_running_loop().create_future()
    replies.target = (replies.count + n, done)
    for i in range(n):
        api.push_update(prepare(api, 1 + i % USERS, i))
    await asyncio.wait_for(done, 120)


async def closed_loop(api: BotApiStandIn, replies: Replies, make: Update, n: int,
                      workers: int = 4) -> list[float]:
    """`workers` users each send, wait for the reply, send again; latencies in ms."""
    latencies: list[float] = []
    loop = asyncio.get_running_loop()

    async def worker(user_id: int) -> None:
        for i in range(n // workers):
            waiter: asyncio.Future[float] = loop.create_future()
            update = make(api, user_id, i)
            replies.waiters[chat_of(update)] = waiter
            start = time.perf_counter()
            api.push_update(update)
            latencies.append((await asyncio.wait_for(waiter, 30) - start) * 1000)

    await asyncio.gather(*(worker(1 + w) for w in range(workers)))
    return latencies


def seed(url: str, bookers: int) -> int:
    """Migrate; add USERS PSU participants (Telegram ids 1..USERS), USERS coordinators, and
    `bookers` participants with as many free psychologist slots; the first slot's id."""
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
    psychologist = db.call(people.add_staff, name="P", roles=["psychologist"],
                           telegram_user_id=None, phone=None, actor="bench", now=now)
    start = now.replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    with db.session() as s:
        s.add_all(Participant(number=f"B{k}", first_name="U", last_name="B", gender="K",
                              referred_on=date(2026, 1, 1), telegram_user_id=BOOKER_OFFSET + k,
                              created_at=now) for k in range(bookers))
        slots = [Slot(staff_id=psychologist.id, service=Service.psychologist, minutes=30,
                      starts_at=start + timedelta(minutes=30 * k), created_at=now)
                 for k in range(bookers)]
        s.add_all(slots)
        s.flush()
        first_slot = min(slot.id for slot in slots)  # type: ignore[type-var]
    db.dispose()
    return first_slot


def booked(url: str) -> int:
    """How many bookings the database holds (each booking press should have made one)."""
    db = Database(url)
    try:
        with db.session() as s:
            return s.exec(select(func.count()).select_from(Booking)).one()
    finally:
        db.dispose()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def start_profiler(pid: int, out: Path) -> asyncio.subprocess.Process:
    """py-spy sampling a process (all threads, active samples only) until SIGINT."""
    spy = Path(sys.executable).with_name("py-spy")
    return await asyncio.create_subprocess_exec(
        str(spy), "record", "--pid", str(pid), "--format", "raw", "--rate", "250",
        "--nonblocking", "--threads", "-o", str(out), stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL)


def top_entries(collapsed: Path, count: int = 10) -> list[str]:
    """From py-spy's collapsed stacks: the share of samples per thread, the project's
    functions that take most (inclusive) and the functions that are on top most (self)."""
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    threads: dict[str, int] = {}
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        if not samples.isdigit():  # a stack torn by a non-blocking read
            continue
        n = int(samples)
        total += n
        thread, *frames = stack.split(";")
        threads[thread] = threads.get(thread, 0) + n
        names = [re.sub(r":\d+\)$", ")", frame) for frame in frames]  # per function
        for name in dict.fromkeys(names):
            inclusive[name] = inclusive.get(name, 0) + n
        if names:
            own[names[-1]] = own.get(names[-1], 0) + n
    ours = ("(handlers/", "(storage/", "(bot/")

    def share(items: dict[str, int], keep: Callable[[str], bool]) -> list[str]:
        ranked = sorted(((k, v) for k, v in items.items() if keep(k)), key=lambda kv: -kv[1])
        return [f"{v / total:6.1%}  {k}" for k, v in ranked[:count]]

    return [f"{total} samples; threads: " + ", ".join(
                f"{t.partition(': ')[2]} {v / total:.0%}" for t, v in threads.items()),
            "project functions (inclusive):",
            *share(inclusive, lambda k: any(o in k for o in ours) and not any(
                x in k for x in ("metrics.py", "bot/cli", "bot/__main__"))),
            "on top of the stack (self):", *share(own, lambda _k: True)]


async def traced(proc: asyncio.subprocess.Process, where: Path) -> Path:
    """Ask the traced bot for a tracemalloc snapshot; its file."""
    ready = where / "ready"
    ready.unlink(missing_ok=True)
    taken = len(list(where.glob("snapshot*.pickle")))
    proc.send_signal(signal.SIGUSR1)
    for _ in range(600):
        if ready.exists():
            return where / f"snapshot{taken}.pickle"
        await asyncio.sleep(0.05)
    raise TimeoutError("no tracemalloc snapshot")


def grown(before: Path, after: Path, count: int = 12) -> list[str]:
    """The lines whose allocations grew most between two snapshots."""
    import tracemalloc

    old, new = tracemalloc.Snapshot.load(str(before)), tracemalloc.Snapshot.load(str(after))
    total = sum(s.size for s in new.statistics("filename")) - sum(
        s.size for s in old.statistics("filename"))
    lines = [f"traced Python memory grew {total / 2**20:.1f} MB; most by line:"]
    for stat in new.compare_to(old, "lineno")[:count]:
        frame = stat.traceback[0]
        lines.append(f"{stat.size_diff / 2**20:+7.2f} MB {stat.count_diff:+7d} blocks  "
                     f"{frame.filename.replace(str(ROOT) + '/', '')}:{frame.lineno}")
    return lines


async def run_bot(command: list[str], env: dict[str, str], api: BotApiStandIn,
                  scenarios: dict[str, Update], n: int, profile: Path | None = None,
                  trace: Path | None = None,
                  latency: Path | None = None) -> tuple[list[Figures], float, float]:
    """Start the bot process, measure each scenario, return figures and RSS idle/after."""
    proc = await asyncio.create_subprocess_exec(*command, env={**os.environ, **env}, cwd=ROOT,
                                                stdout=asyncio.subprocess.DEVNULL,
                                                stderr=asyncio.subprocess.DEVNULL)
    try:
        await api.wait_for(lambda: api.calls("getUpdates"), timeout=60, what="bot polling")
        replies = Replies(api, BenchTrace(api) if latency is not None else None)
        idle = rss_mb(proc.pid)
        first = await traced(proc, trace) if trace is not None else None
        out = []
        for name, make in scenarios.items():
            await prepared(api, replies, make, 100)
            await closed_loop(api, replies, make, 100)  # warm-up
            spy = None
            if profile is not None:
                samples = profile / (re.sub(r"\W+", "_", name).strip("_") + ".txt")
                spy = await start_profiler(proc.pid, samples)
                await asyncio.sleep(0.5)  # attached
            await prepared(api, replies, make, n)
            # This process is the stand-in: what it recorded so far (every request, every chat)
            # out of its collector's passes, which otherwise stopped it for 80-125 ms in the
            # booking scenarios (bench/updates.py --trace), the bot's p99 there.
            gc.collect()
            gc.freeze()
            cpu = cpu_seconds(proc.pid)
            throughput = await burst(api, replies, make, n)
            cpu = cpu_seconds(proc.pid) - cpu
            await prepared(api, replies, make, n // 2)
            first_id = api._next_update_id
            start_cpu = cpu_seconds(proc.pid)
            latencies = await closed_loop(api, replies, make, n // 2)
            cpu_ms = (cpu + cpu_seconds(proc.pid) - start_cpu) * 1000 / (n + len(latencies))
            if spy is not None:
                spy.send_signal(signal.SIGINT)
                await spy.wait()
                print(f"\nprofile of {name}:", *top_entries(samples), sep="\n  ")
            if latency is not None and replies.trace is not None:
                steps = replies.trace.steps + await bot_steps(proc, latency)
                replies.trace.steps.clear()
                print(f"\nlatency trace of {name} (closed loop):",
                      *report(steps, set(range(first_id, api._next_update_id))), sep="\n  ")
            q = statistics.quantiles(latencies, n=100)
            out.append(Figures(name, throughput, statistics.median(latencies), q[98], cpu_ms))
        if trace is not None and first is not None:
            print("", *grown(first, await traced(proc, trace)), sep="\n  ")
        return out, idle, rss_mb(proc.pid)
    finally:
        proc.terminate()
        await proc.wait()


async def main(db_kind: str, n: int, profile: Path | None = None,
               trace: Path | None = None, latency: Path | None = None) -> None:
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
        async with BotApiStandIn(enforce_limits=False) as api:
            env = {"TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_URL": api.url,
                   "ECHO_CLIENT": "kisbot"}
            echo, _, _ = await run_bot([sys.executable, "bench/echo_bot.py"], env, api,
                                       {"echo, kisbot's client": text_update("hello")}, n)
            rows += echo
        admin = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_PG)
        url = f"sqlite:///{tmp}/bench.db" if db_kind == "sqlite" else pg_database(admin)
        if url is None:
            raise SystemExit("PostgreSQL is not reachable (set BENCH_POSTGRES_URL)")
        try:
            each = 100 + n + n // 2  # bookers (and slots) per booking scenario
            first_slot = seed(url, bookers=2 * each)
            async with BotApiStandIn(enforce_limits=False) as api:
                env = {"TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_URL": api.url,
                       "DATABASE_URL": url, "TELEGRAM_BULK_RATE": "100000", "BACKUP_DIR": ""}
                command = [sys.executable, "-m", "bot", "run"]
                if trace is not None:
                    command = [sys.executable, "bench/traced_bot.py"]
                    env["KIS_TRACEMALLOC_DIR"] = str(trace)
                if latency is not None:
                    command = [sys.executable, "bench/trace_bot.py"]
                    env["KIS_TRACE_DIR"] = str(latency)
                ours, memory["idle"], memory["load"] = await run_bot(
                    command, env, api,
                    {"/pomoc (participant)": text_update("/pomoc"),
                     "/godziny 4 (participant)": text_update("/godziny 4"),
                     "booking press (participant)": booking_press(first_slot),
                     "booking press, known person": booking_press_known(first_slot, each),
                     "/podsumowanie (coordinator)": text_update("/podsumowanie", STAFF_OFFSET)},
                    n, profile, trace, latency)
                bookings = booked(url)
                rows += ours
        finally:
            if db_kind == "postgresql":
                drop_pg(admin, url)
    floor, same = rows[0].throughput, rows[1].throughput
    print(f"\nUpdate handling, {n} updates per scenario, database: {db_kind}, "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(f"{'scenario':28} {'updates/s':>10} {'vs echo':>8} {'vs same':>8} {'p50 ms':>8} "
          f"{'p99 ms':>8} {'CPU ms':>7}")
    for r in rows:
        print(f"{r.name:28} {r.throughput:10.0f} {r.throughput / floor:8.0%} "
              f"{r.throughput / same:8.0%} {r.p50_ms:8.1f} {r.p99_ms:8.1f} {r.cpu_ms:7.2f}")
    print("(vs echo: the bare PTB echo bot, httpx; vs same: the echo bot on kisbot's aiohttp "
          "client; CPU ms: the bot process's CPU time per update, burst and closed loop)")
    print(f"kisbot resident memory: idle {memory['idle']:.0f} MB, after load {memory['load']:.0f} MB")
    print(f"bookings made by the presses: {bookings} of {2 * (100 + n + n // 2)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--profile", type=Path, help="write py-spy profiles here")
    parser.add_argument("--tracemalloc", type=Path, help="write tracemalloc snapshots here")
    parser.add_argument("--trace", type=Path, help="write the bot's latency trace here")
    args = parser.parse_args()
    if args.trace and args.tracemalloc:
        parser.error("--trace and --tracemalloc each run the bot their own way: pick one")
    for folder in (args.profile, args.tracemalloc, args.trace):
        if folder:
            folder.mkdir(parents=True, exist_ok=True)
    asyncio.run(main(args.db, args.updates, args.profile, args.tracemalloc, args.trace))
