"""Proves the Bot API stand-in and the conversation helpers with a tiny real PTB application."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.sandbox.botapi import BotApiStandIn
from tests.auxil.tg import LiveBot, TrackingUpdateProcessor, running

PNG = b"\x89PNG\r\n\x1a\n fake image"
CSV = "imię;godziny\nAnna;3\n".encode()
MINIMAL = {"message": {"message_id": 1, "date": 1, "chat": {"id": 1, "type": "private"}}}


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet and echo the deep-link argument."""
    user = update.effective_user
    assert update.message is not None and user is not None
    await update.message.reply_text(f"Dzień dobry, {user.first_name}! args={context.args}")


async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer services on an inline keyboard."""
    keyboard = [
        [
            InlineKeyboardButton("Psycholog", callback_data="svc:psycholog"),
            InlineKeyboardButton("Prawnik", callback_data="svc:prawnik"),
        ],
        [InlineKeyboardButton("Strona klubu", url="https://example.org")],
    ]
    assert update.message is not None
    await update.message.reply_text("Wybierz:", reply_markup=InlineKeyboardMarkup(keyboard))


async def chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the query and replace the menu with the choice."""
    query = update.callback_query
    assert query is not None
    await query.answer("ok")
    await query.edit_message_text(f"Wybrano: {query.data}")


