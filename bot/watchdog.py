"""systemd's notify protocol (Type=notify, WatchdogSec=): READY=1 once running, then WATCHDOG=1
every half WatchdogSec while the database answers and the scheduler runs, so systemd restarts
a process that hangs. Telegram being unreachable does not stop the pings: a restart would
not bring Telegram back (the uptime monitor on /healthz reports that).

Without $NOTIFY_SOCKET (not under systemd) nothing is sent.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket

from telegram.ext import Application

from bot.health import DATABASE, SCHEDULER, health_of
from handlers.context import deps_of

log = logging.getLogger(__name__)


def notify(message: str, env: dict[str, str] | None = None) -> bool:
    """Send one notify message to systemd; whether there was a socket to send it to."""
    address = (env if env is not None else os.environ).get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):  # an abstract socket
        address = "\0" + address[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.connect(address)
        sock.sendall(message.encode())
    return True


def interval(env: dict[str, str] | None = None) -> float | None:
    """Half of WatchdogSec in seconds (systemd sets WATCHDOG_USEC), or None without a watchdog."""
    usec = (env if env is not None else os.environ).get("WATCHDOG_USEC")
    return int(usec) / 2_000_000 if usec and usec.isdigit() and int(usec) > 0 else None


async def watch(application: Application, env: dict[str, str] | None = None) -> None:
    """Say READY=1, then ping while healthy (until cancelled)."""
    if not notify("READY=1", env):
        return
    every = interval(env)
    if every is None:
        return
    health, db = health_of(application), deps_of(application).db
    while True:
        await asyncio.sleep(every)
        checks = await health.check(db)
        if checks[DATABASE] is None and checks[SCHEDULER] is None:
            notify("WATCHDOG=1", env)
        else:
            log.warning("watchdog not fed: database %s, scheduler %s",
                        checks[DATABASE] or "ok", checks[SCHEDULER] or "ok")
