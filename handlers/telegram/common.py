"""Small helpers shared by the Telegram handlers: replies, keyboards, command specs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from handlers.access import Callback
from handlers.texts.i18n import _

Buttons = Sequence[Sequence[tuple[str, str]]]
MAX_ID = 2**31 - 1  # the database's integer keys; a forged bigger id names nothing


def button_day(text: str) -> date:
    """A day from button data (YYYYMMDD); ValueError if it is no date (a forged button)."""
    return datetime.strptime(text, "%Y%m%d").date()


def row_id(text: str) -> int:
    """A row id from button data or a command; ValueError if it cannot be one."""
    if not text.isascii() or not text.isdigit() or not 0 < int(text) <= MAX_ID:
        raise ValueError(text)
    return int(text)


@dataclass(frozen=True)
class CommandSpec:
    """A command: Polish name, English aliases, who may use it, its help line and menu button.

    `description` and `menu_label` are the Polish msgids; `help_line`/`label` give them in the
    current language (a participant's command reads in their language, staff's stay Polish)."""

    name: str
    callback: Callback
    description: str
    aliases: tuple[str, ...] = ()
    menu_label: str | None = None
    access: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        access = getattr(self.callback, "__kis_access__", None)
        if access is None:
            raise TypeError(f"/{self.name}: the callback must be decorated with @requires")
        object.__setattr__(self, "access", access)

    def help_line(self) -> str:
        """The description in the current language."""
        return _(self.description)

    def label(self) -> str:
        """The menu button's label in the current language."""
        return _(self.menu_label) if self.menu_label else ""

    @property
    def menu_data(self) -> str:
        """Callback data of the command's menu button."""
        return f"cmd:{self.name}"


def keyboard(rows: Buttons) -> InlineKeyboardMarkup:
    """Inline keyboard from rows of (label, callback data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows])


async def say(update: Update, text: str, buttons: Buttons | None = None) -> Message | None:
    """Reply in the sender's chat (after answering a button press)."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    chat = update.effective_chat
    if chat is None:
        return None
    markup = keyboard(buttons) if buttons else None
    return await chat.send_message(text, reply_markup=markup)


async def edit_or_say(update: Update, text: str, buttons: Buttons | None = None) -> None:
    """Replace the pressed message's text (for step-by-step choices), or reply."""
    query = update.callback_query
    if query is None or query.message is None or not getattr(query.message, "text", None):
        await say(update, text, buttons)  # nothing to edit (no message, or a file's)
        return
    await query.answer()
    markup = keyboard(buttons) if buttons else None
    shown = query.message
    if isinstance(shown, Message) and shown.text == text and shown.reply_markup == markup:
        return  # the press came from a message that already shows this
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        if not is_not_modified(exc):
            raise  # a double tap edits to what is shown: nothing to do


def is_not_modified(error: BaseException) -> bool:
    """Telegram's "message is not modified" (an edit to what the message already shows)."""
    return isinstance(error, BadRequest) and "message is not modified" in error.message.lower()
