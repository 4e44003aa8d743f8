"""`kisbot hours import`, `kisbot summary`, `kisbot settlement`: PSU hours from the command line."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import CLI_ACTOR, database, fail, now, run_import, settings
from handlers.texts import cli as texts
from handlers.texts import summary as t
from handlers.texts.errors import Channel, error_text
from storage.clock import SystemClock, local_today
from storage.files import write_private
from storage.hours_import import import_hours
from storage.hours_rules import Limits
from storage.hours_summary import daily_summary
from storage.parsing import parse_date
from storage.settings import Settings
from storage.settlement import settlement as compute_settlement

hours_app = typer.Typer(help=texts.HOURS, no_args_is_help=True)
MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def limits(cfg: Settings) -> Limits:
    """The configured PSU limits."""
    return Limits.of(cfg)


def parse_month(text: str) -> date:
    """'2021-06' → date(2021, 6, 1); ValueError otherwise."""
    match = MONTH.match(text.strip())
    if not match:
        raise ValueError(text)
    return date(int(match[1]), int(match[2]), 1)


@hours_app.command("import", help=texts.HOURS_IMPORT)
def hours_import(file: Annotated[Path, typer.Argument(help=texts.CSV_FILE)]) -> None:
    """Import past hours from a CSV file, as confirmed."""
    run_import(import_hours, file, day_limit=settings().hours_day_limit, actor=CLI_ACTOR,
               now=now())


def summary(
    day: Annotated[str | None, typer.Option("--date", help=texts.SUMMARY_DATE)] = None,
) -> None:
    """Print the daily PSU hours summary."""
    cfg = settings()
    try:
        when = parse_date(day) if day else local_today(SystemClock(), cfg.tz)
    except ValueError:
        fail(error_text("bad_date", Channel.cli, value=day))
    result = database(cfg).call(daily_summary, day=when, limits=limits(cfg))
    typer.echo(t.summary_text(result))


def settlement(
    month: Annotated[str, typer.Option(help=texts.MONTH)],
    out: Annotated[Path | None, typer.Option(help=texts.SETTLEMENT_OUT)] = None,
) -> None:
    """The month's PSU settlement as text (and XLSX with --out)."""
    cfg = settings()
    try:
        first = parse_month(month)
    except ValueError:
        fail(texts.BAD_MONTH.format(value=month))
    result = database(cfg).call(compute_settlement, month=first, places=cfg.psu_places)
    typer.echo(t.settlement_text(result))
    for row in result.rows:
        rate = t.rate_cell(row.rates)
        typer.echo(f"{row.number}\t{row.name}\t{row.site}\t{row.hours}\t{rate}\t{row.amount}")
    if out is not None:
        from handlers.documents.settlement_xlsx import settlement_workbook  # openpyxl: on use

        write_private(out, settlement_workbook(result))
        typer.echo(texts.SAVED.format(path=out))
