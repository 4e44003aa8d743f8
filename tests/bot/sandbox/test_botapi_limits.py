"""The strict Bot API stand-in refuses what Telegram refuses, with Telegram's descriptions.

Each limit is checked on both sides of its edge through a real PTB Bot; time is the stand-in's
injected clock, so rate limits and callback lifetimes are deterministic.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter

from bot.delivery.ratelimit import retry_seconds
from bot.sandbox import botapi_methods as limits
from bot.sandbox.botapi import BotApiStandIn


class Clock:
    """Seconds that move only when the test says."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks() -> Clock:
    return Clock()


@pytest.fixture
async def strict(ticks: Clock) -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(clock=ticks) as api:
        for chat in (1, 2, 3):
            api.opened_chat(chat)
        yield api


@pytest.fixture
async def tg(strict: BotApiStandIn) -> AsyncIterator[Bot]:
    bot = Bot(strict.token, base_url=strict.base_url, base_file_url=strict.base_file_url)
    async with bot:
        yield bot


def buttons(count: int, data: str = "x") -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(str(i), callback_data=data)]
                                 for i in range(count)])


async def test_text_is_1_to_4096_characters_counted_as_code_points(tg: Bot) -> None:
    await tg.send_message(1, "ą" * 4096)
    await tg.send_message(2, "😀" * 4096)  # 8,192 UTF-16 units, 4,096 characters: accepted
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await tg.send_message(3, "a" * 4097)
    with pytest.raises(BadRequest, match="text is empty"):
        await tg.send_message(3, " ")


async def test_html_is_counted_after_parsing(tg: Bot) -> None:
    await tg.send_message(1, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="too long"):
        await tg.send_message(1, "&amp;" * 4097, parse_mode="HTML")


async def test_an_edit_is_held_to_the_same_length(tg: Bot, strict: BotApiStandIn) -> None:
    sent = await tg.send_message(1, "krótko")
    await sent.edit_text("a" * 4096)
    with pytest.raises(BadRequest, match="Message_too_long"):
        await sent.edit_text("a" * 4097)
    assert strict.errors[-1].description == limits.MESSAGE_TOO_LONG


async def test_an_edit_that_changes_nothing_is_refused(tg: Bot, strict: BotApiStandIn) -> None:
    sent = await tg.send_message(1, "a", reply_markup=buttons(1))
    await sent.edit_text("a")  # dropping the keyboard is a change
    with pytest.raises(BadRequest, match="not modified"):
        await sent.edit_text("a")
    assert strict.errors[-1].description == limits.NOT_MODIFIED


async def test_captions_are_at_most_1024_characters(tg: Bot) -> None:
    await tg.send_document(1, b"x", filename="a.txt", caption="c" * 1024)
    with pytest.raises(BadRequest, match="caption is too long"):
        await tg.send_document(1, b"x", filename="a.txt", caption="c" * 1025)


async def test_callback_data_is_1_to_64_bytes(tg: Bot) -> None:
    await tg.send_message(1, "a", reply_markup=buttons(1, "ż" * 32))
    for data in ("ż" * 32 + "a", ""):
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await tg.send_message(1, "a", reply_markup=buttons(1, data))


async def test_at_most_100_buttons_in_a_keyboard(tg: Bot, strict: BotApiStandIn) -> None:
    sent = await tg.send_message(1, "a", reply_markup=buttons(100))
    with pytest.raises(BadRequest, match=r"(?i)reply markup is too long"):
        await tg.send_message(1, "a", reply_markup=buttons(101))
    with pytest.raises(BadRequest, match=r"(?i)reply markup is too long"):
        await sent.edit_reply_markup(buttons(101))
    assert strict.errors[-1].description == limits.MARKUP_TOO_LONG


async def test_a_callback_query_is_answered_once_within_its_lifetime(
        tg: Bot, strict: BotApiStandIn, ticks: Clock) -> None:
    strict.callback_sent("q1")
    await tg.answer_callback_query("q1", "ok")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await tg.answer_callback_query("q1")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await tg.answer_callback_query("never-sent")
    strict.callback_sent("q2")
    ticks.now += limits.CALLBACK_LIFETIME + 0.1
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await tg.answer_callback_query("q2")
    assert strict.errors[-1].description == limits.QUERY_TOO_OLD


