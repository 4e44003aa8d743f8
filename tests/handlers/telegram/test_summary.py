"""Staff through the real PTB stack: /podsumowanie with confirmation, /wpis, /odrzuc, /rozliczenie."""

from __future__ import annotations

import asyncio
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from storage import hours_summary, rates, versions
from storage.db import Database, short
from storage.models import AuditLog, HourEntry, HourStatus, Participant, Source
from tests.auxil.harness import Harness


async def test_summary_confirm_one_then_all(bot: Harness) -> None:
    anna, bob = bot.in_psu(), bot.in_psu("13", 1002, "Bob")
    bot.in_psu("14", 1003, "Cezary")
    await anna.send("/godziny 4")
    await anna.send("/godziny 3 04.12")
    await bob.send("/godziny 8")
    bot.staff("Jan K.", "social_worker", telegram_user_id=7001)
    jan = bot.user(7001, "Jan")
    await jan.send("/podsumowanie")
    text = jan.last_text
    assert text.startswith("Podsumowanie godzin PSU – poniedziałek, 7 grudnia")
    assert "📍 Miejska Biblioteka Publiczna (12 godzin):" in text
    assert "12 Anna Testowa – 4 godziny" in text and "13 Bob Testowa – 8 godzin" in text
    assert "Bez godzin w tym tygodniu (1 osoba):\n  • 14 Cezary Testowa" in text
    assert "Blisko limitu:\n  • 13 Bob Testowa: tydzień 8 godzin (zostało 2)" in text
    assert "Do potwierdzenia: 3 wpisy." in text
    assert jan.buttons()[0] == "✅ Potwierdź wszystkie (3)"
    await jan.press("✅ 04.12 12")
    assert jan.last_text.startswith("Potwierdzono: 1.")
    assert jan.buttons()[0] == "✅ Potwierdź wszystkie (2)"
    await jan.press("✅ Potwierdź wszystkie (2)")
    assert jan.last_text.startswith("Potwierdzono: 2.") and "Nie ma nic do potwierdzenia." in jan.last_text
    await anna.send("/godziny")
    assert "✅ pon. 07.12 – 4 godziny" in anna.last_text and "✏️" not in "".join(anna.buttons())
    with bot.db.session() as s:
        assert {e.status for e in s.exec(select(HourEntry))} == {HourStatus.confirmed}
        assert len([a for a in s.exec(select(AuditLog)) if a.action == "hours_confirm"]) == 3


async def test_staff_add_correct_reject_with_reasons(bot: Harness) -> None:
    anna = bot.in_psu()
    await anna.send("/godziny 4")
    bot.staff("Ewa", "coordinator", telegram_user_id=7002)
    ewa = bot.user(7002, "Ewa")
    await ewa.send("/wpis 12 5 lista obecności")
    assert ewa.last_text == ("Zapisano i potwierdzono: uczestnik 12, poniedziałek, 7 grudnia – "
                             "5 godzin (było 4 godziny).")
    await ewa.send("/wpis 12 2 05.12")
    assert "sobota, 5 grudnia – 2 godziny." in ewa.last_text
    await ewa.send("/wpis 12 9")
    assert ewa.last_text.startswith("Limit dzienny to 8 godzin.")  # staff keep the limits too
    await ewa.send("/wpis 99 2")
    assert ewa.last_text == "Nie ma uczestnika o numerze 99."
    for bad in ("/wpis 12", "/wpis 12 4,25", "/wpis 12 4 31.02", "/wpis 12 4 08.12"):
        await ewa.send(bad)
        assert ewa.last_text.startswith("Użycie: /wpis NUMER GODZINY"), bad
    with bot.db.session() as s:
        entry = s.exec(select(HourEntry).where(HourEntry.work_date == date(2026, 12, 5))).one()
    await ewa.send(f"/odrzuc {entry.id} pomyłka")
    assert ewa.last_text == f"Odrzucono wpis nr {entry.id}: sobota, 5 grudnia – 2 godziny."
    await ewa.send(f"/odrzuc {entry.id} jeszcze raz")
    assert ewa.last_text == "Ten wpis jest odrzucony."
    await ewa.send("/odrzuc abc")
    assert ewa.last_text.startswith("Użycie: /odrzuc")
    with bot.db.session() as s:
        actions = [(a.actor, a.action, (a.details or {}).get("reason")) for a in s.exec(
            select(AuditLog)) if a.action.startswith("hours_staff") or a.action == "hours_reject"]
    assert actions[0][1:] == ("hours_staff_add", "lista obecności")
    assert actions[-1][1:] == ("hours_reject", "pomyłka")


