"""`kisbot participants leave`, `staff add/edit --basis/--fte/--hours-per-month`, `grants`, and
`kisbot report --year` end to end from the CSV files (figures: tests/storage/test_annual.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.auxil.annual_data import (
    CONSULTATIONS_CSV,
    HOURS_CSV,
    PARTICIPANTS_CSV,
    SITES_CSV,
    write,
)


def ok(kisbot, *args: str) -> str:
    result = kisbot(*args)
    assert result.exit_code == 0, result.output
    return result.output


def load(kisbot, tmp_path: Path) -> None:
    """The year through the command line only."""
    for command, name, text in (("sites", "s.csv", SITES_CSV),
                                ("participants", "p.csv", PARTICIPANTS_CSV),
                                ("consultations", "c.csv", CONSULTATIONS_CSV),
                                ("hours", "h.csv", HOURS_CSV)):
        ok(kisbot, command, "import", str(write(tmp_path, name, text)))
    assert ok(kisbot, "staff", "add", "--name", "Psycholog Testowy", "--role", "psychologist",
              "--basis", "umowa_o_prace", "--fte", "1", "--from", "2021-01-01").endswith(
        "Pracownik nr 1 od 01.01.2021: umowa o pracę, 1 etat.\n")
    assert ok(kisbot, "staff", "edit", "1", "--basis", "umowa_o_prace", "--fte", "0,5", "--from",
              "01.07.2021") == "Pracownik nr 1 od 01.07.2021: umowa o pracę, 0,5 etatu.\n"
    ok(kisbot, "staff", "add", "--name", "Doradca Testowy", "--role", "career_advisor",
       "--basis", "umowa-zlecenie", "--hours-per-month", "40", "--from", "2021-03-01")
    for source, granted, spent in (("budżet gminy", "120000", "118500,50"),
                                   ("fundusz testowy", "5000", "5000")):
        ok(kisbot, "grants", "add", "--year", "2021", "--source", source, "--granted", granted,
           "--spent", spent)


def test_the_year_from_csv_files_and_commands(kisbot, tmp_path: Path) -> None:
    load(kisbot, tmp_path)
    assert ok(kisbot, "participants", "leave", "R7", "--on", "15.12.2021", "--outcome",
              "wlasna_firma") == ("Zapisano: uczestnik R7, koniec udziału 15.12.2021, "
                                  "zatrudnienie: własna działalność gospodarcza.\n")
    assert ok(kisbot, "participants", "leave", "R7", "--on", "2021-12-15", "--outcome",
              "wlasna_firma").startswith("Bez zmian")
    assert "participant_exit" in ok(kisbot, "audit", "--limit", "5")
    listing = ok(kisbot, "staff", "list")
    assert "umowa o pracę, 0,5 etatu" in listing and "umowa zlecenie, 40 godzin miesięcznie" in listing
    assert ok(kisbot, "grants", "list", "--year", "2021") == (
        "2021\tbudżet gminy\t120000.00\t118500.50\n2021\tfundusz testowy\t5000.00\t5000.00\n")
    text = ok(kisbot, "report", "--year", "2021").replace("\xa0", " ")
    rows = [[c.strip() for c in line.split("|")] for line in text.splitlines() if "|" in line]
    assert ["Razem", "6", "3", "3", "3", "1", "2", "2", "0", "2"] in rows
    assert ["", "Przeciętny wymiar zatrudnienia w roku (etaty)", "0,75", "", ""] in rows
    assert ["", "Razem", "125 000,00 zł", "123 500,50 zł", "1 499,50 zł"] in rows
    assert "Gniewko" not in text and "Testow" not in text
    ok(kisbot, "report", "--year", "2021", "--format", "xlsx")
    book = load_workbook(tmp_path / "sprawozdanie_roczne_2021.xlsx")
    assert book.sheetnames == ["I Pracownicy", "II Uczestnicy", "III Działania", "IV Dotacje"]


@pytest.mark.parametrize(("args", "message"), [
    (["participants", "leave", "R7", "--on", "2021-12-15", "--outcome", "praca"], "nieznany wynik"),
    (["participants", "leave", "R7", "--on", "2099-01-01", "--outcome", "inne"], "w przyszłości"),
    (["participants", "leave", "R7", "--on", "2021-05-01", "--outcome", "inne"],
     "przed skierowaniem"),
    (["participants", "leave", "R7", "--on", "2021-02-30", "--outcome", "inne"], "nieczytelna data"),
    (["participants", "leave", "X9", "--on", "2021-12-15", "--outcome", "inne"],
     "nie ma uczestnika o numerze 'X9'"),
    (["staff", "edit", "99", "--basis", "inna", "--fte", "1"], "nie ma pracownika nr 99"),
    (["staff", "edit", "1", "--fte", "1"], "podaj --basis"),
    (["staff", "edit", "1", "--basis", "etat", "--fte", "1"], "nieznana podstawa"),
    (["staff", "edit", "1", "--basis", "umowa_o_prace", "--fte", "pół"], "nieprawidłowa liczba"),
    (["staff", "edit", "1", "--basis", "umowa_o_prace", "--fte", "2"], "poza zakresem"),
    (["staff", "edit", "1", "--basis", "umowa_o_prace"], "podaj wymiar"),
    (["staff", "add", "--name", "Nowy", "--role", "psychologist", "--basis", "umowa_o_prace",
      "--fte", "2"], "poza zakresem"),  # nobody is added without their employment
    (["grants", "add", "--year", "2021", "--source", "x", "--granted", "1", "--spent", "2"],
     "większa niż przyznana"),
    (["grants", "add", "--year", "1999", "--source", "x", "--granted", "1", "--spent", "1"],
     "nieprawidłowy rok"),
    (["grants", "add", "--year", "2021", "--source", "budżet gminy", "--granted", "1",
      "--spent", "1"], "już jest w bazie"),
    (["grants", "add", "--year", "2021", "--source", " ", "--granted", "1", "--spent", "1"],
     "pusta kolumna"),
])
def test_bad_input_is_one_clear_line_and_changes_nothing(kisbot, tmp_path: Path, args: list[str],
                                                        message: str) -> None:
    load(kisbot, tmp_path)
    before = ok(kisbot, "report", "--year", "2021")
    result = kisbot(*args)
    assert result.exit_code != 0 and message in result.output, result.output
    assert ok(kisbot, "report", "--year", "2021") == before
