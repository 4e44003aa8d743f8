"""The `kisbot` command line (contract: ARCHITECTURE.md §3). Messages for the admin, in Polish."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from bot.clock import SystemClock
from bot.config import ConfigError, Settings, load_settings
from bot.i18n import common as texts
from bot.logs import setup_logging
from storage import audit, invites, people, privacy, rates, sites
from storage.csvfile import ImportFailed
from storage.db import Database, DatabaseUrlError
from storage.errors import DomainError
from storage.models import Participant
from storage.parsing import parse_amount, parse_date, parse_gender, parse_phone

SANDBOX_BOT_USERNAME = "kisbot_sandbox_bot"
CLI_ACTOR = "cli"

app = typer.Typer(help="kisbot: czatbot klubu (Telegram + SMS).", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
db_app = typer.Typer(help="Baza danych.", no_args_is_help=True)
staff_app = typer.Typer(help="Pracownicy.", no_args_is_help=True)
participants_app = typer.Typer(help="Uczestnicy.", no_args_is_help=True)
sites_app = typer.Typer(help="Miejsca prac społecznie użytecznych.", no_args_is_help=True)
rates_app = typer.Typer(help="Stawki godzinowe.", no_args_is_help=True)
for sub, name in ((db_app, "db"), (staff_app, "staff"), (participants_app, "participants"),
                  (sites_app, "sites"), (rates_app, "rates")):
    app.add_typer(sub, name=name)

DATA_DIR = Path(__file__).parent / "data"


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one line to stderr and exit."""
    typer.secho(f"Błąd: {message}", err=True, fg=typer.colors.RED)
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
        typer.secho(f"Nic nie zapisano: {len(result_or_error.errors)} błędnych wierszy.",
                    err=True, fg=typer.colors.RED)
        for error in result_or_error.errors:
            typer.echo("  " + texts.row_error(error), err=True)
        raise typer.Exit(1)


def run_import(fn, path: Path, **kwargs) -> None:
    """Run an all-or-nothing import and print what it did."""
    try:
        result = database().call(fn, path=path, **kwargs)
    except ImportFailed as exc:
        report_import(exc)
        return
    except DomainError as exc:
        fail(texts.domain_error(exc))
    typer.echo(f"Zaimportowano: dodano {result.created}, zmieniono {result.updated}.")


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


@staff_app.command("add")
def staff_add(
    name: Annotated[str, typer.Option(help="Imię i nazwisko.")],
    role: Annotated[list[str], typer.Option(help="Rola (można kilka razy): psychologist, "
                                            "career_advisor, social_worker, coordinator, admin.")],
    telegram_id: Annotated[int | None, typer.Option(help="Identyfikator konta Telegram.")] = None,
    phone: Annotated[str | None, typer.Option(help="Telefon.")] = None,
) -> None:
    """Dodaj pracownika."""
    try:
        e164 = parse_phone(phone) if phone else None
    except ValueError:
        fail(f"nieprawidłowy numer telefonu {phone!r}")
    try:
        member = database().call(people.add_staff, name=name, roles=role,
                                 telegram_user_id=telegram_id, phone=e164, actor=CLI_ACTOR,
                                 now=now())
    except DomainError as exc:
        fail(texts.domain_error(exc))
    typer.echo(f"Dodano pracownika nr {member.id}: {member.name} ({member.roles}).")


@staff_app.command("list")
def staff_list() -> None:
    """Wypisz pracowników."""
    for m in database().call(people.list_staff):
        state = "" if m.active else " [nieaktywny]"
        tg = m.telegram_user_id or "-"
        typer.echo(f"{m.id}\t{m.name}\t{m.roles}\ttelegram: {tg}{state}")


@participants_app.command("import")
def participants_import(file: Annotated[Path, typer.Argument(help="Plik CSV.")]) -> None:
    """Wczytaj uczestników z CSV (number,first_name,last_name,gender,phone,referred_on,work_site)."""
    run_import(people.import_participants, file, actor=CLI_ACTOR, now=now())


@participants_app.command("add")
def participants_add(
    number: Annotated[str, typer.Option(help="Numer w klubie.")],
    first_name: Annotated[str, typer.Option(help="Imię.")],
    last_name: Annotated[str, typer.Option(help="Nazwisko.")],
    gender: Annotated[str, typer.Option(help="K lub M.")],
    referred_on: Annotated[str, typer.Option(help="Data skierowania (RRRR-MM-DD lub DD.MM.RRRR).")],
    phone: Annotated[str | None, typer.Option(help="Telefon.")] = None,
    work_site: Annotated[str | None, typer.Option(help="Miejsce PSU (puste: poza PSU).")] = None,
    group_code: Annotated[str | None, typer.Option(help="Grupa z art. 1 ust. 2.")] = None,
) -> None:
    """Dodaj jednego uczestnika."""
    try:
        new = people.NewParticipant(
            number=number.strip(), first_name=first_name.strip(), last_name=last_name.strip(),
            gender=parse_gender(gender), phone=parse_phone(phone) if phone else None,
            referred_on=parse_date(referred_on), work_site=work_site or None,
            group_code=group_code)
    except ValueError as exc:
        fail(str(exc))
    try:
        added = database().call(people.add_participant, new=new, actor=CLI_ACTOR, now=now())
    except DomainError as exc:
        fail(texts.domain_error(exc))
    typer.echo(f"Dodano uczestnika {added.number}: {added.first_name} {added.last_name}.")


