"""What every `kisbot` command shares: settings, the database, one-line errors, imports."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer

from handlers.texts import cli as texts
from handlers.texts.errors import Channel, row_sentence, sentence
from storage.clock import SystemClock
from storage.csvfile import ImportFailed
from storage.db import Database, DatabaseUrlError
from storage.errors import DomainError
from storage.settings import ConfigError, Settings, load_settings

SANDBOX_BOT_USERNAME = "kisbot_sandbox_bot"
CLI_ACTOR = "cli"

DATA_DIR = Path(__file__).parent.parent / "data"


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one line to stderr and exit."""
    typer.secho(texts.ERROR.format(message=message), err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


def settings() -> Settings:
    """The configuration, or a one-line error."""
    try:
        return load_settings()
    except ConfigError as exc:
        fail(str(exc))


def database(cfg: Settings | None = None, *, migrate: bool = True) -> Database:
    """The database, migrated to the newest schema."""
    cfg = cfg or settings()
    from bot.runtime import StartupError, upgrade_with_retry

    try:
        if migrate:
            upgrade_with_retry(cfg.database_url, attempts=3)
        return Database(cfg.database_url)
    except (DatabaseUrlError, StartupError) as exc:
        fail(str(exc))


def now():
    """The current time (the CLI always uses the real clock)."""
    return SystemClock().now()


def report_import(result_or_error: object) -> None:
    """Print an import's outcome; exit 1 listing every bad row if it failed."""
    if isinstance(result_or_error, ImportFailed):
        typer.secho(texts.nothing_saved(len(result_or_error.errors)), err=True, fg=typer.colors.RED)
        for error in result_or_error.errors:
            typer.echo("  " + row_sentence(error), err=True)
        raise typer.Exit(1)


def run_import(fn, path: Path, **kwargs) -> None:
    """Run an all-or-nothing import and print what it did."""
    try:
        result = database().call(fn, path=path, **kwargs)
    except ImportFailed as exc:
        report_import(exc)
        return
    except DomainError as exc:
        fail(sentence(exc, Channel.cli))
    typer.echo(texts.imported(result.created, result.updated))