async def test_settlement_document_across_the_rate_change(bot: Harness) -> None:
    for day, amount in ((date(2021, 1, 1), "8.70"), (date(2021, 6, 1), "9.00")):
        bot.db.call(rates.set_rate, kind="psu", amount=Decimal(amount), valid_from=day,
                    actor="cli", now=bot.clock.now())
    bot.in_psu()
    with bot.db.session() as s:
        pid = s.exec(select(Participant.id)).one()
        for day, h in ((date(2021, 5, 31), 4), (date(2021, 6, 1), 6)):
            s.add(HourEntry(participant_id=pid, work_date=day, hours=Decimal(h),
                            status=HourStatus.confirmed, source=Source.imported))
    bot.staff("Jan K.", "coordinator", telegram_user_id=7001)
    jan = bot.user(7001, "Jan")
    await jan.send("/rozliczenie 2021-06")
    joined = "\n".join(jan.texts).replace("\xa0", " ")
    assert "Rozliczenie PSU – czerwiec 2021" in joined
    assert "Osoby: 1 (miejsca w porozumieniu: 35)" in joined and "Kwota razem: 54,00 zł" in joined
    document = jan.last_document
    assert document is not None and document.filename == "rozliczenie_psu_2021-06.xlsx"
    sheet = load_workbook(io.BytesIO(document.data))["Rozliczenie PSU"]
    assert [c.value for c in sheet[5]][1:] == ["12", "Testowa Anna", "Miejska Biblioteka Publiczna",
                                               6, 9, 54]
    await jan.press("maj 2021")
    assert jan.last_document.filename == "rozliczenie_psu_2021-05.xlsx"
    assert "Kwota razem: 34,80 zł" in "\n".join(jan.texts).replace("\xa0", " ")
    await jan.send("/rozliczenie")  # the clock is December 2026: November by default
    assert jan.last_document.filename == "rozliczenie_psu_2026-11.xlsx"
    for bad in ("/rozliczenie czerwiec", "/rozliczenie 2021-13", "/rozliczenie 2021-06 x"):
        await jan.send(bad)
        assert jan.last_text.startswith("Użycie: /rozliczenie"), bad
    await jan.press_data("st:2021-13")
    assert jan.last_answer is not None and jan.last_answer["text"] == "Ten przycisk jest już nieaktualny."


async def test_hours_are_private_to_the_social_side(bot: Harness) -> None:
    bot.staff("Monia", "psychologist", telegram_user_id=7003)
    bot.staff("Olek", "career_advisor", telegram_user_id=7004)
    anna = bot.in_psu()
    for uid in (7003, 7004):
        user = bot.user(uid, "X")
        for text in ("/podsumowanie", "/rozliczenie 2021-06", "/wpis 12 2", "/odrzuc 1 x"):
            await user.send(text)
            assert user.last_text == "Ta funkcja nie jest dostępna na Twoim koncie.", text
        await user.send("/start")
        assert "📊 Podsumowanie" not in user.buttons() and "🕒 Moje godziny" not in user.buttons()
    await anna.send("/podsumowanie")
    assert anna.last_text == "Ta funkcja nie jest dostępna na Twoim koncie."
    await anna.send("/start")
    assert "🕒 Moje godziny" in anna.buttons() and "📊 Podsumowanie" not in anna.buttons()
    bot.staff("Jan K.", "social_worker", telegram_user_id=7001)
    jan = bot.user(7001, "Jan")
    await jan.send("/start")
    assert {"📊 Podsumowanie", "💰 Rozliczenie"} <= set(jan.buttons())
    await jan.press("📊 Podsumowanie")
    assert jan.last_text.startswith("Podsumowanie godzin PSU")


