"""/godziny through the real PTB stack: overview, logging, every limit, corrections, deletion."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from storage.models import HourEntry, HourStatus
from tests.auxil.harness import Harness


def plain(text: str) -> str:
    return text.replace("\xa0", " ")


async def test_overview_and_logging_with_buttons_and_commands(bot: Harness) -> None:
    anna = bot.in_psu()
    await anna.send("/godziny")
    assert "• dziś: 0 godzin" in anna.last_text
    assert "ten tydzień: 0 godzin (zostało 10 godzin)" in anna.last_text
    assert "Za ten miesiąc: 0,00 zł" in plain(anna.last_text)
    assert anna.buttons()[:4] == ["1 h", "2 h", "3 h", "4 h"] and "8 h" in anna.buttons()
    await anna.press("4 h")
    assert anna.last_text.startswith("Zapisano 4 godziny za poniedziałek, 7 grudnia. Dziękujemy!")
    assert "Zostało w tym tygodniu: 6 godzin, w tym miesiącu: 36 godzin." in anna.last_text
    await anna.send("/godziny 4,5")  # the same day again: replaces, and says so
    assert anna.last_text.startswith("Zmieniono wpis za poniedziałek, 7 grudnia: było 4 godziny, "
                                     "jest 4,5 godziny.")
    await anna.send("/hours 1 03.12")
    assert "Zapisano 1 godzinę za czwartek, 3 grudnia" in anna.last_text
    await anna.send("/godziny")
    assert "⏳ czw. 03.12 – 1 godzina" in anna.last_text
    assert "(część czeka na potwierdzenie)" in anna.last_text
    with bot.db.session() as s:
        assert [(e.work_date.day, e.hours) for e in s.exec(select(HourEntry).order_by(
            HourEntry.work_date))] == [(3, 1), (7, 4.5)]


async def test_every_limit_and_the_window_are_explained(bot: Harness) -> None:
    anna = bot.in_psu()
    await anna.send("/godziny 8,5")
    assert anna.last_text == "Limit dzienny to 8 godzin. Tego dnia możesz wpisać jeszcze 8 godzin."
    await anna.send("/godziny 8")
    bot.clock.advance(timedelta(days=1))
    await anna.send("/godziny 3")
    assert anna.last_text == ("Limit tygodniowy to 10 godzin. W tym tygodniu możesz wpisać "
                              "jeszcze 2 godziny.")
    await anna.send("/godziny")
    assert anna.buttons()[:2] == ["1 h", "2 h"] and "3 h" not in anna.buttons()
    await anna.send("/godziny 2")
    await anna.send("/godziny")
    assert "Na razie nie możesz wpisać więcej godzin." in anna.last_text
    # The month: the week before (1-2 Dec, still in the window) and two more weeks make 40 h;
    # on 28 December the new week has room, the month has none.
    await anna.send("/godziny 8 01.12")
    await anna.send("/godziny 2 02.12")
    for monday in (14, 21):
        bot.clock.set(bot.clock.now().replace(day=monday))
        await anna.send("/godziny 8")
        bot.clock.set(bot.clock.now().replace(day=monday + 1))
        await anna.send("/godziny 2")
    bot.clock.set(bot.clock.now().replace(day=28))
    await anna.send("/godziny 1")
    assert anna.last_text == ("Limit miesięczny to 40 godzin. W tym miesiącu nie możesz już "
                              "wpisać więcej godzin.")
    await anna.send("/godziny 1 20.12")  # 8 days back
    assert "za daleko wstecz (można do 7 dni)" in anna.last_text
    await anna.send("/godziny 1 29.12")  # tomorrow
    assert "Nie można wpisać godzin z wyprzedzeniem" in anna.last_text
    for bad in ("/godziny 4,25", "/godziny cztery", "/godziny 1 2 3", "/godziny 1 31.02"):
        await anna.send(bad)
        assert anna.last_text.startswith("Użycie: /godziny 4"), bad


async def test_correct_and_delete_until_confirmed(bot: Harness) -> None:
    anna = bot.in_psu()
    await anna.send("/godziny 3 05.12")
    await anna.send("/godziny 4")
    await anna.send("/godziny")
    await anna.press("✏️ 05.12")
    assert anna.last_text == "Ile godzin wpisać za sobotę, 5 grudnia?"
    await anna.press("2 h")
    assert "było 3 godziny, jest 2 godziny" in anna.last_text
    await anna.send("/godziny")
    await anna.press("🗑 07.12")
    assert anna.last_text.startswith("Usunięto wpis za poniedziałek, 7 grudnia (4 godziny).")
    assert "• dziś: 0 godzin" in anna.last_text
    with bot.db.session() as s:
        entry = s.exec(select(HourEntry)).one()
        entry.status = HourStatus.confirmed
    for data in (f"hr:del:{entry.id}", f"hr:fix:{entry.id}", f"hr:set:{entry.id}:1"):
        await anna.press_data(data)
        assert "są już potwierdzone. Zmianę zgłoś osobie, która Cię prowadzi." in anna.last_text, data
    await anna.send("/godziny 5 05.12")
    assert "są już potwierdzone" in anna.last_text


async def test_forged_buttons_and_other_peoples_entries(bot: Harness) -> None:
    anna = bot.in_psu()
    bob = bot.in_psu("13", 1002, "Bob")
    await bob.send("/godziny 2")
    with bot.db.session() as s:
        bobs = s.exec(select(HourEntry)).one().id
    await anna.send("/godziny")
    for data in ("hr:log:2026-13-01:4", "hr:log:2026-12-07:99", "hr:zzz", "hr:set:1:4.25"):
        await anna.press_data(data)
        assert anna.last_answer is not None
        assert anna.last_answer.get("text") in ("Ten przycisk jest już nieaktualny.", None), data
    await anna.press_data("hr:log:2026-12-08:4")
    assert "z wyprzedzeniem" in anna.last_text
    await anna.press_data("hr:log:2026-12-07:12")
    assert "Podaj liczbę godzin" in anna.last_text or "Limit dzienny" in anna.last_text
    for data in (f"hr:del:{bobs}", f"hr:fix:{bobs}", f"hr:set:{bobs}:1"):
        await anna.press_data(data)
        assert anna.last_text == "Tego wpisu już nie ma.", data
    with bot.db.session() as s:
        assert s.exec(select(HourEntry)).one().hours == 2


async def test_only_participants_in_psu(bot: Harness) -> None:
    bot.participant("14", "Celina", phone=None, telegram_user_id=1003)
    celina = bot.user(1003, "Celina")
    await celina.send("/godziny")
    assert celina.last_text == "Nie masz przydzielonego miejsca pracy. Zapytaj osobę, która Cię prowadzi."
    await celina.send("/godziny 4")
    assert celina.last_text == "Nie masz przydzielonego miejsca pracy. Zapytaj osobę, która Cię prowadzi."
    bot.staff("Monia", "psychologist", telegram_user_id=7003)
    monika = bot.user(7003, "Monia")
    await monika.send("/godziny")
    assert monika.last_text == "Ta funkcja nie jest dostępna na Twoim koncie."
