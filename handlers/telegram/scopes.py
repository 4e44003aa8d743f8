"""The command list Telegram shows: public commands for everyone, more per person.

Telegram picks a private chat's list by scope, most specific first, each with the client's
language before without (setMyCommands' language_code): the chat's own list, then the
default one. So: the default list (what a stranger sees) in Polish and once more for each
client language we speak (uk, en); a person's own list (chat scope, no language_code) in the
language that person reads, published again when they choose another.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from handlers.access import EVERYONE, allowed
from handlers.telegram.common import CommandSpec
from handlers.texts.i18n import LANGUAGES, SOURCE, speaking
from storage.people import Identity

log = logging.getLogger(__name__)


def commands_for(who: Identity | None, specs: Sequence[CommandSpec],
                 language: str | None = None) -> list[BotCommand]:
    """The commands a person may use (None: what a stranger sees), described in the language."""
    with speaking(language):
        return [BotCommand(s.name, s.help_line()) for s in specs
                if (EVERYONE in s.access if who is None else allowed(s.access, who))]


def language_of(who: Identity) -> str | None:
    """The language a person's command list is in (staff: Polish)."""
    return who.participant.language if who.participant is not None else None


async def publish_default(bot: Bot, specs: Sequence[CommandSpec]) -> None:
    """The list every private chat sees before joining, in Polish and in each client language
    we speak."""
    await bot.set_my_commands(commands_for(None, specs), scope=BotCommandScopeDefault())
    for language in LANGUAGES:
        if language != SOURCE:
            await bot.set_my_commands(commands_for(None, specs, language),
                                      scope=BotCommandScopeDefault(), language_code=language)


async def publish_commands_for(bot: Bot, chat_id: int, who: Identity,
                               specs: Sequence[CommandSpec], language: str | None = None) -> bool:
    """A person's own list (participant or staff role) in their language (or the one just
    chosen); whether it was set (a failure only costs the menu)."""
    try:
        await bot.set_my_commands(commands_for(who, specs, language or language_of(who)),
                                  scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:
        log.warning("could not set the command list for a chat: %s", exc)
        return False
    return True
