"""Send due and interrupted broadcasts without the rest of the bot, then exit.

`python -m bot.broadcasts.standalone` (settings from the environment). Used by the
kill-and-resume test and the benchmark to run the sender in its own process.
"""

from __future__ import annotations

import asyncio
import logging

from bot.app import build_application
from bot.broadcasts.runner import broadcast_tick, tasks
from handlers.context import Deps
from storage.clock import SystemClock
from storage.db import Database
from storage.settings import load_settings


async def send_pending() -> int:
    """Run every broadcast that is due or being sent to the end; how many ran."""
    settings = load_settings()
    db = Database(settings.database_url)
    application = build_application(Deps(settings=settings, db=db, clock=SystemClock()),
                                    features=[])
    async with application:
        started = await broadcast_tick(application, SystemClock().now())
        await asyncio.gather(*tasks(application).values())
    db.dispose()
    return len(started)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(send_pending())