async def test_a_correction_after_the_summary_is_not_confirmed_unseen(bot: Harness) -> None:
    """Staff confirm what they saw: hours corrected after the summary stay unconfirmed."""
    anna = bot.in_psu()
    await anna.send("/godziny 4")
    bot.staff("Jan K.", "social_worker", telegram_user_id=7001)
    jan = bot.user(7001, "Jan")
    await jan.send("/podsumowanie")
    summary = jan.last_message
    confirm_all, confirm_one = (b.callback_data for b in summary.buttons[:2])  # as shown: 4 h
    bot.clock.advance(timedelta(minutes=5))
    await anna.send("/godziny 6")  # replaces the day's 4 hours
    for data in (confirm_one, confirm_all):
        await jan.press_data(data, message=summary)
        assert jan.last_text.startswith("Potwierdzono: 0.") and "6 godzin" in jan.last_text
    with bot.db.session() as s:
        entry = s.exec(select(HourEntry)).one()
    assert (entry.status, entry.hours) == (HourStatus.submitted, Decimal(6))
    await jan.press("✅ Potwierdź wszystkie (1)")  # the refreshed summary, seen now
    with bot.db.session() as s:
        assert s.exec(select(HourEntry)).one().status == HourStatus.confirmed


async def test_the_summary_is_computed_once_per_change(bot: Harness,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Asked again with nothing changed, the summary comes from the cache; a change made
    elsewhere (here straight in the database, as the CLI or a second process would) shows."""
    computed: list[date] = []
    real = hours_summary.daily_summary

    def counted(**kwargs: object) -> hours_summary.DailySummary:
        computed.append(kwargs["day"])  # type: ignore[arg-type]
        return real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(hours_summary, "daily_summary", counted)
    anna = bot.in_psu()
    await anna.send("/godziny 4")
    bot.staff("Jan K.", "social_worker", telegram_user_id=7001)
    jan = bot.user(7001, "Jan")
    await jan.send("/podsumowanie")
    await jan.send("/podsumowanie")
    assert "12 Anna Testowa – 4 godziny" in jan.last_text and len(computed) == 1
    with bot.db.session() as s:
        s.exec(select(HourEntry)).one().hours = Decimal(5)
    await jan.send("/podsumowanie")
    assert "12 Anna Testowa – 5 godzin" in jan.last_text and len(computed) == 2


async def test_another_process_s_change_shows_and_a_hit_reads_no_version(
        bot: Harness, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A change committed by another process (the CLI, a second webhook process) shows; on
    PostgreSQL the bot learns it from the notification and reads no version for a hit."""
    reads: list[object] = []
    real = hours_summary.summary_version

    @short
    def counted(**kwargs: object) -> str | None:
        reads.append(kwargs)
        return real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(hours_summary, "summary_version", counted)
    watch = bot.db.versions
    key = versions.HOURS_SUMMARY

    async def learnt(token: str | None) -> None:  # PostgreSQL: the bot's copy has it
        if watch is not None:
            assert await asyncio.to_thread(watch.wait_for, lambda: watch.get(key) == (True, token),
                                           10)

    anna = bot.in_psu()
    await anna.send("/godziny 4")
    bot.staff("Jan K.", "social_worker", telegram_user_id=7001)
    jan = bot.user(7001, "Jan")
    await learnt(bot.db.call(versions.current, key=key))
    await jan.send("/podsumowanie")
    await jan.send("/podsumowanie")
    assert "12 Anna Testowa – 4 godziny" in jan.last_text
    assert len(reads) == (1 if watch is not None else 3)  # the one computing it; SQLite reads
    other = Database(db_url)
    try:
        with other.session() as s:
            s.exec(select(HourEntry)).one().hours = Decimal(5)
        await learnt(other.call(versions.current, key=key))
    finally:
        other.dispose()
    await jan.send("/podsumowanie")
    assert "12 Anna Testowa – 5 godzin" in jan.last_text
