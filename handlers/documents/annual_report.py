"""The annual report for the voivode as text (aligned tables) and as an XLSX workbook."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from handlers.documents.annual_tables import Cell, Table, parts
from handlers.documents.workbook import workbook_bytes
from handlers.texts import annual as t
from handlers.texts import fmt
from handlers.texts.xlsx import MONEY_FORMAT
from storage.annual import AnnualReport

HOURS_FORMAT = "0.##"


def cell_text(value: Cell, money: bool = False) -> str:
    """A cell as the text report shows it ('brak danych' for None)."""
    if value is None:
        return t.NO_DATA
    if isinstance(value, Decimal):
        return fmt.money(value) if money else fmt.number(value)
    if isinstance(value, date):
        return fmt.numeric_date(value)
    return str(value)


def table_text(table: Table) -> str:
    """Title, header and rows in aligned columns, then the notes."""
    grid = [list(table.header)] + [
        [cell_text(c, i in table.money_columns) for i, c in enumerate(row)] for row in table.rows]
    widths = [max(len(row[i]) for row in grid) for i in range(len(table.header))]
    lines = [table.title]
    for n, row in enumerate(grid):
        lines.append(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("-+-".join("-" * w for w in widths))
    return "\n".join(lines + table.notes)


def annual_text(report: AnnualReport) -> str:
    """The whole report as text."""
    blocks = [f"{t.TITLE.format(year=report.year)}\n{t.BASIS_LINE}"]
    blocks += [table_text(table) for part in parts(report) for table in part.tables]
    return "\n\n".join(blocks) + "\n"


def annual_workbook(report: AnnualReport) -> bytes:
    """The report as XLSX: one sheet per part, a table (and its notes) after its title."""
    book = Workbook()
    del book[book.sheetnames[0]]
    for part in parts(report):
        sheet = book.create_sheet(part.sheet)
        sheet.append([t.TITLE.format(year=report.year)])
        sheet["A1"].font = Font(bold=True)
        for table in part.tables:
            sheet.append([])
            sheet.append([table.title])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True)
            sheet.append(list(table.header))
            for c in sheet[sheet.max_row]:
                c.font = Font(bold=True)
                c.alignment = Alignment(wrap_text=True, vertical="top")
            for row in table.rows:
                sheet.append([t.NO_DATA if c is None else c for c in row])
                for i, (value, c) in enumerate(zip(row, sheet[sheet.max_row], strict=False)):
                    if isinstance(value, Decimal):  # amounts and hours; counts stay General
                        c.number_format = MONEY_FORMAT if i in table.money_columns else HOURS_FORMAT
            for note in table.notes:
                sheet.append([note])
        for column in sheet.iter_cols(min_row=3):
            width = max((len(str(c.value)) for c in column if c.value is not None), default=0)
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
    return workbook_bytes(book)
