"""The hot write paths in one process, per call: what the store costs without Telegram.

    .venv/bin/python bench/writes.py [--db sqlite|postgresql] [--calls 2000] [--profile FILE]

Times, on a fresh database, `Database.run` of the operations one update of bench/updates.py
makes: `identify` (an identity looked up), `log_hours` (/godziny 4: the same 64 people log
again and again, so most calls replace the day's entry) and `book_and_show` (a booking press,
each call another person and another free slot). Prints microseconds per call (median and
p99 of single calls, and the mean over the run). `--profile FILE`: cProfile of the whole run,
the top entries printed and the stats written to FILE.

The figures are the store's own cost; bench/updates.py measures the whole bot.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import DEFAULT_PG, drop_pg, pg_database  # noqa: E402
from bench.updates import BOOKER_OFFSET, USERS, seed  # noqa: E402
from storage import consultations, hours, people  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.hours_rules import Limits  # noqa: E402


async def timed(calls: int, make: Callable[[int], Awaitable[object]]) -> list[float]:
    """Microseconds of each of `calls` awaited calls (after 50 not counted)."""
    for i in range(50):
        await make(i)
    out = []
    for i in range(50, 50 + calls):
        start = time.perf_counter()
        await make(i)
        out.append((time.perf_counter() - start) * 1e6)
    return out


async def measure(db: Database, calls: int, first_slot: int, participant_ids: dict[int, int],
                  booker_ids: list[int]) -> dict[str, list[float]]:
    """Each operation's timings."""
    now = datetime.now(UTC)
    today = date.today()
    limits = Limits(day=Decimal(8), week=Decimal(1000), month=Decimal(1000))

    async def ident(i: int) -> object:
        return await db.run(people.identify, telegram_user_id=1 + i % USERS)

    async def log(i: int) -> object:
        return await db.run(hours.log_hours, participant_id=participant_ids[1 + i % USERS],
                            work_date=today, hours=Decimal(4 if i % 2 else 3), today=today,
                            limits=limits, backdate_days=7, now=now)

    async def press(i: int) -> object:
        return await db.run(consultations.book_and_show, participant_id=booker_ids[i],
                            slot_id=first_slot + i, now=now, max_upcoming=3)

    return {"identify": await timed(calls, ident), "log_hours": await timed(calls, log),
            "book_and_show": await timed(calls, press)}


def ids(db: Database) -> tuple[dict[int, int], list[int]]:
    """Participant ids by Telegram id (the 64 PSU people), and the bookers' ids in order."""
    from sqlmodel import col, select

    from storage.models import Participant

    with db.session() as s:
        rows = s.exec(select(Participant.telegram_user_id, Participant.id)
                      .where(col(Participant.telegram_user_id).is_not(None))).all()
    by_tg = {tg: pid for tg, pid in rows}
    bookers = [by_tg[tg] for tg in sorted(tg for tg in by_tg if tg >= BOOKER_OFFSET)]
    return {tg: pid for tg, pid in by_tg.items() if tg <= USERS}, bookers


def main(db_kind: str, calls: int, profile: Path | None) -> None:
    """Seed, measure, print."""
    admin = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_PG)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/writes.db" if db_kind == "sqlite" else pg_database(admin)
        if url is None:
            raise SystemExit("PostgreSQL is not reachable (set BENCH_POSTGRES_URL)")
        try:
            first_slot = seed(url, bookers=calls + 100)
            db = Database(url)
            participant_ids, bookers = ids(db)
            profiler = cProfile.Profile() if profile else None
            if profiler:
                profiler.enable()
            start = time.perf_counter()
            figures = asyncio.run(measure(db, calls, first_slot, participant_ids, bookers))
            total = time.perf_counter() - start
            if profiler:
                profiler.disable()
            db.dispose()
        finally:
            if db_kind == "postgresql":
                drop_pg(admin, url)
    print(f"\nStore operations, {calls} calls each, database: {db_kind} "
          f"(KIS_SQLITE_INLINE={os.environ.get('KIS_SQLITE_INLINE', '1')}), {total:.1f} s")
    print(f"{'operation':16} {'mean µs':>9} {'p50 µs':>9} {'p99 µs':>9}")
    for name, values in figures.items():
        q = statistics.quantiles(values, n=100)
        print(f"{name:16} {statistics.fmean(values):9.0f} {statistics.median(values):9.0f} "
              f"{q[98]:9.0f}")
    if profiler and profile:
        profiler.dump_stats(str(profile))
        pstats.Stats(str(profile)).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--profile", type=Path, help="write cProfile stats here")
    args = parser.parse_args()
    main(args.db, args.calls, args.profile)
