"""Benchmark: 10,000 due reminders handed to the Telegram stand-in.

    .venv/bin/python -m bench.reminders [--count 10000] [--pg URL | --no-pg] [--enforced 500]

Inserts `count` due reminder rows (one per participant), then drains them with the real
outbox sender (`bot.delivery.sender.deliver_due`, claim → send → finish) through the real PTB
bot against the Bot API stand-in (in-process, limits not enforced, bulk pacing raised so that
the sender itself is measured), and compares in the same run with a naive sender (one row per
transaction, one send at a time). Prints the time until all are handed over, messages per
second and how late the latest one is (its send time minus its due time).

A last row (`--enforced N`, default 500) runs kisbot's sender as in production: bulk pacing
at TELEGRAM_BULK_RATE (25/s) against a stand-in that enforces Telegram's limits (30/s overall,
1/s per chat; 429 beyond), and counts the 429s it provoked.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime

from sqlmodel import SQLModel, select

from bench.report import drop_pg, pg_database
from bot.app import build_application
from bot.delivery.sender import deliver_due
from bot.sandbox.botapi import BotApiStandIn
from handlers.context import Deps
from storage import outbox
from storage.clock import SystemClock
from storage.db import Database, upgrade
from storage.models import OutboxMessage
from storage.settings import load_settings

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"


def seed(db: Database, count: int, due: datetime) -> None:
    """`count` participants on Telegram, each with one due reminder."""
    people = [{"id": i, "number": str(i), "first_name": "P", "last_name": "B", "gender": "K",
               "telegram_user_id": 100_000 + i, "referred_on": due.date(), "created_at": due,
               "sms_opt_out": False, "reminders_opt_out": False, "blocked_bot": False}
              for i in range(1, count + 1)]
    rows = [{"dedupe_key": f"reminder:{i}", "kind": "reminder", "channel": "telegram",
             "participant_id": i, "chat_id": 100_000 + i, "text": "Przypomnienie: jutro 10:00",
             "due_at": due, "next_attempt_at": due, "status": "pending", "attempts": 0,
             "created_at": due} for i in range(1, count + 1)]
    with db.engine.begin() as conn:
        conn.execute(SQLModel.metadata.tables["participants"].insert(), people)
        conn.execute(SQLModel.metadata.tables["outbox"].insert(), rows)


async def naive(app, db: Database) -> None:
    """Baseline: one due row per transaction, sent one at a time."""
    while True:
        [row] = db.call(outbox.claim_due, now=datetime.now(UTC), worker="naive", limit=1) or [None]
        if row is None:
            return
        await app.bot.send_message(row.chat_id, row.text)
        db.call(outbox.finish, message_id=row.id, status="sent", now=datetime.now(UTC))


async def ours(app, db: Database) -> None:
    """kisbot's sender: passes claiming 200 at a time, SEND_CONCURRENCY sends in flight."""
    while sum((await deliver_due(app, limit=200)).counts.values()):
        pass


async def measure(name: str, url: str, count: int, sender, enforce: bool = False) -> dict:
    """Seed, drain, and time one sender on one database (enforce: production pacing and limits)."""
    upgrade(url)
    db = Database(url)
    due = datetime.now(UTC)
    seed(db, count, due)
    async with BotApiStandIn(enforce_limits=enforce) as api:
        for i in range(1, count + 1):
            api.opened_chat(100_000 + i)  # every recipient linked their account
        rate = {} if enforce else {"telegram_bulk_rate": 100_000}
        settings = load_settings(None, telegram_bot_token=api.token, telegram_api_url=api.url,
                                 database_url=url, **rate)
        app = build_application(Deps(settings=settings, db=db, clock=SystemClock()))
        await app.bot.initialize()
        start = time.perf_counter()
        await sender(app, db)
        seconds = time.perf_counter() - start
        await app.bot.shutdown()
        delivered = sum(len(api.chat(100_000 + i)) for i in range(1, count + 1))
        too_many = api.count_429
    with db.session() as s:
        last = max(s.exec(select(OutboxMessage.sent_at)).all(), key=lambda t: t or due)
    db.dispose()
    return {"name": name, "seconds": seconds, "rate": count / seconds, "delivered": delivered,
            "late": (last - due).total_seconds() if last else float("nan"), "429": too_many,
            "count": count}


async def main(count: int, pg: str | None, enforced: int) -> None:
    """Both senders on SQLite, and on PostgreSQL when reachable; then production pacing."""
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, sender in (("naive, one at a time", naive), ("kisbot sender", ours)):
            results.append(("SQLite", await measure(label, f"sqlite:///{tmp}/{sender.__name__}.db",
                                                    count, sender)))
        if enforced:
            results.append(("SQLite", await measure("kisbot, limits enforced",
                                                    f"sqlite:///{tmp}/enforced.db", enforced,
                                                    ours, enforce=True)))
    if pg:
        for label, sender in (("naive, one at a time", naive), ("kisbot sender", ours)):
            url = pg_database(pg)
            if url is None:
                break
            try:
                results.append(("PostgreSQL", await measure(label, url, count, sender)))
            finally:
                drop_pg(pg, url)
    print("\nDue reminders → Telegram stand-in (in-process; Telegram's limits enforced, and bulk"
          " sends paced at TELEGRAM_BULK_RATE, only in the 'limits enforced' row)")
    print(f"{'database':<12}{'sender':<25}{'count':>7}{'seconds':>9}{'msg/s':>9}"
          f"{'latest late s':>15}{'delivered':>11}{'429s':>6}")
    for backend, r in results:
        print(f"{backend:<12}{r['name']:<25}{r['count']:>7}{r['seconds']:>9.1f}{r['rate']:>9.0f}"
              f"{r['late']:>15.1f}{r['delivered']:>11}{r['429']:>6}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--pg", default=DEFAULT_PG)
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--enforced", type=int, default=500,
                        help="reminders sent with production pacing and limits (0: skip)")
    args = parser.parse_args()
    asyncio.run(main(args.count, None if args.no_pg else args.pg, args.enforced))
