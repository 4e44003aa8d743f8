"""systemd's notify protocol: READY=1 at start, WATCHDOG=1 only while the bot is healthy."""

from __future__ import annotations

import asyncio
import socket
from datetime import timedelta
from pathlib import Path

from bot import watchdog
from bot.health import SCHEDULER, health_of
from tests.auxil.harness import Harness


def test_without_systemd_nothing_is_sent() -> None:
    assert watchdog.notify("READY=1", env={}) is False
    assert watchdog.interval({}) is None
    assert watchdog.interval({"WATCHDOG_USEC": "30000000"}) == 15.0


async def test_pings_only_while_the_database_and_the_scheduler_work(bot: Harness,
                                                                    tmp_path: Path) -> None:
    address = str(tmp_path / "notify.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as systemd:
        systemd.bind(address)
        systemd.setblocking(False)
        env = {"NOTIFY_SOCKET": address, "WATCHDOG_USEC": "100000"}  # a ping every 0.05 s
        health = health_of(bot.live.app)
        health.mark(SCHEDULER)
        task = asyncio.create_task(watchdog.watch(bot.live.app, env))
        loop = asyncio.get_running_loop()
        try:
            assert await asyncio.wait_for(loop.sock_recv(systemd, 64), 5) == b"READY=1"
            assert await asyncio.wait_for(loop.sock_recv(systemd, 64), 5) == b"WATCHDOG=1"
            bot.clock.advance(timedelta(seconds=121))  # the scheduler stopped running
            await asyncio.sleep(0.2)
            while True:  # drain what was sent before the clock moved
                try:
                    systemd.recv(64)
                except BlockingIOError:
                    break
            await asyncio.sleep(0.2)
            try:
                late = systemd.recv(64)
            except BlockingIOError:
                late = None
            assert late is None
            health.mark(SCHEDULER)
            assert await asyncio.wait_for(loop.sock_recv(systemd, 64), 5) == b"WATCHDOG=1"
        finally:
            task.cancel()
