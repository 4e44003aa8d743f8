"""Run a real PTB Application against `BotApiStandIn` and talk to it as Telegram users.

async with BotApiStandIn() as api, running(build_app(api), api) as live:
    anna = live.user(1001, first_name="Anna")
    await anna.send("/start abc")
    assert "Dzień dobry" in anna.last_text
    await anna.press("Psycholog")
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import Application, BaseUpdateProcessor, ContextTypes

from bot.sandbox.botapi import BotApiStandIn, SentMessage, StoredFile, UserProfile

_callback_ids = itertools.count(1)


class TrackingUpdateProcessor(BaseUpdateProcessor):
    """Processes updates like SimpleUpdateProcessor and records which ones finished."""

    def __init__(self, max_concurrent_updates: int = 1) -> None:
        super().__init__(max_concurrent_updates)
        self.processed: list[int] = []
        self.failed: dict[int, BaseException] = {}
        self._changed = asyncio.Event()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Await the coroutine; mark the update finished even if it raised."""
        update_id = update.update_id if isinstance(update, Update) else -1
        try:
            await coroutine
        except Exception as exc:
            self.failed[update_id] = exc
            raise
        finally:
            self.processed.append(update_id)
            self._changed.set()
            self._changed = asyncio.Event()

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free."""

    async def wait_processed(self, update_id: int, timeout: float = 5.0) -> None:
        """Wait until the application finished handling this update."""
        try:
            async with asyncio.timeout(timeout):
                while update_id not in self.processed:
                    await self._changed.wait()
        except TimeoutError:
            raise AssertionError(
                f"update {update_id} not processed within {timeout}s; "
                f"processed so far: {self.processed[-20:]}"
            ) from None


class LiveBot:
    """A running application bound to its stand-in; makes users and delivers updates."""

    def __init__(self, app: Application, stand_in: BotApiStandIn) -> None:
        self.app = app
        self.stand_in = stand_in
        processor = app.update_processor
        self.processor = processor if isinstance(processor, TrackingUpdateProcessor) else None
        self.errors: list[tuple[object, BaseException]] = []

    def user(
        self,
        user_id: int,
        first_name: str = "Anna",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "pl",
    ) -> TelegramUser:
        """A person with a private chat with the bot."""
        profile = self.stand_in.add_user(user_id, first_name, last_name, username, language_code)
        return TelegramUser(self, profile)

    async def deliver(self, update: dict[str, Any], timeout: float = 5.0) -> int:
        """Push a raw update and return once the application has handled it."""
        update_id = self.stand_in.push_update(update)
        await self.wait_handled(update_id, timeout)
        return update_id

    async def wait_handled(self, update_id: int, timeout: float = 5.0) -> None:
        """Wait until the update was handled (fallback: confirmed and update_queue drained)."""
        if self.processor is not None:
            await self.processor.wait_processed(update_id, timeout)
            return
        await self.stand_in.wait_confirmed(update_id, timeout)
        try:
            await asyncio.wait_for(self.app.update_queue.join(), timeout)
        except TimeoutError:
            raise AssertionError(f"update queue not drained within {timeout}s") from None

    async def record_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Error handler added by `running`: keeps (update, error) in `errors`."""
        if context.error is not None:
            self.errors.append((update, context.error))


@asynccontextmanager
async def running(
    app: Application, stand_in: BotApiStandIn, *, poll_timeout: int = 1
) -> AsyncIterator[LiveBot]:
    """Run `app` polling the stand-in like run_polling does, and stop it quickly."""
    live = LiveBot(app, stand_in)
    if app.updater is None:
        raise ValueError("running() needs an application with an Updater (polling)")
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        await app.updater.start_polling(poll_interval=0.0, timeout=poll_timeout)
        await app.start()
        app.add_error_handler(live.record_error)
        yield live
    finally:
        await _stop(app, stand_in, live)


async def _stop(app: Application, stand_in: BotApiStandIn, live: LiveBot) -> None:
    """Stop in run_polling's order, waking the stand-in's pending long poll."""
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    stand_in.wake_polls()
    if app.running:
        await app.stop()
    if live.record_error in app.error_handlers:
        app.remove_error_handler(live.record_error)
    if app.post_stop:
        await app.post_stop(app)
    await app.shutdown()
    if app.post_shutdown:
        await app.post_shutdown(app)


