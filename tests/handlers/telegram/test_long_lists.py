"""Long lists at ten times a club's size stay within Telegram's limits, paged with ◀ ▶.

The strict stand-in refuses any text over 4,096 characters or keyboard over 100 buttons, so
every test here also proves that nothing was refused; each walks every page and checks that
every entry is reachable exactly once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import holidays
from sqlmodel import select

from bot.sandbox.botapi import SentMessage
from handlers.telegram.paging import Item, paginate, split_text
from handlers.texts import common
from storage import workshops
from storage.models import HourEntry, HourStatus, Participant, Source
from tests.auxil.harness import Harness
from tests.auxil.tg import TelegramUser

NEXT, PREVIOUS = common.PAGE_NEXT, common.PAGE_PREVIOUS


def within_limits(message: SentMessage) -> None:
    assert 1 <= len(message.content) <= 4096, len(message.content)
    assert len(message.buttons) <= 100
    assert all(len((b.callback_data or "x").encode()) <= 64 for b in message.buttons)


async def walk(user: TelegramUser, message: SentMessage | None = None) -> list[SentMessage]:
    """Press ▶ until the last page; the states of the one message, page by page."""
    message = message or user.last_message
    seen = [_copy(message)]
    while NEXT in message.labels:
        await user.press(NEXT, message=message)
        assert user.messages[-1].message_id >= message.message_id  # edited, no new message
        within_limits(message)
        seen.append(_copy(message))
    return seen


def _copy(message: SentMessage) -> SentMessage:
    copy = SentMessage(message.chat_id, message.message_id, message.date, message.text)
    copy.set_markup(message.raw_markup)
    return copy


def many(bot: Harness, count: int, *, first: int = 100) -> list[Participant]:
    return [bot.participant(str(first + n), f"Osoba{n:03d}", phone=f"+4860{n:07d}")
            for n in range(count)]


async def test_agenda_of_a_full_week_80_bookings(bot: Harness) -> None:
    advisor = bot.staff("Teresa L.", "career_advisor", telegram_user_id=5002)
    bot.clock.set(datetime(2026, 12, 6, 12, 0, tzinfo=UTC))
    slots = []
    for day in ("07.12", "08.12", "09.12", "10.12", "11.12"):
        slots += bot.make.slots(advisor, day, "08:00-16:00", minutes=30)
    people = many(bot, 80)
    for person, slot in zip(people, slots, strict=True):
        bot.make.booking(person, slot)
    bot.clock.set(datetime(2026, 12, 7, 15, 30, tzinfo=UTC))  # Monday's 16 have ended
    teresa = bot.user(5002, "Teresa")
    await teresa.send("/agenda")
    within_limits(teresa.last_message)
    pages = await walk(teresa)
    assert len(pages) >= 2
    text = "\n".join(p.content for p in pages)
    assert all(text.count(f"Osoba{n:03d} ") == 1 for n in range(80))
    marks = [b.callback_data for p in pages for b in p.buttons if b.text.startswith("✅")]
    assert len(marks) == len(set(marks)) == 16
    for page in pages[1:]:  # a page that starts inside a day repeats the day
        assert page.content.lstrip().startswith("📅")
    assert f"Strona {len(pages)} z {len(pages)}" in pages[-1].content
    await teresa.press(PREVIOUS)
    assert teresa.last_message.content == pages[-2].content
    await teresa.press_data("ag:pg:9999")  # beyond the end: the last page (the list shrank)
    assert teresa.last_message.content == pages[-1].content
    await teresa.press_data("ag:pg:0")
    await teresa.press("✅ 09:00 Osoba002")
    assert teresa.last_answer is not None


async def test_own_slots_five_weeks_of_45_minute_slots(bot: Harness) -> None:
    advisor = bot.staff("Teresa L.", "career_advisor", telegram_user_id=5002)
    first = datetime(2026, 12, 8).date()
    days = [first + timedelta(days=d) for d in range(35)]
    slots = []
    for day in days:
        if day.weekday() < 5 and day not in holidays.Poland(years=day.year):
            slots += bot.make.slots(advisor, f"{day:%d.%m.%Y}", "08:00-16:00", minutes=45)
    assert len(slots) >= 200  # 21 working days of ten 45-minute slots
    teresa = bot.user(5002, "Teresa")
    await teresa.send("/terminy")
    pages = await walk(teresa)
    withdraw = [b.callback_data for p in pages for b in p.buttons if b.text.startswith("✖")]
    assert sorted(withdraw) == sorted(f"ag:cx:{s.id}" for s in slots)  # every slot reachable
    assert sum(p.content.count(" – ") for p in pages) == len(slots)


async def test_workshops_names_and_attendance_of_150(bot: Harness) -> None:
    coordinator = bot.staff("Koordynatorka", "coordinator", telegram_user_id=5001)
    now = bot.clock.now()
    made = [bot.db.call(workshops.create, title=f"Warsztat {n:02d}", place="Sala 2",
                        starts_at=now + timedelta(hours=2, days=n // 4), capacity=200,
                        hours=Decimal(2), staff_id=coordinator.id, now=now) for n in range(40)]
    people = many(bot, 160)
    bot.make.invite_everyone(made[0].id)  # type: ignore[arg-type]
    for person in people[:150]:
        bot.db.call(workshops.answer, workshop_id=made[0].id, participant_id=person.id, yes=True,
                    now=now)
    coord = bot.user(5001, "Koordynatorka")
    await coord.send("/warsztaty")
    pages = await walk(coord)
    assert len(pages) >= 2
    text = "\n".join(p.content for p in pages)
    assert all(f"Warsztat {n:02d}" in text for n in range(40))
    assert {b.callback_data for p in pages for b in p.buttons} >= {
        f"ws:att:{w.id}" for w in made}

    await coord.press_data(f"ws:list:{made[0].id}", message=coord.last_message)
    names = await walk(coord)
    listed = "\n".join(p.content for p in names)
    assert all(listed.count(f"Osoba{n:03d} ") == 1 for n in range(150))
    assert "Będą (150/200):" in names[-1].content  # the heading repeats on every page

    bot.clock.set(now + timedelta(hours=3))
    listing = coord.messages[0]
    await coord.press_data(f"ws:att:{made[0].id}", message=listing)
    attendance = await walk(coord, listing)
    toggles = [b.callback_data for p in attendance for b in p.buttons
               if (b.callback_data or "").startswith("ws:mark:")]
    assert sorted(toggles) == sorted(f"ws:mark:{made[0].id}:{p.id}" for p in people[:150])
    last_person = toggles[-1]
    await coord.press_data(last_person, message=listing)  # marking stays on their page
    assert last_person in [b.callback_data for b in listing.buttons]
    assert "✅" in next(b.text for b in listing.buttons if b.callback_data == last_person)


async def test_a_large_summary_comes_in_parts_and_keeps_the_entries_to_confirm(
        bot: Harness) -> None:
    bot.staff("Koordynatorka", "coordinator", telegram_user_id=5001)
    people = [bot.participant(str(100 + n), f"Osoba{n:03d}", phone=None,
                              work_site=f"Miejsce {n % 12}") for n in range(300)]
    today = bot.clock.now().date()
    with bot.db.session() as s:
        for person in people:
            s.add(HourEntry(participant_id=person.id, work_date=today, hours=Decimal(3),
                            status=HourStatus.submitted, source=Source.telegram))
    coord = bot.user(5001, "Koordynatorka")
    await coord.send("/podsumowanie")
    parts = coord.messages
    assert len(parts) >= 2
    for part in parts:
        within_limits(part)
    text = "\n".join(p.content for p in parts)
    assert "Do potwierdzenia: 300 wpisów." in text  # the last line is never cut off
    assert all(f"Osoba{n:03d}" in text for n in range(300))
    assert parts[-1].has_inline_keyboard and not any(p.buttons for p in parts[:-1])
    await coord.press("Potwierdź wszystkie", message=parts[-1])
    assert not parts[-1].buttons  # the pressed buttons are gone; the new summary follows
    assert "Potwierdzono" in "\n".join(m.content for m in coord.messages[len(parts):])
    with bot.db.session() as s:
        assert {e.status for e in s.exec(select(HourEntry))} == {HourStatus.confirmed}


def test_paginate_respects_characters_rows_and_groups() -> None:
    items = [Item(f"linia {n} " + "x" * 90, [[(str(n), f"d:{n}")]], group=f"dzień {n // 30}")
             for n in range(300)]
    pages = paginate(items, chars=1000, rows=7)
    assert all(page.size <= 1000 and len(page.rows) <= 7 for page in pages)
    flat = [line for page in pages for line in page.lines if line.startswith("linia")]
    assert flat == [item.text for item in items]
    assert all(page.lines[0].startswith("dzień") for page in pages)


def test_split_text_cuts_at_line_ends_and_loses_nothing() -> None:
    text = "\n".join(f"wiersz {n}" for n in range(2000))
    parts = split_text(text, 4000)
    assert len(parts) > 1 and all(len(part) <= 4000 for part in parts)
    assert "\n".join(parts) == text  # every cut is at a line end
    long_line = split_text("a\n" + "y" * 9000, 4000)  # only a line too long alone is cut
    assert long_line == ["a", "y" * 4000, "y" * 4000, "y" * 1000]
    assert split_text("krótko") == ["krótko"]


async def test_many_short_slots_of_one_day_are_paged_and_each_can_be_booked(
        bot: Harness) -> None:
    staff = [bot.staff(f"Psycholog {n}", "psychologist", telegram_user_id=5001 + n)
             for n in range(3)]
    slots = [slot for member in staff
             for slot in bot.make.slots(member, "08.12", "08:00-16:00", minutes=10)]
    assert len(slots) == 144  # three psychologists, ten-minute slots: over 100 buttons
    bot.participant("12", "Anna", telegram_user_id=1001, phone="+48601234567")
    anna = bot.user(1001)
    await anna.send("/wizyta")
    await anna.press("Psycholog")
    await anna.press("wt. 08.12")
    pages = await walk(anna)
    offered = [b.callback_data for p in pages for b in p.buttons
               if (b.callback_data or "").startswith("bk:t:")]
    assert sorted(offered) == sorted(f"bk:t:{s.id}" for s in slots)
    await anna.press("15:50", message=anna.last_message)  # on the last page
    await anna.press("Tak, umawiam")
    assert "godz. 15:50" in anna.last_text