@participants_app.command("list")
def participants_list() -> None:
    """Wypisz uczestników."""
    db = database()
    site_names = {s.id: s.name for s in db.call(sites.list_sites)}
    for p in db.call(people.list_participants):
        tg = "telegram" if p.telegram_user_id else ("SMS" if p.phone else "-")
        site = site_names.get(p.work_site_id, "")
        left = f" (odszedł {p.left_on:%d.%m.%Y})" if p.left_on else ""
        typer.echo(f"{p.number}\t{p.first_name} {p.last_name}\t{p.gender}\t{tg}\t{site}{left}")


@participants_app.command("export")
def participants_export(
    number: Annotated[str, typer.Argument(help="Numer uczestnika w klubie.")],
    out: Annotated[Path | None, typer.Option(help="Plik JSON (domyślnie: na ekran).")] = None,
) -> None:
    """Wszystkie dane o uczestniku (RODO, art. 15), jako JSON."""

    def gather(*, session: Session) -> Any:
        person = people.get_participant(session=session, number=number)
        audit.record(session=session, at=now(), actor=CLI_ACTOR, action="participant_export",
                     target=f"participant:{person.id}")
        return privacy.export_person(session=session, participant=person)

    try:
        data = database().call(gather)
    except DomainError as exc:
        fail(texts.domain_error(exc))
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"Zapisano {out}.")


@participants_app.command("erase")
def participants_erase(
    number: Annotated[str, typer.Argument(help="Numer uczestnika w klubie.")],
    yes: Annotated[bool, typer.Option("--yes", help="Bez pytania o potwierdzenie.")] = False,
) -> None:
    """Zanonimizuj uczestnika (RODO, art. 17); statystyki do sprawozdań zostają."""
    db = database()
    try:
        person = db.call(people.get_participant, number=number)
    except DomainError as exc:
        fail(texts.domain_error(exc))
    if not yes and not typer.confirm(f"Usunąć dane osobowe uczestnika {number}? Tego nie można cofnąć"):
        raise typer.Exit(1)

    def erase(*, session: Session) -> Any:
        row = session.get(Participant, person.id)
        privacy.anonymize(session=session, participant=row, actor=CLI_ACTOR, now=now())

    db.call(erase)
    typer.echo(f"Dane uczestnika {number} zostały zanonimizowane (nowy numer: anon-{person.id}).")


@app.command("audit")
def audit_log(
    limit: Annotated[int, typer.Option(help="Ile ostatnich wpisów.")] = 50,
    target: Annotated[str | None, typer.Option(help="Tylko o tym, np. participant:12.")] = None,
) -> None:
    """Dziennik zdarzeń: kto, co i kiedy zrobił."""
    db = database()
    entries = db.call(audit.about, target=target) if target else db.call(audit.recent, limit=limit)
    for e in entries:
        details = " ".join(f"{k}={v}" for k, v in (e.details or {}).items())
        typer.echo(f"{e.at:%Y-%m-%d %H:%M:%S}\t{e.actor}\t{e.action}\t{e.target or ''}\t{details}")


@app.command()
def invite(number: Annotated[str, typer.Argument(help="Numer uczestnika w klubie.")]) -> None:
    """Wydrukuj jednorazowy link do Telegrama dla uczestnika."""
    cfg = settings()
    username = bot_username(cfg)
    db = database(cfg)

    def make(*, session):
        participant = people.get_participant(session=session, number=number)
        return invites.create_invite(session=session, participant=participant, now=now(),
                                     ttl_days=cfg.invite_ttl_days, actor=CLI_ACTOR)

    try:
        code = db.call(make)
    except DomainError as exc:
        fail(texts.domain_error(exc))
    typer.echo(f"https://t.me/{username}?start={code}")
    typer.echo(f"Link jest jednorazowy i ważny {cfg.invite_ttl_days} dni.", err=True)


def bot_username(cfg: Settings) -> str:
    """The bot's @username: from Telegram (getMe), BOT_USERNAME, or the sandbox's."""
    if cfg.bot_username:
        return cfg.bot_username.lstrip("@")
    if cfg.sandbox:
        return SANDBOX_BOT_USERNAME
    from telegram import Bot
    from telegram.error import TelegramError

    async def ask() -> str:
        async with Bot(cfg.telegram_bot_token or "", base_url=f"{cfg.telegram_api_url}/bot") as bot:
            return bot.username

    try:
        return asyncio.run(ask())
    except TelegramError as exc:
        fail(f"nie udało się zapytać Telegrama o nazwę bota ({exc}); ustaw BOT_USERNAME")


@sites_app.command("import")
def sites_import(
    file: Annotated[Path | None, typer.Argument(help="Plik CSV (name[,address]); "
                                                "domyślnie 22 miejsca klubu z Kędzierzyna-Koźla.")]
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


from bot.cli_reports import report  # noqa: E402  (a module of its own: this one is long)

app.command("report")(report)

from bot.cli_hours import hours_app, settlement, summary  # noqa: E402

app.add_typer(hours_app, name="hours")
app.command("summary")(summary)
app.command("settlement")(settlement)

from bot.cli_consultations import consultations_app  # noqa: E402

app.add_typer(consultations_app, name="consultations")


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


