"""`kisbot report`: the period report as text or XLSX, the annual report, bad arguments."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cli import app
from storage.db import Database
from tests.auxil.report_data import load_half_year


@pytest.fixture
def kisbot(db: Database, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run `kisbot ARGS` against the half-year test data in tmp_path."""
    load_half_year(db, tmp_path)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args), env={"DATABASE_URL": db_url, "TELEGRAM_BOT_TOKEN": "",
                                                    "PSU_PLACES": "35"})
    return invoke


def test_text_report_to_stdout(kisbot) -> None:
    result = kisbot("report", "--from", "2021-01-01", "--to", "30.06.2021")
    assert result.exit_code == 0, result.output
    assert "W I półroczu 2021 r. skierowano" in result.output
    assert "342,50\xa0zł" in result.output


def test_xlsx_report_to_a_file(kisbot, tmp_path: Path) -> None:
    out = tmp_path / "h1.xlsx"
    result = kisbot("report", "--from", "2021-01-01", "--to", "2021-06-30", "--format", "xlsx",
                    "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"Zapisano: {out}" in result.output
    book = load_workbook(out)
    assert [c.value for c in book["Konsultacje"][2]][:7] == ["psycholog", 5.25, 5, 4, 2, 2, 342.5]


def test_annual_report_default_file_name(kisbot, tmp_path: Path) -> None:
    result = kisbot("report", "--year", "2021", "--format", "xlsx")
    assert result.exit_code == 0, result.output
    book = load_workbook(tmp_path / "sprawozdanie_roczne_2021.xlsx")
    assert book.sheetnames == ["I Pracownicy", "II Uczestnicy", "III Działania", "IV Dotacje"]
    text = kisbot("report", "--year", "2021").output
    assert text.startswith("Sprawozdanie z działalności Klubu Integracji Społecznej za rok 2021")
    assert "Część IV. Rozliczenie przyznanych dotacji za rok 2021" in text


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "2021-01-01"], "podaj --from i --to"),
    (["--from", "2021-06-30", "--to", "2021-01-01"], "wcześniejsza"),
    (["--from", "2021-13-01", "--to", "2021-12-31"], "2021-13-01"),
    (["--from", "1.1.2021", "--to", "30.6.2021", "--format", "pdf"], "nieznany format"),
    (["--year", "2021", "--from", "2021-01-01"], "albo samo --year"),
])
def test_bad_arguments_one_line(kisbot, args: list[str], message: str) -> None:
    result = kisbot("report", *args)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
