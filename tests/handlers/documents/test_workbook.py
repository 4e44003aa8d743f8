"""handlers.documents.workbook: every text cell that a spreadsheet could run stays text."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from handlers.documents.workbook import workbook_bytes


@pytest.mark.parametrize("text", ['=HYPERLINK("http://example.invalid","x")', "+1", "-1+2",
                                  "@SUM(A1)", "\tTab", "\rCR"])
def test_formula_like_text_is_saved_as_text(text: str) -> None:
    book = Workbook()
    book.active.append([text, "zwykły tekst", 12])
    cell, plain, number = load_workbook(io.BytesIO(workbook_bytes(book))).active[1]
    stored = text.replace("\r", "\n")  # XML reads a CR back as LF
    assert (cell.value, cell.data_type, cell.quotePrefix) == (stored, "s", True)
    assert (plain.value, plain.quotePrefix, number.value) == ("zwykły tekst", False, 12)
