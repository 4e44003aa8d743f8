"""The `kisbot` command line (contract: ../shared/ARCHITECTURE.md §3); its words are handlers.texts.cli.

Each group of commands is a module of its own; this one puts them together.
"""

from __future__ import annotations

import asyncio
import sys

import typer
from sqlalchemy.exc import OperationalError

from bot.cli.annual import grants_app
from bot.cli.club import rates_app, sites_app
from bot.cli.common import database, fail, settings
from bot.cli.consultations import consultations_app
from bot.cli.hours import hours_app, settlement, summary
from bot.cli.ops import db_app, status
from bot.cli.people import audit_log, invite, participants_app, staff_app
from bot.cli.reports import report
from bot.logs import setup_logging
from handlers.texts import cli as texts

app = typer.Typer(help=texts.APP, no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
for sub, name in ((db_app, "db"), (staff_app, "staff"), (participants_app, "participants"),
                  (sites_app, "sites"), (rates_app, "rates"), (hours_app, "hours"),
                  (consultations_app, "consultations"), (grants_app, "grants")):
    app.add_typer(sub, name=name)
app.command("audit", help=texts.AUDIT)(audit_log)
app.command("invite", help=texts.INVITE)(invite)
app.command("report", help=texts.REPORT)(report)
app.command("summary", help=texts.SUMMARY)(summary)
app.command("settlement", help=texts.SETTLEMENT)(settlement)
app.command("status", help=texts.STATUS)(status)


@app.command(help=texts.RUN)
def run() -> None:
    """Upgrade the database, then run the bot (no token: the local sandbox)."""
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
        fail(texts.DB_DOWN.format(reason=exc.orig))


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


