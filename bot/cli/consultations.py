"""`kisbot consultations import`: past consultations from a CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import CLI_ACTOR, now, run_import, settings
from storage.consultations_import import import_consultations

consultations_app = typer.Typer(help="Konsultacje (psycholog, doradca zawodowy).",
                                no_args_is_help=True)


@consultations_app.command("import")
def consultations_import(file: Annotated[Path, typer.Argument(help="Plik CSV.")]) -> None:
    """Wczytaj historię konsultacji z CSV (participant,service,date,start,minutes[,status])."""
    run_import(import_consultations, file, tz=settings().tz, actor=CLI_ACTOR, now=now())
