"""/raport FROM TO (coordinators, admins): the period report as text, XLSX and charts."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import date

from telegram import Update
from telegram.constants import ChatAction
from telegram.ext import BaseHandler, CallbackQueryHandler

from handlers.access import requires
from handlers.context import KisContext
from handlers.telegram.common import Buttons, CommandSpec, say
from handlers.telegram.paging import split_text
from handlers.texts import reports_bot as texts
from storage.annual import annual_report
from storage.models import Role
from storage.parsing import parse_date
from storage.reports import period_report

log = logging.getLogger(__name__)
MAX_DAYS = 3 * 366
YEARS = range(2000, 2101)  # the years a report may cover (a forged 9999 would overflow the dates)
PERIOD_DATA = re.compile(r"^rp:(\d{4}-\d{2}-\d{2}):(\d{4}-\d{2}-\d{2})$")
YEAR_DATA = re.compile(r"^rp:y:(\d{4})$")


def parse_period(args: list[str]) -> tuple[date, date]:
    """FROM TO as dates; ValueError when missing, malformed, backwards or too long."""
    if len(args) != 2:
        raise ValueError("two dates needed")
    first, last = parse_date(args[0]), parse_date(args[1])
    if last < first or (last - first).days > MAX_DAYS or not {first.year, last.year} <= set(YEARS):
        raise ValueError("bad period")
    return first, last


def presets(today: date) -> Buttons:
    """Buttons for this half-year so far, the previous half-year and last year's annual report."""
    year = today.year
    if today.month <= 6:
        now = (date(year, 1, 1), today, texts.half_label(1, year))
        before = (date(year - 1, 7, 1), date(year - 1, 12, 31), texts.half_label(2, year - 1))
    else:
        now = (date(year, 7, 1), today, texts.half_label(2, year))
        before = (date(year, 1, 1), date(year, 6, 30), texts.half_label(1, year))
    return [[(label, f"rp:{a:%Y-%m-%d}:{b:%Y-%m-%d}")] for a, b, label in (now, before)] + [
        [(texts.annual_label(year - 1), f"rp:y:{year - 1}")]]


@requires(Role.coordinator, Role.admin)
async def report_command(update: Update, context: KisContext) -> None:
    """/raport FROM TO: send the report; without dates, offer the usual periods."""
    if not context.args:
        await say(update, texts.CHOOSE, presets(context.deps.today()))
        return
    try:
        first, last = parse_period(context.args)
    except ValueError:
        await say(update, texts.USAGE)
        return
    await send_period(update, context, first, last)


@requires(Role.coordinator, Role.admin)
async def report_button(update: Update, context: KisContext) -> None:
    """A preset period button (data validated again: it may be forged)."""
    query = update.callback_query
    assert query is not None
    data = query.data or ""
    try:
        if match := YEAR_DATA.match(data):
            year = int(match[1])
            if year not in YEARS:
                raise ValueError(year)
            await query.answer()
            await send_annual(update, context, year)
            return
        match = PERIOD_DATA.match(data)
        first, last = parse_period([match[1], match[2]] if match else [])
    except ValueError:
        await query.answer(texts.STALE, show_alert=True)
        return
    await query.answer()
    await send_period(update, context, first, last)


async def send_period(update: Update, context: KisContext, first: date, last: date) -> None:
    """Compute the report, then send the text, the workbook and the charts."""
    from handlers.documents.charts import charts  # matplotlib, openpyxl: loaded on first use
    from handlers.documents.report_text import period_text
    from handlers.documents.report_xlsx import period_workbook

    deps, chat = context.deps, update.effective_chat
    assert chat is not None
    await chat.send_action(ChatAction.UPLOAD_DOCUMENT)
    report = await deps.db.run(period_report, date_from=first, date_to=last, tz=deps.settings.tz,
                               psu_places=deps.settings.psu_places)
    text, pictures = period_text(report), await asyncio.to_thread(charts, report)
    book = await asyncio.to_thread(period_workbook, report, pictures)
    log.info("period report %s..%s sent to chat %s", first, last, chat.id)
    for piece in split_text(text):
        await chat.send_message(piece)
    await chat.send_document(book, filename=f"raport_{first:%Y-%m-%d}_{last:%Y-%m-%d}.xlsx")
    for name, png in pictures.items():
        await chat.send_photo(png, caption=texts.CAPTIONS[name])


async def send_annual(update: Update, context: KisContext, year: int) -> None:
    """The annual report for the voivode: its text and the workbook."""
    from handlers.documents.annual_report import annual_text, annual_workbook  # openpyxl

    deps, chat = context.deps, update.effective_chat
    assert chat is not None
    await chat.send_action(ChatAction.UPLOAD_DOCUMENT)
    report = await deps.db.run(annual_report, year=year, tz=deps.settings.tz)
    book = await asyncio.to_thread(annual_workbook, report)
    log.info("annual report %s sent to chat %s", year, chat.id)
    for piece in split_text(annual_text(report)):
        await chat.send_message(piece)
    await chat.send_document(book, filename=f"sprawozdanie_roczne_{year}.xlsx")


COMMANDS = [CommandSpec("raport", report_command, texts.DESCRIPTION, aliases=("report",),
                        menu_label=texts.MENU_LABEL)]
HANDLERS: list[BaseHandler] = [
    CallbackQueryHandler(report_button, pattern=r"^rp:(\d{4}-\d{2}-\d{2}:\d{4}-\d{2}-\d{2}|y:\d{4})$")]
