"""`kisbot db upgrade|backup|restore` and `kisbot status`: keeping the bot running."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.exc import OperationalError

from bot.backups import write_backup
from bot.cli.common import database, fail, now, settings
from bot.logs import redact
from handlers.texts import cli as texts
from handlers.texts.errors import Channel, sentence
from storage import backup, backup_schedule
from storage.db import DatabaseUrlError
from storage.errors import DomainError
from storage.ops_status import queue_state
from storage.settings import ConfigError, Settings

db_app = typer.Typer(help=texts.DB, no_args_is_help=True)
HEALTH_TIMEOUT = 3.0


def _secret(cfg: Settings) -> bytes | None:
    try:
        return cfg.backup_secret()
    except ConfigError as exc:
        fail(str(exc))


@db_app.command("upgrade", help=texts.DB_UPGRADE)
def db_upgrade() -> None:
    """Upgrade the schema to the newest revision."""
    database()
    typer.echo(texts.DB_CURRENT)


@db_app.command("backup", help=texts.DB_BACKUP)
def db_backup(out: Annotated[Path | None, typer.Option(help=texts.BACKUP_OUT)] = None) -> None:
    """A consistent, compressed (and, with a secret, encrypted) copy of the whole database."""
    cfg = settings()
    secret = _secret(cfg)
    db = database(cfg, migrate=False)  # the database as it is (a backup before an upgrade)
    try:
        path, manifest = write_backup(cfg, db, now=now(), out=out)
    except DomainError as exc:
        fail(sentence(exc, Channel.cli))
    except ConfigError as exc:
        fail(str(exc))
    except OperationalError as exc:
        fail(texts.DB_DOWN.format(reason=_first_line(exc)))
    except OSError as exc:
        fail(texts.BACKUP_UNWRITABLE.format(path=out or cfg.backup_dir, reason=exc.strerror or exc))
    finally:
        db.dispose()
    typer.echo(texts.backup_written(path, manifest.rows, path.stat().st_size))
    if not secret:
        typer.secho(texts.NOT_ENCRYPTED, err=True, fg=typer.colors.YELLOW)


@db_app.command("restore", help=texts.DB_RESTORE)
def db_restore(
    file: Annotated[Path, typer.Argument(help=texts.BACKUP_FILE)],
    force: Annotated[bool, typer.Option("--force", help=texts.RESTORE_FORCE)] = False,
) -> None:
    """Put a backup into the (empty) database of DATABASE_URL, then upgrade its schema."""
    cfg = settings()
    secret = _secret(cfg)
    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(texts.BACKUP_UNREADABLE.format(path=file, reason=exc.strerror or exc))
    try:
        manifest = backup.restore(cfg.database_url, data, secret=secret, force=force)
    except DomainError as exc:
        fail(sentence(exc, Channel.cli))
    except DatabaseUrlError as exc:
        fail(str(exc))
    created = datetime.fromisoformat(manifest.created_at)
    typer.echo(texts.restored(created, manifest.rows, cfg.tz))


def status() -> None:
    """The bot at a glance: the queue, the last day's sends and failures, the last backup."""
    cfg = settings()
    db = database(cfg, migrate=False)
    moment = now()
    try:
        queue = db.call(queue_state, now=moment)
        last = db.call(backup_schedule.last)
    except OperationalError as exc:
        fail(texts.DB_DOWN.format(reason=_first_line(exc)))
    finally:
        db.dispose()
    tz = cfg.tz
    typer.echo(_bot_line(cfg))
    typer.echo(texts.status_queue(queue.due, queue.oldest_due_seconds(moment), queue.later,
                                  queue.sending))
    typer.echo(texts.status_sends(queue.sent, queue.failed))
    typer.echo(texts.status_last_send(queue.last_sent_at, tz) if queue.last_sent_at
               else texts.STATUS_NO_SENDS)
    if queue.reasons:
        typer.echo(redact(texts.status_reasons(queue.reasons)))  # providers' errors name numbers
    typer.echo(texts.status_backup(last.at, last.file, last.size, tz) if last.at
               else texts.STATUS_NO_BACKUP)
    if last.failed_at and (last.at is None or last.failed_at > last.at):
        typer.echo(texts.status_backup_failed(last.failed_at, last.failed_reason, tz))


def _first_line(exc: OperationalError) -> str:
    return str(exc.orig or exc).strip().splitlines()[0]


def _bot_line(cfg: Settings) -> str:
    """What the running bot's /healthz says (polling: HEALTH_PORT; webhook: WEBHOOK_PORT)."""
    host, port = ((cfg.webhook_host, cfg.webhook_port) if cfg.public_url
                  else (cfg.health_host, cfg.health_port))
    if not port:
        return texts.STATUS_BOT_NO_PORT
    host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    url = f"http://{host}:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=HEALTH_TIMEOUT) as answer:
            json.load(answer)
        return texts.STATUS_BOT_OK.format(url=url)
    except urllib.error.HTTPError as exc:
        try:
            failed = json.load(exc).get("failed", [])
        except (ValueError, AttributeError):
            failed = []
        return texts.status_bot_failing(url, failed or [str(exc.code)])
    except (OSError, ValueError):
        return texts.STATUS_BOT_DOWN.format(url=url)