class TelegramUser:
    """A person chatting privately with the bot; every action waits for the bot's answer."""

    def __init__(self, live: LiveBot, profile: UserProfile) -> None:
        self.live = live
        self.profile = profile
        self.stand_in = live.stand_in
        self.last_callback_id: str | None = None

    @property
    def id(self) -> int:
        """The user id, which is also the private chat id."""
        return self.profile.user_id

    # ---- acting ---------------------------------------------------------------------------

    async def send(self, text: str, timeout: float = 5.0) -> list[SentMessage]:
        """Send a text (a leading /command gets its bot_command entity); return bot changes."""
        message = self._message(text=text)
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            length = len(command.encode("utf-16-le")) // 2
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return await self._deliver({"message": message}, timeout)

    async def send_contact(self, phone_number: str, timeout: float = 5.0) -> list[SentMessage]:
        """Share own contact (as the request_contact keyboard button does)."""
        contact = {
            "phone_number": phone_number,
            "first_name": self.profile.first_name,
            "user_id": self.id,
        }
        return await self._deliver({"message": self._message(contact=contact)}, timeout)

    async def press(
        self, label: str, message: SentMessage | None = None, timeout: float = 5.0
    ) -> list[SentMessage]:
        """Press the inline button labelled `label` (exact, else the one containing it)."""
        target = message or self._newest_with_keyboard()
        data = _find_button(target, label)
        return await self.press_data(data, message=target, timeout=timeout)

    async def press_data(
        self, data: str, message: SentMessage | None = None, timeout: float = 5.0
    ) -> list[SentMessage]:
        """Send a callback query with any (possibly forged) callback data."""
        target = message or self._newest_with_keyboard()
        self.last_callback_id = str(next(_callback_ids))
        query = {
            "id": self.last_callback_id,
            "from": self.profile.user_json(),
            "message": self.stand_in.message_json(target),
            "chat_instance": f"chat-instance-{self.id}",
            "data": data,
        }
        return await self._deliver({"callback_query": query}, timeout)

    def _message(self, **content: Any) -> dict[str, Any]:
        """A new private message from this person."""
        return {
            "message_id": self.stand_in.next_message_id(self.id),
            "date": self.stand_in.now(),
            "chat": self.profile.chat_json(),
            "from": self.profile.user_json(),
            **content,
        }

    async def _deliver(self, update: dict[str, Any], timeout: float) -> list[SentMessage]:
        """Deliver an update and return the bot messages it sent, edited or deleted here."""
        mark = self.stand_in.change_mark
        await self.live.deliver(update, timeout)
        return self.stand_in.changed_since(self.id, mark)

    def _newest_with_keyboard(self) -> SentMessage:
        """The newest live message with an inline keyboard."""
        for message in reversed(self.messages):
            if message.has_inline_keyboard:
                return message
        raise AssertionError(f"no message with an inline keyboard in chat {self.id}: {self.texts}")

    # ---- looking --------------------------------------------------------------------------

    @property
    def messages(self) -> list[SentMessage]:
        """The bot's messages in this chat that are not deleted, oldest first."""
        return [m for m in self.stand_in.chat(self.id) if not m.deleted]

    @property
    def texts(self) -> list[str]:
        """Text (or caption) of every visible bot message."""
        return [m.content for m in self.messages]

    @property
    def last_message(self) -> SentMessage:
        """The newest visible bot message."""
        if not self.messages:
            raise AssertionError(f"the bot has sent nothing to chat {self.id}")
        return self.messages[-1]

    @property
    def last_text(self) -> str:
        """Text (or caption) of the newest visible bot message."""
        return self.last_message.content

    @property
    def last_document(self) -> StoredFile | None:
        """The newest document the bot sent here."""
        return next((m.document for m in reversed(self.messages) if m.document), None)

    @property
    def last_photo(self) -> StoredFile | None:
        """The newest photo the bot sent here."""
        return next((m.photo for m in reversed(self.messages) if m.photo), None)

    @property
    def last_answer(self) -> dict[str, Any] | None:
        """The answerCallbackQuery params for this person's last press, if answered."""
        return self.stand_in.callback_answers.get(self.last_callback_id or "")

    def buttons(self, message: SentMessage | None = None) -> list[str]:
        """Button labels of a message (default: the newest with any keyboard)."""
        if message is None:
            keyed = [m for m in self.messages if m.buttons]
            message = keyed[-1] if keyed else None
        return message.labels if message else []


def _find_button(message: SentMessage, label: str) -> str:
    """Callback data of the button matching `label`; AssertionError listing buttons if none."""
    pressable = [b for b in message.buttons if b.callback_data is not None]
    exact = [b for b in pressable if b.text == label]
    matches = exact or [b for b in pressable if label in b.text]
    if len(matches) == 1 or (exact and matches):
        return str(matches[0].callback_data)
    problem = "is ambiguous" if matches else "not found"
    raise AssertionError(
        f"button {label!r} {problem} in message {message.message_id} "
        f"({message.content!r}); buttons: {message.labels}"
    )
