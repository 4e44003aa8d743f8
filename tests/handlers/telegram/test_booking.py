"""Booking consultations end to end: staff publish, participants book, change, cancel, wait."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from storage.models import Booking, BookingStatus, OutboxMessage, Service, Source
from tests.auxil.harness import Harness


@pytest.fixture
def club(bot: Harness) -> Harness:
    """A psychologist (5001), a career advisor (5002), Anna (1001) and Jan (1002)."""
    bot.staff("Monika W.", "psychologist", telegram_user_id=5001)
    bot.staff("Teresa L.", "career_advisor", telegram_user_id=5002)
    bot.participant("12", "Anna", telegram_user_id=1001, phone="+48601234567")
    bot.participant("13", "Jan", telegram_user_id=1002, phone="+48602345678", gender="M")
    return bot


async def publish(bot: Harness, staff_id: int, text: str) -> str:
    user = bot.user(staff_id)
    await user.send(text)
    return user.last_text


async def book(user, label: str, day: str, time: str) -> str:
    """Click through /wizyta: service, day, time, confirm; the bot's last answer."""
    await user.send("/wizyta")
    await user.press(label)
    await user.press(day)
    await user.press(time)
    await user.press("Tak, umawiam")
    return user.last_text


@pytest.mark.parametrize(("staff_id", "label", "with_whom"), [
    (5001, "Psycholog", "z psychologiem (Monika W.)"),
    (5002, "Doradca zawodowy", "z doradcą zawodowym (Teresa L.)"),
])
async def test_book_a_consultation_by_buttons(club: Harness, staff_id: int, label: str,
                                              with_whom: str) -> None:
    assert "Dodano 3 terminy" in await publish(club, staff_id, "/terminy 08.12 10:00-13:00")
    anna = club.user(1001)
    await anna.send("/wizyta")
    await anna.press(label)
    assert anna.buttons() == ["wt. 08.12"]
    await anna.press("wt. 08.12")
    assert anna.buttons() == ["10:00", "11:00", "12:00"]
    await anna.press("11:00")
    assert "wtorek, 8 grudnia, godz. 11:00" in anna.last_text
    await anna.press("Tak, umawiam")
    assert f"Rozmowa {with_whom}: wtorek, 8 grudnia, godz. 11:00, 60 min." in anna.last_text
    assert "zadzwonimy na Twój numer" in anna.last_text
    # One upcoming booking per service: a second try offers change or cancel instead.
    await anna.send("/wizyta")
    await anna.press(label)
    assert "Masz już umówioną wizytę" in anna.last_text
    assert anna.buttons() == ["✏️ Zmień termin", "✖ Odwołaj"]


async def test_video_slots_say_how_to_join(club: Harness) -> None:
    await publish(club, 5002, "/terminy 09.12 9:00-10:00 wideo https://meet.example/kis")
    anna = club.user(1001)
    await book(anna, "Doradca zawodowy", "śr. 09.12", "09:00")
    assert "Rozmowa wideo: https://meet.example/kis" in anna.last_text


async def test_slot_taken_meanwhile_offers_other_times(club: Harness) -> None:
    await publish(club, 5001, "/terminy 08.12 10:00-12:00")
    anna, jan = club.user(1001), club.user(1002)
    for person in (anna, jan):
        await person.send("/wizyta")
        await person.press("Psycholog")
        await person.press("wt. 08.12")
        await person.press("10:00")
    await anna.press("Tak, umawiam")
    await jan.press("Tak, umawiam")  # Jan's confirm button is now stale
    assert "Ktoś właśnie zajął ten termin" in jan.last_text
    assert jan.buttons() == ["11:00"]
    await jan.press("11:00")
    await jan.press("Tak, umawiam")
    assert "Umówione!" in jan.last_text


async def test_mine_change_and_cancel(club: Harness) -> None:
    await publish(club, 5001, "/terminy 08.12 10:00-12:00")
    anna = club.user(1001)
    await anna.send("/moje")
    assert "Nie masz umówionych wizyt" in anna.last_text
    await book(anna, "Psycholog", "wt. 08.12", "10:00")
    await anna.send("/moje")
    assert "godz. 10:00" in anna.last_text
    await anna.press("✏️ Zmień termin")
    await anna.press("wt. 08.12")
    await anna.press("11:00")
    assert "Nowy termin: wtorek, 8 grudnia, godz. 11:00" in anna.last_text
    await anna.send("/moje")
    await anna.press("✖ Odwołaj")
    await anna.press("Nie, zostaw")
    assert anna.last_text == "Dobrze, wizyta zostaje."
    await anna.send("/moje")
    await anna.press("✖ Odwołaj")
    await anna.press("Tak, odwołaj")
    assert anna.last_text.startswith("Odwołano wizytę")
    with club.db.session() as s:
        assert sorted(b.status for b in s.exec(select(Booking))) == [BookingStatus.cancelled] * 2
    await anna.press_data("bk:cxok:1", message=anna.last_message)  # an old button again
    assert "Tej wizyty już nie ma" in anna.last_text


