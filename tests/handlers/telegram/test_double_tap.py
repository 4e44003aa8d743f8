"""A double tap (common on old phones) of every kind of step button: each press is answered
once, nothing fails, no apology is sent, and the second press changes nothing it should not.

The strict stand-in refuses a second answer to one query and an edit that changes nothing
("message is not modified"); the `api` fixture fails the test on any refusal, and the `bot`
fixture on any error reaching the error handler.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import select

from bot.sandbox.botapi import SentMessage
from handlers.texts import common
from storage.models import Booking, HourEntry, HourStatus, Source
from tests.auxil.harness import Harness
from tests.auxil.tg import TelegramUser


async def double_tap(user: TelegramUser, label: str,
                     message: SentMessage | None = None) -> SentMessage:
    """Press the same button twice on the same (pre-press) message; the message pressed."""
    # The second tap carries the message as it was before the first edit, so the bot cannot
    # know the edit is already made: Telegram's "not modified" is the expected answer to it.
    user.stand_in.expect_refusal("message is not modified", chat_id=user.id)
    target = message or user._newest_with_keyboard()
    data = next(b.callback_data for b in target.buttons if b.text == label or label in b.text)
    snapshot = user.stand_in.message_json(target)
    first = await user.press_data(str(data), message=target)
    answers = [user.last_answer]
    # The second tap was sent by the phone before the first edit arrived: same old message.
    await user._deliver({"callback_query": {
        "id": f"dbl-{user.last_callback_id}", "from": user.profile.user_json(),
        "message": snapshot, "chat_instance": f"chat-instance-{user.id}", "data": data}}, 5.0)
    answers.append(user.stand_in.callback_answers.get(f"dbl-{user.last_callback_id}"))
    assert all(a is not None for a in answers), "every press is answered"
    assert common.INTERNAL_ERROR not in user.texts
    del first
    return target


async def test_booking_steps(bot: Harness) -> None:
    bot.staff("Monika W.", "psychologist", telegram_user_id=5001)
    bot.participant("12", "Anna", telegram_user_id=1001, phone="+48601234567")
    monika = bot.user(5001)
    await monika.send("/terminy 08.12 10:00-12:00")
    anna = bot.user(1001)
    await anna.send("/wizyta")
    await double_tap(anna, "Psycholog")
    await double_tap(anna, "wt. 08.12")
    await double_tap(anna, "10:00")
    confirmation = await double_tap(anna, "Tak, umawiam")
    with bot.db.session() as s:
        assert len(s.exec(select(Booking)).all()) == 1  # booked once
    # The second tap is the same booking, not "someone took this time" to its own owner.
    assert confirmation.content.startswith("Umówione")
    assert not any("zajął" in text for text in anna.texts)


async def test_withdrawing_a_slot_and_turning_pages(bot: Harness) -> None:
    monika_row = bot.staff("Monika W.", "psychologist", telegram_user_id=5001)
    for day in ("08.12", "09.12", "10.12", "11.12"):
        bot.make.slots(monika_row, day, "08:00-16:00", minutes=30)
    monika = bot.user(5001)
    await monika.send("/terminy")
    listing = await double_tap(monika, common.PAGE_NEXT)
    assert "Strona 2 z" in listing.content
    await double_tap(monika, common.PAGE_PREVIOUS, listing)
    await double_tap(monika, "✖", listing)
    await double_tap(monika, "Tak, odwołaj", listing)


async def test_summary_confirm_all_and_one(bot: Harness) -> None:
    bot.staff("Koordynatorka", "coordinator", telegram_user_id=5001)
    people = [bot.participant(str(n), f"Osoba{n}", phone=None, work_site="Biblioteka")
              for n in (1, 2, 3)]
    with bot.db.session() as s:
        for person in people:
            s.add(HourEntry(participant_id=person.id, work_date=date(2026, 12, 7),
                            hours=Decimal(2), status=HourStatus.submitted, source=Source.telegram))
    coord = bot.user(5001)
    await coord.send("/podsumowanie")
    await double_tap(coord, "✅ 07.12 1 ")
    await double_tap(coord, "Potwierdź wszystkie")
    with bot.db.session() as s:
        assert {e.status for e in s.exec(select(HourEntry))} == {HourStatus.confirmed}


async def test_workshop_listing_buttons(bot: Harness) -> None:
    bot.staff("Koordynatorka", "coordinator", telegram_user_id=5001)
    coord = bot.user(5001)
    await coord.send('/warsztat 9.12 10:00 "Sala 2" 20 3 Gotowanie')
    await coord.send("/warsztaty")
    listing = coord.last_message
    await double_tap(coord, "👥", listing)
    await double_tap(coord, "📣", listing)


async def test_menu_and_report_buttons(bot: Harness) -> None:
    bot.staff("Koordynatorka", "coordinator", telegram_user_id=5001)
    coord = bot.user(5001)
    await coord.send("/start")
    await double_tap(coord, coord.last_message.buttons[0].text)
