"""The monthly PSU settlement as a printable XLSX for the labour office (openpyxl)."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from handlers.texts import summary as t
from handlers.texts import xlsx
from storage.settlement import Settlement

MONEY = xlsx.MONEY_FORMAT
RATE = '#,##0.00'
HOURS = "0.0"
WIDTHS = [6, 8, 32, 40, 14, 16, 16]
HEADER_ROW = 4
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _header(sheet: Worksheet, s: Settlement) -> None:
    sheet.append([t.TITLE])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([t.PERIOD.format(first=f"{s.month:%d.%m.%Y}", last=f"{s.last_day:%d.%m.%Y}")])
    sheet.append([])
    sheet.append(t.HEADER)
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = BOX


def _body(sheet: Worksheet, s: Settlement) -> None:
    for index, row in enumerate(s.rows, start=1):
        sheet.append([index, row.number, row.name, row.site, row.hours, t.rate_cell(row.rates),
                      row.amount])
        cells = sheet[sheet.max_row]
        cells[4].number_format, cells[6].number_format = HOURS, MONEY
        if isinstance(cells[5].value, Decimal):
            cells[5].number_format = RATE
        for cell in cells:
            cell.border = BOX
    sheet.append(["", "", t.TOTAL, "", s.total_hours, "", s.total_amount])
    total = sheet[sheet.max_row]
    total[4].number_format, total[6].number_format = HOURS, MONEY
    for cell in total:
        cell.font, cell.border = Font(bold=True), BOX
    sheet.append([])
    sheet.append([t.PEOPLE.format(people=s.people, places=s.places)])


def _print_setup(sheet: Worksheet) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.print_options.horizontalCentered = True
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    for column, width in zip("ABCDEFG", WIDTHS, strict=True):
        sheet.column_dimensions[column].width = width


def settlement_workbook(s: Settlement) -> bytes:
    """The workbook's bytes: title, period, Polish headers, money formats, totals, A4 landscape."""
    book = Workbook()
    sheet = book.active
    sheet.title = t.SHEET
    _header(sheet, s)
    _body(sheet, s)
    _print_setup(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
