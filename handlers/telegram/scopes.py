"""The command list Telegram shows: public commands for everyone, more per person."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from handlers.access import EVERYONE, allowed
from handlers.telegram.common import CommandSpec
from storage.people import Identity

log = logging.getLogger(__name__)


def commands_for(who: Identity | None, specs: Sequence[CommandSpec]) -> list[BotCommand]:
    """The commands a person may use (None: what a stranger sees)."""
    return [BotCommand(s.name, s.description) for s in specs
            if (EVERYONE in s.access if who is None else allowed(s.access, who))]


async def publish_default(bot: Bot, specs: Sequence[CommandSpec]) -> None:
    """The list every private chat sees before joining."""
    await bot.set_my_commands(commands_for(None, specs), scope=BotCommandScopeDefault())


async def publish_commands_for(bot: Bot, chat_id: int, who: Identity,
                               specs: Sequence[CommandSpec]) -> None:
    """A person's own list (participant or staff role); failures only cost the menu."""
    try:
        await bot.set_my_commands(commands_for(who, specs), scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:
        log.warning("could not set the command list for a chat: %s", exc)
