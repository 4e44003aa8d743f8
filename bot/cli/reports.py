"""`kisbot report`: the period report (text or XLSX) and the annual report for the voivode."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import database, fail, settings
from handlers.texts import cli as t
from handlers.texts.errors import Channel, error_text
from storage.annual import annual_report
from storage.files import write_private
from storage.parsing import parse_date
from storage.reports import period_report

FORMATS = ("text", "xlsx")


def report(
    date_from: Annotated[str | None, typer.Option("--from", help=t.REPORT_FROM)] = None,
    date_to: Annotated[str | None, typer.Option("--to", help=t.REPORT_TO)] = None,
    year: Annotated[int | None, typer.Option(help=t.REPORT_YEAR)] = None,
    fmt: Annotated[str, typer.Option("--format", help=t.REPORT_FORMAT)] = "text",
    out: Annotated[Path | None, typer.Option(help=t.REPORT_OUT)] = None,
) -> None:
    """The period report (--from, --to) or the annual one (--year), as text or XLSX."""
    # here, not at the top: every `kisbot` command (the bot too) would load openpyxl and numpy
    from handlers.documents.annual_report import annual_text, annual_workbook
    from handlers.documents.charts import charts
    from handlers.documents.report_text import period_text
    from handlers.documents.report_xlsx import period_workbook

    if fmt not in FORMATS:
        fail(t.BAD_FORMAT.format(value=fmt))
    cfg = settings()
    if year is not None:
        if date_from or date_to:
            fail(t.YEAR_OR_PERIOD)
        if not 2000 <= year <= 2100:
            fail(t.BAD_YEAR.format(value=year))
        result = database(cfg).call(annual_report, year=year, tz=cfg.tz)
        body = annual_workbook(result) if fmt == "xlsx" else annual_text(result)
        write(body, out, t.ANNUAL_FILE.format(year=year))
        return
    first, last = period(date_from, date_to, fail)
    result = database(cfg).call(period_report, date_from=first, date_to=last, tz=cfg.tz,
                                psu_places=cfg.psu_places)
    body = period_workbook(result, charts(result)) if fmt == "xlsx" else period_text(result)
    write(body, out, t.REPORT_FILE.format(first=first, last=last))


def period(date_from: str | None, date_to: str | None, fail) -> tuple[date, date]:  # type: ignore[no-untyped-def]
    """The parsed, ordered period, or a one-line error."""
    if not date_from or not date_to:
        fail(t.YEAR_OR_PERIOD)
    days = []
    for value in (date_from, date_to):
        try:
            days.append(parse_date(value))
        except ValueError:
            fail(error_text("bad_date", Channel.cli, value=value))
    first, last = days
    if last < first:
        fail(t.BACKWARDS)
    return first, last


def write(body: str | bytes, out: Path | None, default_name: str) -> None:
    """Text to stdout (or --out); a workbook to --out or the default name."""
    if isinstance(body, str) and out is None:
        typer.echo(body, nl=False)
        return
    path = out or Path(default_name)
    write_private(path, body)
    typer.echo(t.SAVED.format(path=path))
