"""The `kisbot` command line (contract: ../shared/ARCHITECTURE.md §3). Messages for the admin, in Polish.

Each group of commands is a module of its own; this one puts them together.
"""

from __future__ import annotations

import asyncio
import sys

import typer
from sqlalchemy.exc import OperationalError

from bot.cli.club import rates_app, sites_app
from bot.cli.common import database, fail, settings
from bot.cli.consultations import consultations_app
from bot.cli.hours import hours_app, settlement, summary
from bot.cli.people import audit_log, invite, participants_app, staff_app
from bot.cli.reports import report
from bot.logs import setup_logging

app = typer.Typer(help="kisbot: czatbot klubu (Telegram + SMS).", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
db_app = typer.Typer(help="Baza danych.", no_args_is_help=True)
for sub, name in ((db_app, "db"), (staff_app, "staff"), (participants_app, "participants"),
                  (sites_app, "sites"), (rates_app, "rates"), (hours_app, "hours"),
                  (consultations_app, "consultations")):
    app.add_typer(sub, name=name)
app.command("audit")(audit_log)
app.command("invite")(invite)
app.command("report")(report)
app.command("summary")(summary)
app.command("settlement")(settlement)


@app.command()
def run() -> None:
    """Uaktualnij bazę i uruchom bota (bez TELEGRAM_BOT_TOKEN: lokalna piaskownica)."""
    cfg = settings()
    setup_logging(secrets=cfg.secrets())
    if cfg.sandbox:
        from bot.sandbox import SandboxError, run_sandbox

        try:
            asyncio.run(run_sandbox(cfg))
        except SandboxError as exc:
            fail(str(exc))
        return
    database(cfg)
    from bot.runtime import serve

    try:
        asyncio.run(serve(cfg))
    except OperationalError as exc:
        fail(f"baza danych niedostępna: {exc.orig}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Uaktualnij schemat bazy do najnowszej wersji."""
    database()
    typer.echo("Baza danych jest aktualna.")


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


