"""`kisbot sites …` and `kisbot rates …`: where PSU is done and what an hour pays."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import CLI_ACTOR, DATA_DIR, database, fail, now, run_import
from handlers.texts import cli as texts
from handlers.texts.errors import Channel, sentence
from storage import rates, sites
from storage.errors import DomainError
from storage.parsing import parse_amount, parse_date

sites_app = typer.Typer(help=texts.SITES, no_args_is_help=True)
rates_app = typer.Typer(help=texts.RATES, no_args_is_help=True)


@sites_app.command("import", help=texts.SITES_IMPORT)
def sites_import(file: Annotated[Path | None, typer.Argument(help=texts.SITES_FILE)] = None) -> None:
    """Import PSU work sites (default: the club's own list)."""
    run_import(sites.import_sites, file or DATA_DIR / "work_sites_kedzierzyn_kozle.csv")


@sites_app.command("list", help=texts.SITES_LIST)
def sites_list() -> None:
    """List the work sites."""
    for s in database().call(sites.list_sites):
        typer.echo(f"{s.id}\t{s.name}\t{s.address or ''}")


@rates_app.command("set", help=texts.RATES_SET)
def rates_set(
    kind: Annotated[str, typer.Argument(help=texts.RATE_KIND)],
    amount: Annotated[str, typer.Argument(help=texts.RATE_AMOUNT)],
    valid_from: Annotated[str, typer.Option("--from", help=texts.RATE_FROM)],
) -> None:
    """Set an hourly rate from a day on."""
    try:
        value, since = parse_amount(amount), parse_date(valid_from)
    except ValueError as exc:
        fail(str(exc))
    try:
        database().call(rates.set_rate, kind=kind, amount=value, valid_from=since,
                        actor=CLI_ACTOR, now=now())
    except DomainError as exc:
        fail(sentence(exc, Channel.cli))
    typer.echo(texts.rate_set(kind, value, since))


@rates_app.command("list", help=texts.RATES_LIST)
def rates_list() -> None:
    """List the rates."""
    for r in database().call(rates.list_rates):
        typer.echo(texts.rate_line(r.kind, r.amount, r.valid_from))
