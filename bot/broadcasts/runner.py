"""Which broadcasts are being sent in this process; the tick that starts and resumes them."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from telegram.ext import Application

from bot.broadcasts.sender import BroadcastSender
from bot.broadcasts.smsport import ProviderGateway, SmsGateway
from bot.delivery.sender import sms_gateway as provider_of
from handlers.context import deps_of
from storage import broadcasts

log = logging.getLogger(__name__)
TASKS = "broadcast_tasks"
SENDERS = "broadcast_senders"
GATEWAY = "broadcast_sms_gateway"


def sms_gateway(application: Application) -> SmsGateway:
    """The SMS gateway for broadcasts: the bot's SMS provider (a test may set its own)."""
    gateway = application.bot_data.get(GATEWAY)
    if gateway is None:
        gateway = application.bot_data[GATEWAY] = ProviderGateway(provider_of(application))
    return gateway


def tasks(application: Application) -> dict[int, asyncio.Task]:
    """Sending tasks by broadcast id (finished ones removed)."""
    return application.bot_data.setdefault(TASKS, {})


def senders(application: Application) -> dict[int, BroadcastSender]:
    """Live senders by broadcast id."""
    return application.bot_data.setdefault(SENDERS, {})


def start_sending(application: Application, broadcast_id: int) -> asyncio.Task:
    """Send a broadcast in the background (once per process: a second call returns the task)."""
    running = tasks(application)
    if broadcast_id in running and not running[broadcast_id].done():
        return running[broadcast_id]
    sender = BroadcastSender(application, broadcast_id, sms_gateway(application))
    task = asyncio.create_task(sender.run(), name=f"broadcast-{broadcast_id}")
    running[broadcast_id] = task
    senders(application)[broadcast_id] = sender

    def forget(done: asyncio.Task) -> None:
        if running.get(broadcast_id) is done:
            del running[broadcast_id]
            senders(application).pop(broadcast_id, None)
        if not done.cancelled() and done.exception() is not None:
            log.error("broadcast %s stopped", broadcast_id, exc_info=done.exception())

    task.add_done_callback(forget)
    return task


async def broadcast_tick(application: Application, now: datetime) -> list[int]:
    """Start scheduled broadcasts that are due and resume interrupted ones; their ids."""
    db = deps_of(application).db
    await db.run(broadcasts.start_due, now=now)
    started = []
    for broadcast_id in await db.run(broadcasts.sending_ids):
        if broadcast_id not in tasks(application):
            start_sending(application, broadcast_id)
            started.append(broadcast_id)
    return started


async def stop_all(application: Application) -> None:
    """Stop sending (messages in flight are still recorded); the next start resumes."""
    running = list(tasks(application).values())
    for task in running:
        task.cancel()
    await asyncio.gather(*running, return_exceptions=True)
