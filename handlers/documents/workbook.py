"""Saving a workbook so that nothing typed by a person can run as a formula when it is opened.

A name imported from a spreadsheet (`=HYPERLINK(…)`, `+48…`, `@SUM(…)`) must stay the text it
was: OWASP's CSV/formula-injection rule covers cells that start with `=`, `+`, `-`, `@`, tab or
carriage return. Such cells are written as strings with Excel's quote prefix (the cell shows
the text exactly, and editing it does not turn it into a formula).
"""

from __future__ import annotations

import io

from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(book: Workbook) -> None:
    """Make every text cell that could be read as a formula plain text."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def workbook_bytes(book: Workbook) -> bytes:
    """The XLSX file's bytes, with every text cell inert."""
    inert(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