async def test_cancel_too_late(club: Harness) -> None:
    await publish(club, 5001, "/terminy 07.12 10:00-11:00")  # today 10:00, now 09:00
    anna = club.user(1001)
    await book(anna, "Psycholog", "pon. 07.12", "10:00")
    await anna.send("/moje")
    assert anna.last_message.labels == []  # too late: neither change nor cancel is offered
    with club.db.session() as s:
        booking_id = s.exec(select(Booking.id)).one()
    await anna.press_data(f"bk:cxok:{booking_id}", message=anna.last_message)  # an old button
    assert "najpóźniej 2 godziny przed" in anna.last_text


async def test_waiting_list_first_come_first_served(club: Harness) -> None:
    anna, jan = club.user(1001), club.user(1002)
    for person in (anna, jan):
        await person.send("/wizyta")
        await person.press("Psycholog")
        assert "nie ma wolnych terminów" in person.last_text
        await person.press("Powiadom mnie")
    assert "jesteś 2. w kolejce" in jan.last_text and "Kto pierwszy" in jan.last_text
    await publish(club, 5001, "/terminy 08.12 10:00-11:00")
    with club.db.session() as s:
        notes = s.exec(select(OutboxMessage).order_by(OutboxMessage.due_at)).all()
    assert [n.chat_id for n in notes] == [1001, 1002]
    assert all("psycholog" not in n.text.lower() for n in notes)


async def test_staff_agenda_marking_and_withdrawing(club: Harness) -> None:
    await publish(club, 5001, "/terminy 07.12 10:00-13:00")
    anna = club.user(1001)
    await book(anna, "Psycholog", "pon. 07.12", "10:00")
    monika = club.user(5001)
    await monika.send("/agenda")
    assert "10:00 – Anna Testowa (12), tel. +48601234567" in monika.last_text
    assert "11:00 – wolne" in monika.last_text
    assert monika.buttons() == []  # nothing has ended yet
    club.clock.set(datetime(2026, 12, 7, 10, 5, tzinfo=UTC))  # 11:05 Warsaw
    await monika.send("/agenda")
    await monika.press("✅ 10:00 Anna")
    assert monika.last_answer["text"] == "Zapisano: wizyta odbyła się ✅"
    await monika.send("/terminy")
    assert monika.buttons() == ["✖ pon. 07.12 12:00"]  # only future slots can be withdrawn
    await monika.press("✖ pon. 07.12 12:00")
    await monika.press("Tak, odwołaj")
    assert monika.last_text == "Termin usunięty."
    with club.db.session() as s:
        assert s.exec(select(Booking.status)).all() == [BookingStatus.attended]


async def test_withdrawn_booked_slot_tells_the_participant(club: Harness) -> None:
    await publish(club, 5001, "/terminy 08.12 10:00-11:00")
    anna = club.user(1001)
    await book(anna, "Psycholog", "wt. 08.12", "10:00")
    monika = club.user(5001)
    await monika.send("/terminy")
    await monika.press("✖ wt. 08.12 10:00")
    assert "zarezerwowany przez: Anna Testowa" in monika.last_text
    await monika.press("Tak, odwołaj")
    with club.db.session() as s:
        [note] = s.exec(select(OutboxMessage)).all()
    assert note.chat_id == 1001 and "odwołana" in note.text and note.text.endswith("/wizyta")
    assert note.payload["sms_text"].endswith("WIZYTA")  # if Telegram is blocked: the SMS form


async def test_publishing_errors_are_explained(club: Harness) -> None:
    assert "dzień wolny od pracy" in await publish(club, 5001, "/terminy 24.12 10:00-12:00")
    assert "Dodano 2 terminy" in await publish(club, 5001, "/terminy 24.12 10:00-12:00 święto")
    assert "Ten czas już minął" in await publish(club, 5001, "/terminy 07.12 07:00-08:00")
    assert "Użycie: /terminy" in await publish(club, 5001, "/terminy jutro rano")
    coordinator = club.staff("Jan K.", "coordinator", telegram_user_id=5009)
    assert coordinator.id
    assert "nie jest dostępna" in await publish(club, 5009, "/terminy 08.12 10:00-12:00")


async def test_record_a_consultation_held_outside_the_bot(club: Harness) -> None:
    assert "Zapisano konsultację: uczestnik 12" in await publish(
        club, 5002, "/konsultacja 12 03.12 10:00 45")
    assert "Nie ma uczestnika o numerze 99" in await publish(club, 5002, "/konsultacja 99 03.12 10:00")
    assert "Użycie" in await publish(club, 5002, "/konsultacja 12")
    with club.db.session() as s:
        [b] = s.exec(select(Booking)).all()
    assert (b.service, b.status, b.minutes, b.source) == (Service.career_advisor, BookingStatus.attended, 45,
                                                             Source.staff)
