"""Issue 19 on Telegram: the words read right, fit the person and the channel, promise only
what will happen, and reminders stay discreet unless the person chose otherwise."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.scheduler import run_all_once
from storage import consultations
from storage.models import OutboxMessage, Participant
from tests.auxil.harness import LIBRARY, Harness


@pytest.fixture
def club(bot: Harness) -> Harness:
    """A psychologist (5001) with slots on Tuesday 8 and Wednesday 9 December; Anna (1001)."""
    member = bot.staff("Monika W.", "psychologist", telegram_user_id=5001)
    bot.make.slots(member, "08.12", "10:00-12:00")
    bot.make.slots(member, "09.12", "10:00-12:00")
    bot.participant("12", "Anna", telegram_user_id=1001, phone="+48601234567")
    return bot


async def choose(user, *presses: str) -> str:
    await user.send("/wizyta")
    for label in presses:
        await user.press(label)
    return user.last_text


async def test_weekdays_after_prepositions_are_in_their_case(club: Harness) -> None:
    anna = club.user(1001)
    await choose(anna, "Psycholog", "śr. 09.12", "10:00", "Tak, umawiam")
    await anna.send("/moje")
    await anna.press("✖ Odwołaj")
    await anna.press("Tak, odwołaj")
    assert anna.last_text.startswith("Odwołano wizytę w środę, 9 grudnia, godz. 10:00.")
    monika = club.user(5001, "Monika")
    await monika.send("/terminy 15.12 10:00-12:00")
    assert monika.last_text == "Dodano 2 terminy od wtorku, 15 grudnia, godz. 10:00."


async def test_the_marking_prompt_reads_right(club: Harness) -> None:
    anna = club.user(1001)
    await choose(anna, "Psycholog", "śr. 09.12", "10:00", "Tak, umawiam")
    club.clock.set(datetime(2026, 12, 9, 10, 0, tzinfo=UTC))  # 11:00 Warsaw, it has ended
    await run_all_once(club.live.app)
    prompt = club.api.chat(5001)[-1].text
    assert prompt.startswith("Konsultacja w środę, 9 grudnia, godz. 10:00 – Anna Testowa")


async def test_holidays_are_named_in_polish(club: Harness) -> None:
    monika = club.user(5001, "Monika")
    await monika.send("/terminy 24.12 10:00-12:00")
    assert monika.last_text.startswith("Wigilia Bożego Narodzenia to dzień wolny od pracy.")
    assert "Christmas" not in monika.last_text


async def test_no_call_is_promised_without_a_phone_number(club: Harness) -> None:
    club.participant("14", "Celina", telegram_user_id=1003, phone=None)
    club.deps.settings.club_phone = "77 483 20 10"
    celina = club.user(1003, "Celina")
    question = await choose(celina, "Psycholog", "wt. 08.12", "10:00")
    assert "zadzwonimy" not in question
    assert ("Nie mamy Twojego numeru telefonu, więc nie możemy zadzwonić: zadzwoń pod "
            "77 483 20 10 i podaj go") in question
    booked = await choose(celina, "Psycholog", "wt. 08.12", "11:00", "Tak, umawiam")
    assert "zadzwonimy" not in booked and "więc nie możemy zadzwonić" in booked


async def test_a_reminder_is_promised_only_if_it_will_be_sent(club: Harness) -> None:
    anna = club.user(1001)
    booked = await choose(anna, "Psycholog", "śr. 09.12", "10:00", "Tak, umawiam")
    assert "Przypomnimy Ci dzień i godzinę wcześniej." in booked
    await anna.send("/moje")
    await anna.press("✖ Odwołaj")
    await anna.press("Tak, odwołaj")
    # Booked on Monday 09:00 for Tuesday 08:00... the day-before moment has passed.
    club.clock.set(datetime(2026, 12, 7, 9, 30, tzinfo=UTC))  # 10:30 Warsaw on Monday
    tomorrow = await choose(anna, "Psycholog", "wt. 08.12", "10:00", "Tak, umawiam")
    assert "dzień" not in tomorrow.split("\n")[-1]
    assert "Przypomnimy Ci godzinę wcześniej." in tomorrow


async def test_too_late_to_cancel_gives_the_clubs_number(club: Harness) -> None:
    club.deps.settings.club_phone = "77 483 20 10"
    anna = club.user(1001)
    await choose(anna, "Psycholog", "wt. 08.12", "10:00", "Tak, umawiam")
    await anna.send("/moje")
    await anna.press("✖ Odwołaj")  # asked in time, confirmed too late (an old message's button)
    club.clock.set(datetime(2026, 12, 8, 8, 30, tzinfo=UTC))  # 09:30 Warsaw: 30 min before
    await anna.press("Tak, odwołaj")
    assert anna.last_text == ("Wizytę można odwołać najpóźniej 2 godziny przed jej początkiem. "
                              "Jeśli nie możesz przyjść, zadzwoń: 77 483 20 10.")


async def test_reminders_are_discreet_until_the_person_chooses(club: Harness) -> None:
    anna = club.user(1001)
    await choose(anna, "Psycholog", "wt. 08.12", "11:00", "Tak, umawiam")
    club.clock.set(datetime(2026, 12, 7, 10, 0, tzinfo=UTC))  # 11:00 Warsaw, a day before
    await run_all_once(club.live.app)
    discreet = club.api.chat(1001)[-1].text
    assert discreet.startswith("⏰ Przypomnienie: wtorek, 8 grudnia, godz. 11:00 – umówiona rozmowa.")
    assert "psycholog" not in discreet.lower()
    await anna.send("/przypomnienia")
    assert "Teraz masz: dyskretne." in anna.last_text
    await anna.press("🏷 Z nazwą rozmowy")
    assert anna.last_text == "Zapisane: przypomnienia z nazwą rozmowy."
    with club.db.session() as s:
        assert s.exec(select(Participant.name_help).where(Participant.number == "12")).one()
    club.clock.set(datetime(2026, 12, 8, 9, 0, tzinfo=UTC))  # an hour before
    await run_all_once(club.live.app)
    named = club.api.chat(1001)[-1].text
    assert "– rozmowa z psychologiem." in named
    with club.db.session() as s:  # the SMS form, should Telegram be blocked, stays neutral
        message = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "reminder")
                         .order_by(OutboxMessage.id.desc())).first()
        assert "psycholog" not in message.payload["sms_text"]


async def test_texts_fit_the_person(club: Harness) -> None:
    jan = club.participant("13", "Jan", telegram_user_id=1002, phone=None, gender="M")
    assert jan.gender == "M"
    await club.user(1002, "Jan").send("/start")
    await club.user(1002, "Jan").send("/pomoc")
    help_text = club.user(1002, "Jan").last_text
    assert "/wizyta –" in help_text and "(/book)" not in help_text and "(/help)" not in help_text
    await club.user(1002, "Jan").send("/book")  # the alias still works
    assert club.user(1002, "Jan").last_text.startswith("Z kim chcesz porozmawiać?")
    await club.user(5001, "Monika").send("/pomoc")
    assert "(/slots)" in club.user(5001, "Monika").last_text  # staff see the aliases


async def test_a_freed_slot_is_announced_in_each_persons_channel(club: Harness) -> None:
    olek = club.participant("15", "Olek", phone="+48603000111", gender="M")  # SMS only
    ewa = club.participant("16", "Ewa", telegram_user_id=1004, phone="+48604000111")
    for person in (olek, ewa):
        club.db.call(consultations.join_waitlist, participant_id=person.id,
                     service="psychologist", now=club.clock.now())
    anna = club.user(1001)
    await choose(anna, "Psycholog", "wt. 08.12", "10:00", "Tak, umawiam")
    await anna.send("/moje")
    await anna.press("✖ Odwołaj")
    await anna.press("Tak, odwołaj")
    with club.db.session() as s:
        notices = {m.participant_id: m for m in s.exec(
            select(OutboxMessage).where(OutboxMessage.dedupe_key.startswith("waitlist:")))}
    assert notices[olek.id].channel == "sms" and notices[olek.id].text.endswith("Umów się: WIZYTA")
    assert notices[ewa.id].channel == "telegram" and notices[ewa.id].text.endswith("Umów się: /wizyta")
    assert notices[ewa.id].payload["sms_text"].endswith("WIZYTA")
    assert "/wizyta" not in notices[olek.id].text and "SMS" not in notices[ewa.id].text


@pytest.mark.parametrize(("gender", "question"), [("M", "Ile godzin dziś pracowałeś?"),
                                                  ("K", "Ile godzin dziś pracowałaś?")])
async def test_hours_ask_in_the_persons_gender(bot: Harness, gender: str, question: str) -> None:
    bot.participant("14", "Kim", phone=None, telegram_user_id=1003, work_site=LIBRARY, gender=gender)
    kim = bot.user(1003, "Kim")
    await kim.send("/godziny")
    assert kim.last_text.endswith(question) and "/aś" not in kim.last_text


async def test_a_past_day_is_refused_and_next_years_shows_its_year(club: Harness) -> None:
    monika = club.user(5001, "Monika")
    await monika.send("/terminy 01.12 10:00-12:00")
    assert monika.last_text == "Ten czas już minął – podaj przyszły dzień lub godzinę."
    await monika.send("/terminy 05.01 10:00-12:00")
    assert monika.last_text == "Dodano 2 terminy od wtorku, 5 stycznia 2027, godz. 10:00."
    await monika.send("/terminy 15.12 10:00-11:00")
    assert monika.last_text == "Dodano 1 termin od wtorku, 15 grudnia, godz. 10:00."


async def test_changing_is_offered_only_while_it_is_allowed(club: Harness) -> None:
    club.deps.settings.club_phone = "77 483 20 10"
    anna = club.user(1001)
    await choose(anna, "Psycholog", "wt. 08.12", "10:00", "Tak, umawiam")
    await anna.send("/moje")
    assert anna.buttons() == ["✏️ Zmień termin", "✖ Odwołaj"]
    club.clock.set(datetime(2026, 12, 8, 8, 30, tzinfo=UTC))  # 09:30 Warsaw: 30 min before
    await anna.send("/moje")
    assert anna.last_message.labels == [] and anna.last_text.endswith("zadzwoń: 77 483 20 10.")
    await anna.send("/wizyta")
    await anna.press("Psycholog")
    assert anna.last_message.labels == [] and "Możesz zmienić" not in anna.last_text
