"""The coordinator's progress message: one message edited as sending goes, then the report."""

from __future__ import annotations

import asyncio
import logging

from telegram.error import TelegramError
from telegram.ext import Application

from handlers.context import deps_of
from handlers.texts import broadcasts as texts
from storage import broadcasts, deliveries

log = logging.getLogger(__name__)


class Progress:
    """Edits the progress message at most once every `broadcast_progress_seconds`."""

    def __init__(self, application: Application, broadcast_id: int) -> None:
        self.app = application
        self.deps = deps_of(application)
        self.broadcast_id = broadcast_id
        self.interval = self.deps.settings.broadcast_progress_seconds
        self.chat_id: int | None = None
        self.message_id: int | None = None
        self._last = 0.0
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Post the progress message (once per broadcast, kept across restarts)."""
        broadcast = await self.deps.db.run(broadcasts.get, broadcast_id=self.broadcast_id)
        self.chat_id, self.message_id = broadcast.progress_chat_id, broadcast.progress_message_id
        self._last = asyncio.get_running_loop().time()
        if self.chat_id is None or self.message_id is not None:
            return
        report = await self.deps.db.run(deliveries.report, broadcast_id=self.broadcast_id)
        try:
            sent = await self.app.bot.send_message(self.chat_id, texts.progress(report))
        except TelegramError as exc:
            log.warning("broadcast %s: no progress message (%s)", self.broadcast_id, exc)
            return
        self.message_id = sent.message_id
        await self.deps.db.run(broadcasts.set_progress_message, broadcast_id=self.broadcast_id,
                               chat_id=self.chat_id, message_id=sent.message_id)

    def tick(self) -> None:
        """Maybe edit the message now (never two edits at once, never too often)."""
        if self.message_id is None or (self._task is not None and not self._task.done()):
            return
        now = asyncio.get_running_loop().time()
        if now - self._last < self.interval:
            return
        self._last = now
        self._task = asyncio.create_task(self._edit())

    async def _edit(self, final: deliveries.Report | None = None) -> None:
        report = final or await self.deps.db.run(deliveries.report, broadcast_id=self.broadcast_id)
        try:
            await self.app.bot.edit_message_text(texts.progress(report, final=final is not None),
                                                 chat_id=self.chat_id, message_id=self.message_id)
        except TelegramError as exc:  # "not modified", a deleted message, a 429: skip this one
            log.info("broadcast %s: progress not edited (%s)", self.broadcast_id, exc)

    async def finish(self, report: deliveries.Report) -> None:
        """Last edit, then the report as a new message (so the coordinator is notified)."""
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        if self.chat_id is None:
            return
        if self.message_id is not None:
            await self._edit(report)
        try:
            await self.app.bot.send_message(self.chat_id, texts.final_report(report))
        except TelegramError as exc:
            log.warning("broadcast %s: report not sent (%s)", self.broadcast_id, exc)
