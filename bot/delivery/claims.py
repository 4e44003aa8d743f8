"""Who is sending what: one worker id per process, and putting back the sends of dead ones.

Claims and resume: each process has its own worker id (host:pid:random, never reused by a
restarted process). While a pass runs it refreshes claimed_at of its rows every
HEARTBEAT_SECONDS. `reclaim` (at start, then every RECLAIM_SECONDS) puts back, to be sent
again: rows of a worker on this host whose process no longer exists (a restart after kill -9
resumes at once), and rows of any worker whose claimed_at is older than STUCK_AFTER (another
host that died: about a minute). A live process keeps its rows: its pid exists, and its
heartbeat keeps claimed_at fresh. A reused pid only means waiting for STUCK_AFTER. This
assumes processes on different machines sharing one database have different host names
(as containers and pods do).
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import timedelta

from telegram.ext import Application

from handlers.context import deps_of
from storage import outbox

STUCK_AFTER = timedelta(seconds=60)
HEARTBEAT_SECONDS = 10.0
RECLAIM_SECONDS = 15


def worker_id(application: Application) -> str:
    """This process's worker name (unique per process start)."""
    name = application.bot_data.get("outbox_worker")
    if name is None:
        name = f"{socket.gethostname()[:30]}:{os.getpid()}:{secrets.token_hex(4)}"
        application.bot_data["outbox_worker"] = name
    return name


def dead_here(workers: list[str]) -> list[str]:
    """Workers of this host whose process is gone (pid not running)."""
    host, dead = socket.gethostname()[:30], []
    for name in workers:
        parts = name.split(":")
        if len(parts) != 3 or parts[0] != host or not parts[1].isdigit():
            continue
        try:
            os.kill(int(parts[1]), 0)
        except ProcessLookupError:
            dead.append(name)
        except PermissionError:  # alive, another user's
            continue
    return dead


async def reclaim(application: Application) -> int:
    """Put back the sends of dead processes (see the module docstring); how many."""
    deps = deps_of(application)
    gone = dead_here(await deps.db.run(outbox.claimers))
    count = await deps.db.run(outbox.reclaim_from, workers=gone)
    return count + await deps.db.run(outbox.reclaim_stuck, now=deps.clock.now(),
                                     older_than=STUCK_AFTER)
