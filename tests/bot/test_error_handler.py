"""The error handler: no apology for a 'not modified' edit, and never a second answer."""

from __future__ import annotations

import types
from collections.abc import AsyncIterator

import pytest
from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.app import build_application
from bot.sandbox.botapi import BotApiStandIn
from handlers.access import PARTICIPANT, requires
from handlers.context import Deps, KisContext
from handlers.texts import common, i18n
from storage.clock import ManualClock
from storage.db import Database
from storage.models import Language
from tests.auxil.factories import Factory
from tests.auxil.harness import make_settings
from tests.auxil.tg import LiveBot, TrackingUpdateProcessor, running


async def edits_to_the_same(update: Update, context: KisContext) -> None:
    """A step that re-shows what the message shows, without the helper's checks."""
    query = update.callback_query
    assert query is not None and query.message is not None
    await query.answer()
    await context.bot.edit_message_text("to samo", chat_id=query.message.chat.id,
                                        message_id=query.message.message_id)


async def answers_then_fails(update: Update, context: KisContext) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    raise RuntimeError("after the answer")


async def fails_before_answering(update: Update, context: KisContext) -> None:
    raise RuntimeError("before the answer")


@requires(PARTICIPANT)
async def fails_for_a_participant(update: Update, context: KisContext) -> None:
    raise RuntimeError("in a participant's handler")


FEATURE = types.ModuleType("feature")
FEATURE.HANDLERS = [CallbackQueryHandler(edits_to_the_same, pattern="^same$"),  # type: ignore[attr-defined]
                    CallbackQueryHandler(answers_then_fails, pattern="^late$"),
                    CallbackQueryHandler(fails_before_answering, pattern="^early$"),
                    CallbackQueryHandler(fails_for_a_participant, pattern="^mine$")]


@pytest.fixture
async def live(api: BotApiStandIn, db: Database, db_url: str,
               clock: ManualClock) -> AsyncIterator[LiveBot]:
    deps = Deps(settings=make_settings(api, db_url), db=db, clock=clock)
    app = build_application(deps, update_processor=TrackingUpdateProcessor(), features=[FEATURE])
    async with running(app, api) as bot:
        yield bot


async def test_a_not_modified_edit_gets_no_apology(live: LiveBot, api: BotApiStandIn) -> None:
    anna = live.user(1001)
    shown = await live.app.bot.send_message(anna.id, "to samo")
    api.expect_refusal("message is not modified", chat_id=anna.id)
    await anna.press_data("same", message=api.message(anna.id, shown.message_id))
    assert anna.texts == ["to samo"]  # no apology
    assert anna.last_answer is not None
    assert [e.description.split(":")[1] for e in api.errors] == [" message is not modified"]


async def test_a_press_is_answered_once_when_the_handler_fails(
        live: LiveBot, api: BotApiStandIn) -> None:
    anna = live.user(1001)
    shown = await live.app.bot.send_message(anna.id, "przyciski")
    message = api.message(anna.id, shown.message_id)
    for data in ("late", "early"):
        await anna.press_data(data, message=message)
        assert anna.last_answer is not None  # answered (once: a second would be refused)
        assert anna.last_text == common.INTERNAL_ERROR
    assert len(api.calls("answerCallbackQuery")) == 2
    assert api.errors == []


async def test_the_apology_is_in_the_persons_language(live: LiveBot, api: BotApiStandIn,
                                                     db: Database, clock: ManualClock) -> None:
    Factory(db, clock).participant("12", "Olena", telegram_user_id=1001, language=Language.uk)
    olena = live.user(1001, "Olena", language_code="uk")
    shown = await live.app.bot.send_message(olena.id, "кнопка")
    await olena.press_data("mine", message=api.message(olena.id, shown.message_id))
    with i18n.speaking("uk"):
        assert olena.last_text == common.INTERNAL_ERROR
    assert olena.last_text.startswith("Вибачте, у нас щось пішло не так.")
