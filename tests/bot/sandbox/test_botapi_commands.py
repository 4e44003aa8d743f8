"""The stand-in keeps command lists as Telegram does: per scope and per language_code, a
private chat shown the most specific list (its own, then all private chats', then the
default; each for the user's language before the one without), a bad code refused."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
)
from telegram.error import BadRequest

from bot.sandbox.botapi import BotApiStandIn


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn() as stand_in:
        yield stand_in


@pytest.fixture
async def tg(api: BotApiStandIn) -> AsyncIterator[Bot]:
    bot = Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url)
    async with bot:
        yield bot


async def test_a_private_chat_sees_the_most_specific_list_for_its_language(
        tg: Bot, api: BotApiStandIn) -> None:
    await tg.set_my_commands([BotCommand("start", "początek")], scope=BotCommandScopeDefault())
    await tg.set_my_commands([BotCommand("start", "початок")], scope=BotCommandScopeDefault(),
                             language_code="uk")
    assert api.shown_commands(1, "uk") == [("start", "початок")]
    assert api.shown_commands(1, "uk-UA") == [("start", "початок")]  # the tag's language
    assert api.shown_commands(1, "de") == [("start", "początek")]  # no list for it: the bare one
    assert api.shown_commands(1, None) == [("start", "początek")]
    await tg.set_my_commands([BotCommand("pomoc", "help")], scope=BotCommandScopeAllPrivateChats())
    assert api.shown_commands(1, "uk") == [("pomoc", "help")]  # a wider scope's bare list wins
    await tg.set_my_commands([BotCommand("godziny", "мої години")], scope=BotCommandScopeChat(1))
    assert api.shown_commands(1, "uk") == [("godziny", "мої години")]  # the chat's own, any language
    assert api.shown_commands(1, "pl") == [("godziny", "мої години")]
    assert api.shown_commands(2, "uk") == [("pomoc", "help")]
    await tg.set_my_commands([BotCommand("godziny", "my hours")], scope=BotCommandScopeChat(1),
                             language_code="en")
    assert api.shown_commands(1, "en") == [("godziny", "my hours")]
    assert await tg.get_my_commands(scope=BotCommandScopeChat(1), language_code="en") == (
        BotCommand("godziny", "my hours"),)
    await tg.delete_my_commands(scope=BotCommandScopeChat(1), language_code="en")
    assert api.shown_commands(1, "en") == [("godziny", "мої години")]


@pytest.mark.parametrize("code", ["ukr", "UK", "u", "en-GB", "1a"])
async def test_a_language_code_is_two_small_letters(tg: Bot, code: str) -> None:
    with pytest.raises(BadRequest, match="language code"):
        await tg.set_my_commands([BotCommand("start", "start")], language_code=code)
