"""The report rendered: Polish text and XLSX hold the hand-computed H1 2021 figures."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from handlers.documents.charts import charts
from handlers.documents.report_text import period_text
from handlers.documents.report_xlsx import period_workbook
from handlers.texts import reports as t
from storage.db import Database
from storage.periods import ByGender
from storage.rates import RatePeriod
from storage.reports import PeriodReport
from tests.auxil.report_data import half_year_report

NBSP = "\xa0"


@pytest.fixture
def report(db: Database, tmp_path: Path) -> PeriodReport:
    return half_year_report(db, tmp_path)


def plain(text: str) -> str:
    return text.replace(NBSP, " ")


def test_text_mirrors_the_half_year_report(report: PeriodReport) -> None:
    text = plain(period_text(report))
    assert "I półrocze 2021 r. (01.01.2021–30.06.2021)" in text
    assert ("W I półroczu 2021 r. skierowano do uczestnictwa w Klubie Integracji Społecznej "
            "4 osoby, w tym 3 kobiety i 1 mężczyznę.") in text
    assert ("Zajęcia odbyły się w wymiarze 5,25 godziny (5 konsultacji). Z tego typu wsparcia "
            "skorzystały 4 osoby, w tym 2 kobiety i 2 mężczyzn. Godzinna stawka psychologa "
            "wynosiła 60,00 zł do 31.03.2021 r. i 70,00 zł od 01.04.2021 r., co daje w I półroczu "
            "2021 r. kwotę 342,50 zł (2,5 godziny × 60,00 zł = 150,00 zł; 2,75 godziny × 70,00 zł "
            "= 192,50 zł).") in text
    assert "Nie wliczono: 1 nieobecność uczestnika, 1 odwołany termin." in text
    assert ("Zajęcia odbyły się w wymiarze 4 godzin (3 konsultacje). Z tego typu wsparcia "
            "skorzystały 2 osoby, w tym 1 kobieta i 1 mężczyzna. Godzinna stawka doradcy "
            "zawodowego wynosiła 60,00 zł, co daje w I półroczu 2021 r. kwotę 240,00 zł.") in text
    assert ("Zaplanowano 3 spotkania warsztatowe w wymiarze 7 godzin; odbyły się 2 w wymiarze "
            "5 godzin, odwołano 1. Odnotowano 4 obecności; w warsztatach uczestniczyły 3 osoby, "
            "w tym 2 kobiety i 1 mężczyzna.") in text
    assert ("Liczba miejsc w porozumieniu: 35. Prace wykonywały 4 osoby, w tym 2 kobiety "
            "i 2 mężczyzn, w wymiarze 22,5 godziny (potwierdzonych). Godzinna stawka świadczenia "
            "wynosiła 8,70 zł do 31.05.2021 r. i 9,00 zł od 01.06.2021 r.; wypłacono świadczenia "
            "na łączną kwotę 197,85 zł") in text
    assert "– Biblioteka Miejska: 12 godzin, 1 osoba\n– Żłobek nr 1: 10,5 godziny, 3 osoby" in text
    assert "Nie wliczono godzin: 3 niepotwierdzonych, 2 odrzuconych." in text


def test_text_names_no_participant(report: PeriodReport) -> None:
    text = period_text(report)
    for name in ("Anna", "Nowak", "Beata", "Damian", "Edward", "P1", "601000001"):
        assert name not in text


@pytest.mark.parametrize(("women", "men", "accusative", "expected"), [
    (27, 17, False, "w tym 27 kobiet i 17 mężczyzn"),
    (23, 11, False, "w tym 23 kobiety i 11 mężczyzn"),
    (1, 1, False, "w tym 1 kobieta i 1 mężczyzna"),
    (1, 1, True, "w tym 1 kobietę i 1 mężczyznę"),
    (22, 12, True, "w tym 22 kobiety i 12 mężczyzn"),
    (0, 5, False, "w tym 0 kobiet i 5 mężczyzn"),
])
def test_of_which_plurals(women: int, men: int, accusative: bool, expected: str) -> None:
    assert t.of_which(ByGender(women, men), accusative) == expected


def test_verbs_and_hours_agree_with_numbers() -> None:
    assert [t.verb(n, "a", "y", "o") for n in (1, 2, 4, 5, 12, 22, 25)] == list("ayyooyo")
    assert [t.hours_genitive(Decimal(v)) for v in ("1", "2", "60", "62.5", "1234")] == [
        "1 godziny", "2 godzin", "60 godzin", "62,5 godziny", f"1{NBSP}234 godzin"]


def test_rates_phrase_with_three_periods() -> None:
    periods = [RatePeriod(Decimal("8.70"), date(2021, 1, 1), date(2021, 6, 1)),
               RatePeriod(Decimal("9.00"), date(2021, 6, 1), date(2021, 9, 1)),
               RatePeriod(Decimal("9.50"), date(2021, 9, 1), date(2022, 1, 1))]
    assert plain(t.rates_phrase(periods)) == (
        "8,70 zł do 31.05.2021 r., 9,00 zł od 01.06.2021 do 31.08.2021 r. i 9,50 zł od 01.09.2021 r.")
    assert plain(t.rates_phrase(periods[:1])) == "8,70 zł"


def test_xlsx_holds_the_same_figures(report: PeriodReport) -> None:
    pictures = charts(report)
    assert set(pictures) == {"konsultacje_miesiecznie.png", "psu_miejsca.png"}
    assert all(png.startswith(b"\x89PNG") for png in pictures.values())
    book = load_workbook(io.BytesIO(period_workbook(report, pictures)))
    rows = {s: [list(r) for r in book[s].iter_rows(values_only=True)] for s in book.sheetnames}
    assert rows["Uczestnicy"][3] == ["skierowani w okresie", 4, 3, 1]
    assert rows["Uczestnicy"][1][1] == datetime(2021, 1, 1)
    psych, advisor = rows["Konsultacje"][1:]
    assert psych == ["psycholog", 5.25, 5, 4, 2, 2, 342.5, 1, 1, 0, 0]
    assert advisor == ["doradca zawodowy", 4, 3, 2, 1, 1, 240, 1, 0, 0, 0]
    assert rows["Stawki i kwoty"][1:] == [
        ["psycholog", datetime(2021, 1, 1), datetime(2021, 3, 31), 2.5, 60, 150],
        ["psycholog", datetime(2021, 4, 1), datetime(2021, 6, 30), 2.75, 70, 192.5],
        ["doradca zawodowy", datetime(2021, 2, 1), datetime(2021, 6, 30), 4, 60, 240],
        ["warsztaty", datetime(2021, 2, 1), datetime(2021, 6, 30), 5, 100, 500],
        ["prace społecznie użyteczne", datetime(2021, 1, 1), datetime(2021, 5, 31), 15.5, 8.7, 134.85],
        ["prace społecznie użyteczne", datetime(2021, 6, 1), datetime(2021, 6, 30), 7, 9, 63]]
    assert [r[1] for r in rows["Miesiące"][1:]] == [1, 0, 1.5, 1, 0, 1.75]
    assert rows["Warsztaty"][1:4] == [["zaplanowane spotkania", 3], ["godziny zaplanowane", 7],
                                      ["spotkania, które się odbyły", 2]]
    psu = dict(rows["PSU"][1:])
    assert psu["miejsca w porozumieniu"] == 35 and psu["godziny potwierdzone"] == 22.5
    assert psu["świadczenia wypłacone (zł)"] == 197.85 and psu["osoby wykonujące prace"] == 4
    assert rows["Miejsca PSU"][1:] == [["Biblioteka Miejska", 12, 1], ["Żłobek nr 1", 10.5, 3]]
    assert len(book["Miesiące"]._images) == 1 and len(book["Miejsca PSU"]._images) == 1
