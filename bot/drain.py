"""`python -m bot.drain [--at ISO]`: send everything due with the real outbox sender, then exit.

The sender without the rest of the bot (no updates, no scheduler), for the kill-and-resume
test and the benchmarks. Settings from the environment; `--at` fixes the clock.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from datetime import datetime

from bot.app import build_application
from bot.delivery.claims import reclaim
from bot.delivery.sender import deliver_due
from handlers.context import Deps
from storage.clock import Clock, ManualClock, SystemClock
from storage.db import Database
from storage.settings import Settings, load_settings


async def drain(settings: Settings, clock: Clock) -> int:
    """Put back dead processes' sends, then pass until nothing is due; how many were sent."""
    db = Database(settings.database_url)
    application = build_application(Deps(settings=settings, db=db, clock=clock), features=[])
    sent = 0
    async with application:
        await reclaim(application)
        while sum((stats := await deliver_due(application)).counts.values()):
            sent += stats.counts.get("sent", 0)
    db.dispose()
    return sent


def main() -> None:
    """Run from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--at", type=datetime.fromisoformat, help="the clock's time (ISO)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    clock: Clock = ManualClock(args.at) if args.at else SystemClock()
    print(f"sent {asyncio.run(drain(load_settings(), clock))}", flush=True)


if __name__ == "__main__":
    main()