async def files(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send a report and a picture."""
    assert update.message is not None
    await update.message.reply_document(CSV, filename="raport.csv", caption="Raport")
    await update.message.reply_photo(PNG, filename="plakat.png")


async def boom(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Fail on purpose."""
    raise RuntimeError("boom")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Repeat the text."""
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


async def post_init(app: Application) -> None:
    """Publish the command list."""
    await app.bot.set_my_commands([BotCommand("start", "Start"), BotCommand("menu", "Usługi")])


def build_app(stand_in: BotApiStandIn, *, tracking: bool = True) -> Application:
    """The tiny bot under test."""
    builder = (
        ApplicationBuilder()
        .token(stand_in.token)
        .base_url(stand_in.base_url)
        .base_file_url(stand_in.base_file_url)
        .post_init(post_init)
    )
    if tracking:
        builder = builder.concurrent_updates(TrackingUpdateProcessor())
    app = builder.build()
    app.add_handlers(
        [
            CommandHandler("start", start),
            CommandHandler("menu", menu),
            CommandHandler("pliki", files),
            CommandHandler("boom", boom),
            CallbackQueryHandler(chosen),
            MessageHandler(filters.TEXT & ~filters.COMMAND, echo),
        ]
    )
    return app


@pytest.fixture
async def stand_in() -> AsyncIterator[BotApiStandIn]:
    """A started stand-in that must end without unknown calls or unused faults."""
    async with BotApiStandIn() as api:
        yield api
        api.assert_clean()


@pytest.fixture
async def live(stand_in: BotApiStandIn) -> AsyncIterator[LiveBot]:
    """The tiny bot, running."""
    async with running(build_app(stand_in), stand_in) as bot:
        yield bot


async def test_command_with_argument_and_bot_name(live: LiveBot) -> None:
    anna = live.user(1001, first_name="Anna")
    replies = await anna.send("/start abc")
    assert [m.text for m in replies] == ["Dzień dobry, Anna! args=['abc']"]
    await anna.send("/start@kisbot_test_bot")
    assert anna.last_text == "Dzień dobry, Anna! args=[]"
    assert [m.message_id for m in anna.messages] == [2, 4]


async def test_echo_and_post_init_commands(live: LiveBot, stand_in: BotApiStandIn) -> None:
    jan = live.user(1002, first_name="Jan")
    assert await jan.send("Cześć") == jan.messages
    assert jan.texts == ["Cześć"]
    assert stand_in.commands() == [("start", "Start"), ("menu", "Usługi")]


async def test_press_edits_message_in_place(live: LiveBot) -> None:
    anna = live.user(1003)
    await anna.send("/menu")
    assert anna.buttons() == ["Psycholog", "Prawnik", "Strona klubu"]
    menu_message = anna.last_message
    changed = await anna.press("Psych")
    assert changed == [menu_message]
    assert anna.last_text == "Wybrano: svc:psycholog"
    assert menu_message.edits[0]["text"] == "Wybierz:"
    assert anna.buttons() == []
    assert anna.last_answer is not None and anna.last_answer["text"] == "ok"


async def test_press_reports_available_buttons(live: LiveBot) -> None:
    anna = live.user(1004)
    await anna.send("/menu")
    with pytest.raises(AssertionError, match=r"'Dietetyk' not found.*'Psycholog', 'Prawnik'"):
        await anna.press("Dietetyk")
    await anna.press_data("forged")
    assert anna.last_text == "Wybrano: forged"


async def test_document_and_photo(live: LiveBot) -> None:
    anna = live.user(1005)
    sent = await anna.send("/pliki")
    assert len(sent) == 2
    assert anna.last_document is not None
    assert (anna.last_document.filename, anna.last_document.data) == ("raport.csv", CSV)
    assert sent[0].caption == "Raport"
    assert anna.last_photo is not None and anna.last_photo.data == PNG


async def test_handler_exception_still_marks_update_processed(live: LiveBot) -> None:
    anna = live.user(1006)
    assert await anna.send("/boom") == []
    assert isinstance(live.errors[-1][1], RuntimeError)
    await anna.send("dalej")
    assert anna.last_text == "dalej"


async def test_unknown_method_is_recorded(live: LiveBot, stand_in: BotApiStandIn) -> None:
    with pytest.raises(InvalidToken, match="not served"):
        await live.app.bot.send_dice(1007)
    assert [name for name, _ in stand_in.unknown_calls] == ["sendDice"]
    stand_in.unknown_calls.clear()


async def test_injected_faults_raise_ptb_errors(live: LiveBot, stand_in: BotApiStandIn) -> None:
    stand_in.fail_next("sendMessage", retry_after=7)
    with pytest.raises(RetryAfter, match=r"Retry in (7 seconds|0:00:07)"):
        await live.app.bot.send_message(1008, "x")
    stand_in.fail_next("sendMessage", status=403)
    with pytest.raises(Forbidden, match="blocked"):
        await live.app.bot.send_message(1008, "x")
    assert stand_in.count_429 == 1
    assert stand_in.chat(1008) == []


async def test_fault_inside_handler(live: LiveBot, stand_in: BotApiStandIn) -> None:
    anna = live.user(1009)
    stand_in.fail_next("sendMessage", status=500)
    assert await anna.send("hej") == []
    assert isinstance(live.errors[-1][1], NetworkError)
    await anna.send("hej")
    assert anna.texts == ["hej"]


async def test_blocked_user(live: LiveBot, stand_in: BotApiStandIn) -> None:
    anna = live.user(1010)
    stand_in.block(anna.id)
    await anna.send("/start")
    assert isinstance(live.errors[-1][1], Forbidden)
    assert anna.messages == []
    assert [(e.method, e.chat_id, e.status) for e in stand_in.errors] == [
        ("sendMessage", anna.id, 403)
    ]


async def test_delay_fault_times_out(live: LiveBot, stand_in: BotApiStandIn) -> None:
    stand_in.fail_next("sendMessage", delay=5)
    with pytest.raises(TimedOut):
        await live.app.bot.send_message(1011, "x", read_timeout=0.2)


async def test_edit_with_same_content_is_rejected(live: LiveBot) -> None:
    sent = await live.app.bot.send_message(live.user(1012).id, "a")
    with pytest.raises(BadRequest, match="not modified"):
        await sent.edit_text("a")


async def test_rate_limits_enforced() -> None:
    now = [0.0]
    async with BotApiStandIn(clock=lambda: now[0]) as api:
        api.opened_chat(1)
        api.opened_chat(2)
        app = build_app(api)
        async with app:
            for _ in range(5):  # a short burst passes
                await app.bot.send_message(1, "seria")
            with pytest.raises(RetryAfter):
                await app.bot.send_message(1, "za dużo")
            await app.bot.send_message(2, "inny czat")
        assert api.count_429 == 1


async def test_long_poll_offset_limit_and_wakeup(stand_in: BotApiStandIn) -> None:
    app = build_app(stand_in)
    async with app:
        ids = [stand_in.push_update(MINIMAL) for _ in range(3)]
        first = await app.bot.get_updates(limit=2, timeout=0)
        assert [u.update_id for u in first] == ids[:2]
        await stand_in.wait_fetched(ids[1])
        rest = await app.bot.get_updates(offset=ids[1] + 1, timeout=0)
        assert [u.update_id for u in rest] == ids[2:]
        await stand_in.wait_confirmed(ids[1])
        poll = asyncio.create_task(app.bot.get_updates(offset=ids[2] + 1, timeout=30))
        await stand_in.wait_for(lambda: len(stand_in.calls("getUpdates")) == 3)
        new_id = stand_in.push_update(MINIMAL)
        assert [u.update_id for u in await poll] == [new_id]


async def test_wait_for_timeout_dumps_requests(live: LiveBot, stand_in: BotApiStandIn) -> None:
    with pytest.raises(AssertionError, match="getMe"):
        await stand_in.wait_for(lambda: False, timeout=0.05, what="nothing")


async def test_fallback_without_tracking_processor(stand_in: BotApiStandIn) -> None:
    async with running(build_app(stand_in, tracking=False), stand_in) as bot:
        assert bot.processor is None
        anna = bot.user(1013)
        assert [m.text for m in await anna.send("raz")] == ["raz"]


async def test_teardown_does_not_wait_for_long_poll(stand_in: BotApiStandIn) -> None:
    async with running(build_app(stand_in), stand_in, poll_timeout=30) as bot:
        await bot.user(1014).send("hej")
        await stand_in.wait_for(lambda: len(stand_in.calls("getUpdates")) >= 2)
        started = time.monotonic()
    assert time.monotonic() - started < 1.0
