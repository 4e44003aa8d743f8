"""`kisbot hours import`, `kisbot settlement` (text and XLSX), `kisbot summary`."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import app
from storage.db import Database
from storage.models import HourEntry

PEOPLE = ("number,first_name,last_name,gender,phone,referred_on,work_site\n"
          "1,Anna,Kowalska,K,,2021-01-04,Urząd Miasta\n"
          "2,Jan,Nowak,M,,2021-01-04,\n")


@pytest.fixture
def kisbot(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run `kisbot ARGS` against the test database, with sites, people and PSU rates."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args), env={"DATABASE_URL": db_url, "TELEGRAM_BOT_TOKEN": ""})

    invoke("sites", "import")
    (tmp_path / "p.csv").write_text(PEOPLE)
    assert invoke("participants", "import", str(tmp_path / "p.csv")).exit_code == 0
    invoke("rates", "set", "psu", "8.70", "--from", "2021-01-01")
    invoke("rates", "set", "psu", "9.00", "--from", "2021-06-01")
    return invoke


def test_import_is_all_or_nothing_with_every_bad_row(kisbot, tmp_path: Path, db: Database) -> None:
    bad = tmp_path / "h.csv"
    bad.write_text("participant;date;hours;work_site\n1;2021-05-31;4;\n404;31.05.2021;4;\n"
                   "1;2021-02-30;4,25;Nieznane\n1;2021-05-31;2;\n1;2021-06-01;9;\n")
    result = kisbot("hours", "import", str(bad))
    assert result.exit_code == 1
    for expected in ("wiersz 3: nieznany numer uczestnika '404'", "wiersz 4: nieczytelna data",
                     "wiersz 4: nieprawidłowa liczba godzin '4,25'",
                     "wiersz 4: nieznane miejsce pracy 'Nieznane'",
                     "wiersz 5: ten sam uczestnik i dzień co w wierszu 2",
                     "wiersz 6: 9 godz. to więcej niż dzienny limit"):
        assert expected in result.output
    with db.session() as s:
        assert s.exec(select(HourEntry)).all() == []


def test_settlement_across_a_rate_change_as_text_and_xlsx(kisbot, tmp_path: Path) -> None:
    good = tmp_path / "h.csv"
    good.write_text("participant,date,hours,work_site\n1,2021-05-31,4,\n1,2021-06-01,4,\n"
                    "2,2021-06-02,2.5,Miejski Zakład Cmentarny\n")
    result = kisbot("hours", "import", str(good))
    assert result.exit_code == 0, result.output
    assert "dodano 3" in result.output
    assert "godziny za 31.05.2021 już są w bazie" in kisbot("hours", "import", str(good)).output
    out = tmp_path / "czerwiec.xlsx"
    result = kisbot("settlement", "--month", "2021-06", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = result.output.replace("\xa0", " ")
    assert "Osoby: 2 (miejsca w porozumieniu: 35)" in text
    assert "Kwota razem: 58,50 zł" in text  # (4 + 2,5) × 9,00
    may = kisbot("settlement", "--month", "2021-05").output.replace("\xa0", " ")
    assert "Kwota razem: 34,80 zł" in may  # 4 × 8,70
    sheet = load_workbook(out)["Rozliczenie PSU"]
    assert sheet["A1"].value.startswith("Rozliczenie świadczeń")
    assert sheet["A2"].value == "Okres: 01.06.2021 – 30.06.2021"
    assert [c.value for c in sheet[4]][:3] == ["Lp.", "Nr", "Nazwisko i imię"]
    assert sheet["G5"].number_format == '#,##0.00 "zł"'
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$4:$4"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    totals = [c.value for c in sheet[7]]
    assert totals[2] == "Razem" and totals[4] == 6.5 and totals[6] == 58.5
    assert kisbot("settlement", "--month", "czerwiec").exit_code == 2


def test_summary_prints_the_day(kisbot) -> None:
    result = kisbot("summary", "--date", "2021-06-01")
    assert result.exit_code == 0, result.output
    assert "Podsumowanie godzin PSU – wtorek, 1 czerwca" in result.output
    assert "Bez godzin w tym tygodniu (1 osoba):" in result.output
    assert kisbot("summary", "--date", "wczoraj").exit_code == 2
