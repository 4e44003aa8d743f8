"""`kisbot consultations import`: past consultations from a CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import CLI_ACTOR, now, run_import, settings
from handlers.texts import cli as texts
from storage.consultations_import import import_consultations

consultations_app = typer.Typer(help=texts.CONSULTATIONS, no_args_is_help=True)


@consultations_app.command("import", help=texts.CONSULTATIONS_IMPORT)
def consultations_import(file: Annotated[Path, typer.Argument(help=texts.CSV_FILE)]) -> None:
    """Import past consultations from a CSV file."""
    run_import(import_consultations, file, tz=settings().tz, actor=CLI_ACTOR, now=now())
