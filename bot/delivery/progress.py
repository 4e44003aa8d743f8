"""The coordinator's progress message: one message edited while a broadcast is sent.

It is edited at most every `broadcast_progress_seconds` from the outbox's counts; the final
report is an outbox row (queued with the broadcast's end, see storage.broadcast_outbox).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from telegram.error import TelegramError
from telegram.ext import Application

from handlers.context import deps_of
from handlers.texts import broadcasts as texts
from storage import broadcast_outbox, broadcasts
from storage.broadcast_outbox import Report

log = logging.getLogger(__name__)


@dataclass
class Shown:
    """Where a broadcast's progress message is, and when it was last edited."""

    chat_id: int | None
    message_id: int | None
    edited: float = 0.0


def _shown(application: Application) -> dict[int, Shown]:
    return application.bot_data.setdefault("broadcast_progress", {})


async def _load(application: Application, broadcast_id: int) -> Shown:
    """The progress message of a broadcast (posted now when it has none yet)."""
    shown = _shown(application).get(broadcast_id)
    if shown is not None:
        return shown
    deps = deps_of(application)
    found = await deps.db.run(broadcasts.get, broadcast_id=broadcast_id)
    shown = _shown(application)[broadcast_id] = Shown(found.progress_chat_id,
                                                      found.progress_message_id)
    if shown.chat_id is not None and shown.message_id is None:
        report = await deps.db.run(broadcast_outbox.report, broadcast_id=broadcast_id)
        try:
            sent = await application.bot.send_message(shown.chat_id, texts.progress(report))
        except TelegramError as exc:
            log.warning("broadcast %s: no progress message (%s)", broadcast_id, exc)
            shown.chat_id = None
            return shown
        shown.message_id, shown.edited = sent.message_id, time.monotonic()
        await deps.db.run(broadcasts.set_progress_message, broadcast_id=broadcast_id,
                          chat_id=shown.chat_id, message_id=sent.message_id)
    return shown


async def _edit(application: Application, broadcast_id: int, shown: Shown, text: str) -> None:
    shown.edited = time.monotonic()
    try:
        await application.bot.edit_message_text(text, chat_id=shown.chat_id,
                                                message_id=shown.message_id)
    except TelegramError as exc:  # "not modified", a deleted message, a 429: skip this one
        log.info("broadcast %s: progress not edited (%s)", broadcast_id, exc)


async def update(application: Application, broadcast_ids: set[int]) -> None:
    """Edit these broadcasts' progress messages (each at most every few seconds)."""
    deps = deps_of(application)
    every = deps.settings.broadcast_progress_seconds
    for broadcast_id in sorted(broadcast_ids):
        shown = await _load(application, broadcast_id)
        if shown.message_id is None or time.monotonic() - shown.edited < every:
            continue
        report = await deps.db.run(broadcast_outbox.report, broadcast_id=broadcast_id)
        await _edit(application, broadcast_id, shown, texts.progress(report))


async def final(application: Application, broadcast_id: int, report: Report) -> None:
    """The last edit ('sent'); the report itself follows as an outbox message."""
    shown = await _load(application, broadcast_id)
    _shown(application).pop(broadcast_id, None)
    if shown.message_id is not None:
        await _edit(application, broadcast_id, shown, texts.progress(report, final=True))
