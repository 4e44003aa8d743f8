"""`kisbot sites …` and `kisbot rates …`: where PSU is done and what an hour pays."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import CLI_ACTOR, DATA_DIR, database, fail, now, run_import
from handlers.texts import common as texts
from storage import rates, sites
from storage.errors import DomainError
from storage.parsing import parse_amount, parse_date

sites_app = typer.Typer(help="Miejsca prac społecznie użytecznych.", no_args_is_help=True)
rates_app = typer.Typer(help="Stawki godzinowe.", no_args_is_help=True)


@sites_app.command("import")
def sites_import(
    file: Annotated[Path | None, typer.Argument(help="Plik CSV (name[,address]); "
                                                "domyślnie 22 jednostki z raportu klubu.")]
    = None,
) -> None:
    """Wczytaj miejsca prac społecznie użytecznych."""
    run_import(sites.import_sites, file or DATA_DIR / "work_sites_kedzierzyn_kozle.csv")


@sites_app.command("list")
def sites_list() -> None:
    """Wypisz miejsca pracy."""
    for s in database().call(sites.list_sites):
        typer.echo(f"{s.id}\t{s.name}\t{s.address or ''}")


@rates_app.command("set")
def rates_set(
    kind: Annotated[str, typer.Argument(help="psu, psychologist, career_advisor, workshop.")],
    amount: Annotated[str, typer.Argument(help="Kwota za godzinę, np. 9.00.")],
    valid_from: Annotated[str, typer.Option("--from", help="Od dnia (RRRR-MM-DD).")],
) -> None:
    """Ustaw stawkę godzinową od danego dnia."""
    try:
        value, since = parse_amount(amount), parse_date(valid_from)
    except ValueError as exc:
        fail(str(exc))
    try:
        database().call(rates.set_rate, kind=kind, amount=value, valid_from=since,
                        actor=CLI_ACTOR, now=now())
    except DomainError as exc:
        fail(texts.domain_error(exc))
    typer.echo(f"Stawka {kind}: {value} zł od {since:%d.%m.%Y}.")


@rates_app.command("list")
def rates_list() -> None:
    """Wypisz stawki."""
    for r in database().call(rates.list_rates):
        typer.echo(f"{r.kind}\t{r.amount}\tod {r.valid_from:%Y-%m-%d}")
