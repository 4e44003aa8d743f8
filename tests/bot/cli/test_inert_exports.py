"""Exports are inert: text that looks like a formula stays text in every workbook (issue 14.5)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import load_workbook

HOSTILE = ['=HYPERLINK("http://example.invalid/x","klik")', "+48 600 100 200", "-2+3",
           "@SUM(A1:A9)", "\tTab", "\rPowrót"]


def _sites_csv(tmp_path: Path) -> Path:
    path = tmp_path / "sites.csv"
    path.write_text('name\nUrząd Miasta\n"=1+1"\n"@cmd"\n', encoding="utf-8")
    return path


def _people_csv(tmp_path: Path) -> Path:
    lines = ["number,first_name,last_name,gender,phone,referred_on,work_site"]
    for n, name in enumerate(HOSTILE[:4], 1):
        quoted = name.replace('"', '""')
        lines.append(f'{n},"{quoted}",Testowa,K,,2021-01-04,Urząd Miasta')
    path = tmp_path / "people.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _formulas(path: Path) -> list[str]:
    """Every <f> (formula) element in the workbook's sheets."""
    with zipfile.ZipFile(path) as archive:
        return [name for name in archive.namelist()
                if name.startswith("xl/worksheets/") and b"<f>" in archive.read(name)]


def test_settlement_keeps_imported_names_as_typed_text(kisbot, tmp_path: Path) -> None:
    assert kisbot("sites", "import", str(_sites_csv(tmp_path))).exit_code == 0
    assert kisbot("participants", "import", str(_people_csv(tmp_path))).exit_code == 0
    kisbot("rates", "set", "psu", "9.00", "--from", "2021-06-01")
    hours = tmp_path / "h.csv"
    hours.write_text("participant,date,hours\n" + "".join(f"{n},2021-06-0{n},2\n" for n in range(1, 5)))
    assert kisbot("hours", "import", str(hours)).exit_code == 0
    out = tmp_path / "rozliczenie.xlsx"
    assert kisbot("settlement", "--month", "2021-06", "--out", str(out)).exit_code == 0
    assert _formulas(out) == []
    sheet = load_workbook(out)["Rozliczenie PSU"]
    names = {c.value for c in sheet["C"] if isinstance(c.value, str) and "Testowa" in c.value}
    assert names == {f"Testowa {name}" for name in HOSTILE[:4]}  # kept exactly as typed


def test_annual_report_keeps_grant_sources_as_text(kisbot, tmp_path: Path) -> None:
    for name in HOSTILE[:4]:  # sources are trimmed, so a leading tab or CR cannot reach a cell
        result = kisbot("grants", "add", "--year", "2021", "--source", name, "--granted", "10",
                        "--spent", "5")
        assert result.exit_code == 0, result.output
    out = tmp_path / "sprawozdanie.xlsx"
    result = kisbot("report", "--year", "2021", "--format", "xlsx", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert _formulas(out) == []
    book = load_workbook(out)
    texts = {c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row
             if isinstance(c.value, str)}
    assert set(HOSTILE[:4]) <= texts
    cell = next(c for sheet in book.worksheets for row in sheet.iter_rows() for c in row
                if c.value == HOSTILE[0])
    assert cell.data_type == "s" and cell.quotePrefix
