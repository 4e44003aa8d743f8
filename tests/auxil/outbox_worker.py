"""A separate bot process draining the outbox (for the two-process test).

    python -m tests.auxil.outbox_worker DATABASE_URL API_URL TOKEN WORKER NOW_ISO

Builds the real application on its own engine and HTTP client, prints "ready", waits for a
line on stdin (so that both processes start together), drains the due messages with the real
sender and prints "sent N".
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime

from bot.app import build_application
from bot.delivery.sender import deliver_due
from handlers.context import Deps
from storage.clock import ManualClock
from storage.db import Database
from storage.settings import load_settings


async def drain(url: str, api_url: str, token: str, worker: str, now: datetime) -> int:
    """Send due messages until a pass finds none; the number this process sent."""
    settings = load_settings(None, telegram_bot_token=token, telegram_api_url=api_url,
                             database_url=url, telegram_bulk_rate=5000)
    db = Database(url)
    app = build_application(Deps(settings=settings, db=db, clock=ManualClock(now)))
    await app.bot.initialize()
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    sent = 0
    try:
        while sum((stats := await deliver_due(app, worker=worker, limit=50)).counts.values()):
            sent += stats.counts.get("sent", 0)
    finally:
        await app.bot.shutdown()
        db.dispose()
    return sent


def main() -> None:
    """Run one worker from the command line."""
    url, api_url, token, worker, now = sys.argv[1:6]
    sent = asyncio.run(drain(url, api_url, token, worker, datetime.fromisoformat(now)))
    print(f"sent {sent}", flush=True)


if __name__ == "__main__":
    main()
