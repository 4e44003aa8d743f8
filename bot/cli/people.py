"""`kisbot staff …`, `kisbot participants …`, `kisbot invite`, `kisbot audit`: the club's people."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlmodel import Session

from bot.cli.common import CLI_ACTOR, SANDBOX_BOT_USERNAME, database, fail, now, run_import, settings
from handlers.texts.errors import Channel, sentence
from storage import audit, invites, people, privacy, sites
from storage.errors import DomainError
from storage.models import Participant
from storage.parsing import parse_date, parse_gender, parse_phone
from storage.settings import Settings

staff_app = typer.Typer(help="Pracownicy.", no_args_is_help=True)
participants_app = typer.Typer(help="Uczestnicy.", no_args_is_help=True)


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
        fail(sentence(exc, Channel.cli))
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
        fail(sentence(exc, Channel.cli))
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
        fail(sentence(exc, Channel.cli))
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
        fail(sentence(exc, Channel.cli))
    if not yes and not typer.confirm(f"Usunąć dane osobowe uczestnika {number}? Tego nie można cofnąć"):
        raise typer.Exit(1)

    def erase(*, session: Session) -> Any:
        row = session.get(Participant, person.id)
        privacy.anonymize(session=session, participant=row, actor=CLI_ACTOR, now=now())

    db.call(erase)
    typer.echo(f"Dane uczestnika {number} zostały zanonimizowane (nowy numer: anon-{person.id}).")


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
        fail(sentence(exc, Channel.cli))
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
