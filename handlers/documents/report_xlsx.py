"""Reports as XLSX workbooks (openpyxl): one sheet per table, charts embedded."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from handlers.documents.charts import report_months
from handlers.documents.workbook import workbook_bytes
from handlers.texts import reports as t
from handlers.texts import xlsx as h
from storage.models import BookingStatus, HourStatus
from storage.periods import ByGender, PricedPart
from storage.reports import PeriodReport

MONEY = h.MONEY_FORMAT
HOURS = "0.##"
DATE = "DD.MM.YYYY"
CHART_CONSULTATIONS = "konsultacje_miesiecznie.png"
CHART_PSU = "psu_miejsca.png"


def table(book: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]],
          formats: dict[int, str] | None = None) -> Worksheet:
    """A sheet with a bold header row, the rows, column formats (by 0-based index) and widths."""
    sheet = book.create_sheet(title)
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    for index, number_format in (formats or {}).items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
            cell.number_format = number_format
    for column in sheet.columns:
        width = max(len(str(c.value)) if c.value is not None else 0 for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
    return sheet


def gender_cells(g: ByGender) -> list[int]:
    """Razem, kobiety, mężczyźni."""
    return [g.total, g.women, g.men]


def hours(value: Decimal) -> Decimal:
    """Hours rounded to hundredths."""
    return t.round_hours(value)


def embed(sheet: Worksheet, png: bytes | None, anchor: str) -> None:
    """Put a chart picture on a sheet."""
    if png:
        sheet.add_image(Image(io.BytesIO(png)), anchor)


def add_period_sheets(book: Workbook, r: PeriodReport, charts: dict[str, bytes]) -> None:
    """The period report's tables."""
    people = table(book, h.PEOPLE, h.PEOPLE_HEADER, [
        [h.PERIOD_FROM, r.date_from, None, None], [h.PERIOD_TO, r.date_to, None, None],
        [h.REFERRED, *gender_cells(r.referred)], [h.ACTIVE, *gender_cells(r.active)]])
    people["B2"].number_format = people["B3"].number_format = DATE
    table(book, h.CONSULTATIONS, h.CONSULTATIONS_HEADER, [
        [t.SERVICE_LABELS[s.service], hours(s.hours), s.sessions, *gender_cells(s.people), s.cost,
         s.not_counted.get(BookingStatus.no_show, 0), s.not_counted.get(BookingStatus.cancelled, 0),
         s.not_counted.get(BookingStatus.booked, 0), hours(s.unpriced_hours)] for s in r.services],
        {1: HOURS, 6: MONEY, 10: HOURS})
    parts = [*((t.SERVICE_LABELS[s.service], p) for s in r.services for p in s.parts),
             *((h.WORKSHOPS_KIND, p) for p in r.workshops.parts),
             *((h.PSU_KIND, p) for p in r.psu.parts)]
    table(book, h.RATES, h.RATES_HEADER, [rate_row(kind, p) for kind, p in parts],
          {1: DATE, 2: DATE, 3: HOURS, 4: MONEY, 5: MONEY})
    months = table(book, h.MONTHS, [h.MONTH, *(t.SERVICE_LABELS[s.service] for s in r.services)], [
        [t.month_label(m), *(hours(Decimal(s.monthly_minutes.get(m, 0)) / 60) for s in r.services)]
        for m in report_months(r)], {1: HOURS, 2: HOURS})
    embed(months, charts.get(CHART_CONSULTATIONS), "E2")
    w = r.workshops
    table(book, h.WORKSHOPS, h.VALUE_HEADER, [
        [h.W_PLANNED, w.planned], [h.W_PLANNED_HOURS, w.planned_hours], [h.W_HELD, w.held],
        [h.W_HELD_HOURS, w.held_hours], [h.W_CANCELLED, w.cancelled],
        [h.W_CANCELLED_HOURS, w.cancelled_hours], [h.W_ATTENDANCES, w.attendances],
        [h.W_PEOPLE, w.people.total], [h.WOMEN, w.people.women], [h.MEN, w.people.men],
        [h.COST, w.cost]])
    add_psu_sheets(book, r, charts)


def rate_row(kind: str, p: PricedPart) -> list[Any]:
    """One priced part: kind, since, until, hours, rate, cost."""
    return [kind, p.since, p.until, hours(p.hours), p.rate, p.cost if p.rate is not None else None]


def add_psu_sheets(book: Workbook, r: PeriodReport, charts: dict[str, bytes]) -> None:
    """PSU figures and the work sites."""
    p = r.psu
    sheet = table(book, h.PSU, h.VALUE_HEADER, [
        [h.PSU_PLACES, p.places], [h.PSU_PEOPLE, p.people.total], [h.WOMEN, p.people.women],
        [h.MEN, p.people.men], [h.PSU_HOURS, p.hours], [h.PSU_COST, p.cost],
        [h.PSU_SUBMITTED, p.other_hours.get(HourStatus.submitted, Decimal(0))],
        [h.PSU_REJECTED, p.other_hours.get(HourStatus.rejected, Decimal(0))]])
    sheet["B7"].number_format = MONEY
    sites = table(book, h.SITES, h.SITES_HEADER,
                  [[s.name or t.NO_SITE, s.hours, s.people] for s in p.sites], {1: HOURS})
    embed(sites, charts.get(CHART_PSU), "E2")


def _save(book: Workbook) -> bytes:
    del book[book.sheetnames[0]]  # the default empty sheet
    return workbook_bytes(book)


def period_workbook(report: PeriodReport, charts: dict[str, bytes] | None = None) -> bytes:
    """The period report as an XLSX file."""
    book = Workbook()
    add_period_sheets(book, report, charts or {})
    return _save(book)
