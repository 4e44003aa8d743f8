"""The annual report rendered: four parts in the statute's order, Polish headings, totals, and
'brak danych' (not 0) where the data cannot say."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from handlers.documents.annual_report import annual_text, annual_workbook
from storage import grants
from storage.annual import annual_report
from storage.db import Database
from tests.auxil.annual_data import NOW, WARSAW, load_year

PARTS = ["Część I. Zatrudnieni pracownicy", "Część II. Uczestnicy według grup z art. 1 ust. 2",
         "Zakończenie uczestnictwa w roku według wyniku", "Część III. Zrealizowane działania",
         "Część IV. Rozliczenie przyznanych dotacji za rok 2021"]


def cells(text: str, first: str) -> list[list[str]]:
    """Every table line whose first or second cell is `first`, as stripped cells."""
    rows = [[c.strip() for c in line.split("|")] for line in text.splitlines() if "|" in line]
    return [row for row in rows if first in row[:2]]


def test_text_has_the_four_parts_in_order_with_totals(db: Database, tmp_path: Path) -> None:
    load_year(db, tmp_path)
    text = annual_text(db.call(annual_report, year=2021, tz=WARSAW)).replace("\xa0", " ")
    assert text.startswith("Sprawozdanie z działalności Klubu Integracji Społecznej za rok 2021\n")
    positions = [text.index(part) for part in PARTS]
    assert positions == sorted(positions)
    assert ["1", "psycholog", "umowa o pracę", "0,5 etatu", "01.07.2021–31.12.2021"] in cells(
        text, "1")
    assert "40 godzin miesięcznie" in text
    # Before R7's exit: 6 people (3 K, 3 M), effects R2 and R3, employment R3.
    assert cells(text, "Razem")[0] == ["Razem", "6", "3", "3", "2", "1", "1", "1", "0", "1"]
    assert "Uwaga: zakończenie uczestnictwa bez odnotowanego wyniku – 1 osoba" in text
    assert cells(text, "Razem")[-1] == ["", "Razem", "125 000,00 zł", "123 500,50 zł",
                                        "1 499,50 zł"]
    assert cells(text, "Pracownicy bez danych o zatrudnieniu (nie policzeni)")[0][2] == "1"


def test_an_empty_year_says_no_data_instead_of_zero(db: Database) -> None:
    report = db.call(annual_report, year=2019, tz=WARSAW)
    text = annual_text(report)
    assert "brak danych o zatrudnieniu pracowników" in text
    assert cells(text, "Suma etatów na dzień 31.12.2019")[0][2] == "brak danych"
    assert cells(text, "Przeciętny wymiar zatrudnienia w roku (etaty)")[0][2] == "brak danych"
    assert "brak danych: nie wpisano dotacji za rok 2019 (kisbot grants add)" in text
    book = load_workbook(io.BytesIO(annual_workbook(report)))
    staff = [[c for c in row if c is not None]
             for row in book["I Pracownicy"].iter_rows(values_only=True)]
    assert ["Suma etatów na dzień 31.12.2019", "brak danych"] in staff
    assert ["Liczba zatrudnionych pracowników w roku", "brak danych"] in staff


def test_a_grant_source_that_looks_like_a_formula_stays_text(db: Database) -> None:
    db.call(grants.add_grant, year=2021, source='=HYPERLINK("http://x.invalid","klik")',
            granted=Decimal(10), spent=Decimal(5), actor="cli", now=NOW)
    book = load_workbook(io.BytesIO(annual_workbook(db.call(annual_report, year=2021, tz=WARSAW))))
    cell = next(c for row in book["IV Dotacje"].iter_rows() for c in row
                if c.value == '=HYPERLINK("http://x.invalid","klik")')
    assert cell.data_type == "s" and cell.quotePrefix


def test_amounts_and_hours_are_formatted_counts_are_not(db: Database, tmp_path: Path) -> None:
    load_year(db, tmp_path)
    book = load_workbook(io.BytesIO(annual_workbook(db.call(annual_report, year=2021, tz=WARSAW))))
    psu = next(row for row in book["III Działania"].iter_rows() if str(row[0].value).startswith("prace"))
    assert [c.number_format for c in psu[1:4]] == ["General", "0.##", "General"]
    [grant] = [row for row in book["IV Dotacje"].iter_rows() if row[1].value == "budżet gminy"]
    assert {c.number_format for c in grant[2:5]} == {'#,##0.00 "zł"'}