async def test_an_answer_is_at_most_200_characters(tg: Bot, strict: BotApiStandIn) -> None:
    strict.callback_sent("q1")
    with pytest.raises(BadRequest, match="Message_too_long"):
        await tg.answer_callback_query("q1", "a" * 201)
    await tg.answer_callback_query("q1", "a" * 200)  # the refused answer did not count


async def test_403_for_a_person_who_never_wrote_or_blocked_the_bot(
        tg: Bot, strict: BotApiStandIn) -> None:
    with pytest.raises(Forbidden, match="can't initiate conversation with a user"):
        await tg.send_message(77, "dzień dobry")
    strict.push_update({"message": {"message_id": 1, "date": 1, "text": "hej",
                                    "chat": {"id": 77, "type": "private"},
                                    "from": {"id": 77, "is_bot": False, "first_name": "A"}}})
    await tg.send_message(77, "dzień dobry")
    strict.block(77)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await tg.send_message(77, "dzień dobry")
    assert [e.expected for e in strict.errors] == [False, True]  # block() declared the second


async def test_a_short_burst_to_one_chat_passes_then_429(
        tg: Bot, strict: BotApiStandIn, ticks: Clock) -> None:
    for _ in range(limits.CHAT_BURST):
        await tg.send_message(1, "seria")
    with pytest.raises(RetryAfter) as refused:
        await tg.send_message(1, "za dużo")
    assert retry_seconds(refused.value) == 1
    await tg.send_message(2, "inny czat przechodzi")
    ticks.now += 1.0
    await tg.send_message(1, "po sekundzie")


async def test_one_a_second_to_one_chat_is_sustainable_two_are_not(
        tg: Bot, strict: BotApiStandIn, ticks: Clock) -> None:
    for _ in range(30):
        await tg.send_message(1, "co sekundę")
        ticks.now += 1.0
    sent = 0
    with pytest.raises(RetryAfter):
        while True:
            await tg.send_message(2, "dwa na sekundę")
            sent += 1
            ticks.now += 0.5
    assert limits.CHAT_BURST <= sent < 2 * limits.CHAT_BURST + 1


async def test_a_persons_message_refills_their_chat(
        tg: Bot, strict: BotApiStandIn) -> None:
    for _ in range(limits.CHAT_BURST):
        await tg.send_message(1, "odpowiedź")
    strict.push_update({"callback_query": {"id": "q", "chat_instance": "c", "data": "x",
                                           "from": {"id": 1, "is_bot": False, "first_name": "A"}}})
    await tg.send_message(1, "odpowiedź na przycisk")


async def test_30_a_second_overall_then_429(ticks: Clock) -> None:
    async with BotApiStandIn(clock=ticks) as api:
        for chat in range(1, 33):
            api.opened_chat(chat)
        async with Bot(api.token, base_url=api.base_url) as tg:
            for chat in range(1, limits.OVERALL_PER_SECOND + 1):
                await tg.send_message(chat, "ogłoszenie")
            with pytest.raises(RetryAfter):
                await tg.send_message(31, "trzydziesta pierwsza")
            ticks.now += 1.0
            await tg.send_message(31, "w następnej sekundzie")


async def test_limits_can_be_switched_off_for_tests_about_something_else(ticks: Clock) -> None:
    async with BotApiStandIn(clock=ticks, enforce_limits=False) as api:
        api.opened_chat(1)
        async with Bot(api.token, base_url=api.base_url) as tg:
            for _ in range(50):
                await tg.send_message(1, "bez limitu")
        assert api.errors == []


async def test_only_undeclared_refusals_count_as_mistakes(strict: BotApiStandIn,
                                                          tg: Bot) -> None:
    strict.fail_next("sendMessage", status=502)
    strict.expect_refusal("message is not modified", chat_id=1)
    with pytest.raises(Exception, match="Bad Gateway"):
        await tg.send_message(1, "a")
    sent = await tg.send_message(1, "a")
    with pytest.raises(BadRequest):
        await sent.edit_text("a")
    assert strict.unexpected_errors == []
    with pytest.raises(Forbidden):
        await tg.send_message(99, "nieznany")
    with pytest.raises(AssertionError, match="refused requests no test expected"):
        strict.assert_no_refusals()
