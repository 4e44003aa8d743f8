"""Authorization, checked for every registered handler, so new handlers are covered by themselves."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import find
from hypothesis import strategies as st
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler

from handlers.access import ACCESS_ATTR, EVERYONE, allowed
from handlers.texts import common as texts
from storage.models import Role
from storage.people import Identity
from tests.auxil.harness import Harness
from tests.auxil.tg import TelegramUser

REFUSALS = {texts.NOT_ALLOWED, texts.STRANGER, texts.STRANGER_CALLBACK}


def all_handlers(handler: BaseHandler) -> Iterator[BaseHandler]:
    """A handler and, for conversations, every handler inside it."""
    if isinstance(handler, ConversationHandler):
        inner = [*handler.entry_points, *handler.fallbacks]
        inner += [h for states in handler.states.values() for h in states]
        for h in inner:
            yield from all_handlers(h)
    else:
        yield handler


def registered(bot: Harness) -> list[BaseHandler]:
    """Every handler of the running application."""
    return [h for group in bot.live.app.handlers.values() for top in group
            for h in all_handlers(top)]


def people(bot: Harness) -> dict[str, tuple[TelegramUser, Identity]]:
    """A stranger, a participant and one member of staff per role, all on Telegram."""
    anna = bot.participant("1", "Anna", telegram_user_id=1001)
    out = {"stranger": (bot.user(999, "Obcy"), Identity()),
           "participant": (bot.user(1001, "Anna"), Identity(participant=anna))}
    for i, role in enumerate(Role):
        member = bot.staff(f"Staff {role}", role, telegram_user_id=5000 + i)
        out[str(role)] = (bot.user(5000 + i, f"S{i}"), Identity(staff=member))
    return out


def test_every_callback_declares_its_audience(bot: Harness) -> None:
    unguarded = [h for h in registered(bot) if not hasattr(h.callback, ACCESS_ATTR)]
    assert unguarded == [], "decorate these callbacks with @requires(...)"


async def test_every_command_refuses_exactly_those_it_must(bot: Harness) -> None:
    who = people(bot)
    specs = bot.live.app.bot_data["commands"]
    assert specs, "no commands registered"
    for spec in specs:
        for name, (user, identity) in who.items():
            await user.send(f"/{spec.name}")
            refused = user.last_text in REFUSALS
            if not allowed(spec.access, identity):
                assert refused, f"/{spec.name} must refuse {name}: {user.last_text!r}"
            elif EVERYONE not in spec.access:
                assert not refused, f"/{spec.name} must serve {name}: {user.last_text!r}"


def sample_data(pattern: Any) -> str:
    """Some callback data the handler's pattern accepts."""
    regex = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    return find(st.from_regex(regex, fullmatch=True), lambda s: 0 < len(s.encode()) <= 64)


async def test_every_button_refuses_those_it_must(bot: Harness) -> None:
    who = people(bot)
    buttons = [h for h in registered(bot) if isinstance(h, CallbackQueryHandler)
               and EVERYONE not in getattr(h.callback, ACCESS_ATTR)]
    for handler in buttons:
        if not isinstance(handler.pattern, re.Pattern | str):
            pytest.fail(f"{handler}: give restricted buttons a regex pattern so they can be checked")
        data = sample_data(handler.pattern)
        access = getattr(handler.callback, ACCESS_ATTR)
        for name, (user, identity) in who.items():
            if allowed(access, identity):
                continue
            await user.send("/start")
            await user.press_data(data, message=user.last_message)
            answer = user.last_answer or {}
            assert answer.get("text") in REFUSALS and answer.get("show_alert"), \
                f"button {data!r} must refuse {name}: {answer}"
