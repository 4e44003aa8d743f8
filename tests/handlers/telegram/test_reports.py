"""/raport through the real PTB stack: text, XLSX document and charts for coordinators."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from tests.auxil.harness import Harness
from tests.auxil.report_data import load_half_year


async def test_coordinator_gets_text_workbook_and_charts(bot: Harness, tmp_path: Path) -> None:
    load_half_year(bot.db, tmp_path)
    bot.staff("Jan K.", "coordinator", telegram_user_id=7001)
    jan = bot.user(7001, "Jan")
    sent = await jan.send("/raport 2021-01-01 30.06.2021")
    texts = [m.text for m in sent if m.text]
    assert texts and texts[0].startswith("Sprawozdanie z działalności Klubu Integracji Społecznej")
    joined = "\n".join(texts).replace("\xa0", " ")
    assert "skierowano do uczestnictwa w Klubie Integracji Społecznej 4 osoby" in joined
    assert "kwotę 342,50 zł" in joined and "197,85 zł" in joined
    assert "Anna" not in joined and "Nowak" not in joined
    document = jan.last_document
    assert document is not None and document.filename == "raport_2021-01-01_2021-06-30.xlsx"
    book = load_workbook(io.BytesIO(document.data))
    assert book["PSU"]["B7"].value == 197.85
    photos = [m for m in sent if m.photo]
    assert [m.caption for m in photos] == ["Godziny konsultacji w miesiącach",
                                           "Godziny prac społecznie użytecznych według miejsc"]
    assert all(m.photo.data.startswith(b"\x89PNG") for m in photos)  # type: ignore[union-attr]


async def test_buttons_offer_periods_and_the_annual_report(bot: Harness, tmp_path: Path) -> None:
    load_half_year(bot.db, tmp_path)
    bot.staff("Ewa", "admin", telegram_user_id=7002)
    ewa = bot.user(7002, "Ewa")
    await ewa.send("/report")
    # The clock is 7 December 2026: this half-year so far, the previous one, last year's report.
    assert ewa.buttons() == ["II półrocze 2026", "I półrocze 2026", "Sprawozdanie roczne 2025"]
    await ewa.press("I półrocze 2026")
    assert ewa.last_document is not None
    assert ewa.last_document.filename == "raport_2026-01-01_2026-06-30.xlsx"
    await ewa.press_data("rp:y:2021", message=ewa.messages[0])
    assert ewa.last_document.filename == "sprawozdanie_roczne_2021.xlsx"
    text = "\n".join(ewa.texts)
    assert "Sprawozdanie z działalności Klubu Integracji Społecznej za rok 2021" in text
    # P1, P2 and P6 (pkt 5) were in the club in 2021; nobody left with an outcome.
    assert any(line.startswith("pkt 5 – długotrwale bezrobotni")
               and [c.strip() for c in line.split("|")][1:4] == ["3", "3", "0"]
               for line in text.splitlines())


async def test_bad_dates_get_the_usage_and_forged_buttons_fail_politely(bot: Harness) -> None:
    bot.staff("Jan K.", "coordinator", telegram_user_id=7001)
    jan = bot.user(7001, "Jan")
    for text in ("/raport 2021-01-01", "/raport 2021-06-30 2021-01-01", "/raport jutro dziś",
                 "/raport 2000-01-01 2021-01-01", "/raport 2021-02-30 2021-03-01",
                 "/raport 9999-12-31 9999-12-31", "/raport 1000-01-01 1000-01-02"):
        await jan.send(text)
        assert jan.last_text.startswith("Użycie: /raport OD DO"), text
    await jan.send("/raport")
    for data in ("rp:2021-13-01:2021-12-31", "rp:2021-06-30:2021-01-01", "rp:y:1999",
                 "rp:9999-12-31:9999-12-31"):
        await jan.press_data(data)
        assert jan.last_answer is not None
        assert jan.last_answer["text"] == "Ten przycisk jest już nieaktualny.", data
    assert jan.last_document is None


async def test_only_coordinators_and_admins(bot: Harness) -> None:
    bot.staff("Monia", "psychologist", "social_worker", telegram_user_id=7003)
    monika = bot.user(7003, "Monia")
    await monika.send("/raport 2021-01-01 2021-06-30")
    assert monika.last_text == "Ta funkcja nie jest dostępna na Twoim koncie."
    assert monika.last_document is None
