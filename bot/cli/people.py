"""`kisbot staff …`, `kisbot participants …`, `kisbot invite`, `kisbot audit`: the club's people."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlmodel import Session

from bot.cli.annual import (
    BasisOption,
    FromOption,
    FteOption,
    HoursOption,
    employment_options,
    participants_leave,
    set_employment,
    staff_edit,
    today,
)
from bot.cli.botname import bot_username
from bot.cli.common import CLI_ACTOR, database, fail, now, run_import, settings
from handlers.texts import annual_cli as annual_texts
from handlers.texts import cli as texts
from handlers.texts import staff_language as language_texts
from handlers.texts.errors import Channel, error_text, sentence
from storage import audit, employment, invites, people, privacy, sites
from storage.errors import DomainError
from storage.files import write_private
from storage.models import Participant
from storage.parsing import parse_date, parse_gender, parse_language, parse_phone

staff_app = typer.Typer(help=texts.STAFF, no_args_is_help=True)
participants_app = typer.Typer(help=texts.PARTICIPANTS, no_args_is_help=True)
staff_app.command("edit", help=annual_texts.STAFF_EDIT)(staff_edit)
participants_app.command("leave", help=annual_texts.LEAVE)(participants_leave)


@staff_app.command("add", help=texts.STAFF_ADD)
def staff_add(
    name: Annotated[str, typer.Option(help=texts.NAME)],
    role: Annotated[list[str], typer.Option(help=texts.ROLE)],
    telegram_id: Annotated[int | None, typer.Option(help=texts.TELEGRAM_ID)] = None,
    phone: Annotated[str | None, typer.Option(help=texts.PHONE)] = None,
    basis: BasisOption = None, fte: FteOption = None, hours_per_month: HoursOption = None,
    valid_from: FromOption = None,
) -> None:
    """Add a member of staff (with their employment, if given)."""
    job = employment_options(basis, fte, hours_per_month, valid_from)  # checked before adding
    try:
        e164 = parse_phone(phone) if phone else None
    except ValueError:
        fail(error_text("bad_phone", Channel.cli, value=phone))
    try:
        member = database().call(people.add_staff, name=name, roles=role,
                                 telegram_user_id=telegram_id, phone=e164, actor=CLI_ACTOR,
                                 now=now())
    except DomainError as exc:
        fail(sentence(exc, Channel.cli))
    typer.echo(texts.staff_added(member.id, member.name, member.roles))
    if job is not None:
        set_employment(member.id, job)  # type: ignore[arg-type]


@staff_app.command("list", help=texts.STAFF_LIST)
def staff_list() -> None:
    """List the staff."""
    db, day = database(), today()
    for m in db.call(people.list_staff):
        state = "" if m.active else texts.INACTIVE
        tg = m.telegram_user_id or "-"
        job = db.call(employment.current, staff_id=m.id, on=day)
        work = annual_texts.employment_now(job.basis if job else None, job and job.fte,
                                           job and job.monthly_hours)
        typer.echo(f"{m.id}\t{m.name}\t{m.roles}\ttelegram: {tg}\t{work}{state}")


@participants_app.command("import", help=texts.PARTICIPANTS_IMPORT)
def participants_import(file: Annotated[Path, typer.Argument(help=texts.CSV_FILE)]) -> None:
    """Import participants from a CSV file."""
    run_import(people.import_participants, file, actor=CLI_ACTOR, now=now())


@participants_app.command("add", help=texts.PARTICIPANTS_ADD)
def participants_add(
    number: Annotated[str, typer.Option(help=texts.NUMBER)],
    first_name: Annotated[str, typer.Option(help=texts.FIRST_NAME)],
    last_name: Annotated[str, typer.Option(help=texts.LAST_NAME)],
    gender: Annotated[str, typer.Option(help=texts.GENDER)],
    referred_on: Annotated[str, typer.Option(help=texts.REFERRED_ON)],
    phone: Annotated[str | None, typer.Option(help=texts.PHONE)] = None,
    work_site: Annotated[str | None, typer.Option(help=texts.WORK_SITE)] = None,
    group_code: Annotated[str | None, typer.Option(help=texts.GROUP_CODE)] = None,
) -> None:
    """Add one participant."""
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
    typer.echo(texts.participant_added(added.number, added.first_name, added.last_name))


@participants_app.command("edit", help=language_texts.PARTICIPANTS_EDIT)
def participants_edit(
    number: Annotated[str, typer.Argument(help=texts.PARTICIPANT_NUMBER)],
    language: Annotated[str | None, typer.Option(help=language_texts.LANGUAGE_OPTION)] = None,
) -> None:
    """Change a participant's details (their language); audited."""
    if language is None:
        fail(language_texts.NOTHING_TO_EDIT)
    try:
        code = parse_language(language)
    except ValueError:
        fail(language_texts.BAD_LANGUAGE)

    def change(*, session: Session) -> Any:
        person = people.get_participant(session=session, number=number.strip())
        return people.change_language(session=session, participant_id=person.id,
                                      language=code, actor=CLI_ACTOR, now=now())

    try:
        person, changed = database().call(change)
    except DomainError as exc:
        fail(sentence(exc, Channel.cli))
    typer.echo(language_texts.saved(person.number, code, changed))


@participants_app.command("list", help=texts.PARTICIPANTS_LIST)
def participants_list() -> None:
    """List the participants."""
    db = database()
    site_names = {s.id: s.name for s in db.call(sites.list_sites)}
    for p in db.call(people.list_participants):
        tg = "telegram" if p.telegram_user_id else ("SMS" if p.phone else "-")
        site = site_names.get(p.work_site_id, "") + texts.left_on(p.left_on)
        typer.echo(f"{p.number}\t{p.first_name} {p.last_name}\t{p.gender}\t{tg}\t{site}"
                   f"\t{p.language}")


@participants_app.command("export", help=texts.PARTICIPANTS_EXPORT)
def participants_export(
    number: Annotated[str, typer.Argument(help=texts.PARTICIPANT_NUMBER)],
    out: Annotated[Path | None, typer.Option(help=texts.EXPORT_OUT)] = None,
) -> None:
    """Everything stored about a participant (GDPR art. 15), as JSON."""

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
        write_private(out, text)
        typer.echo(texts.SAVED.format(path=out))


@participants_app.command("erase", help=texts.PARTICIPANTS_ERASE)
def participants_erase(
    number: Annotated[str, typer.Argument(help=texts.PARTICIPANT_NUMBER)],
    yes: Annotated[bool, typer.Option("--yes", help=texts.YES)] = False,
) -> None:
    """Anonymise a participant (GDPR art. 17), keeping the statistics."""
    db = database()
    try:
        person = db.call(people.get_participant, number=number)
    except DomainError as exc:
        fail(sentence(exc, Channel.cli))
    if not yes and not typer.confirm(texts.erase_question(number)):
        raise typer.Exit(1)

    def erase(*, session: Session) -> Any:
        row = session.get(Participant, person.id)
        privacy.anonymize(session=session, participant=row, actor=CLI_ACTOR, now=now())

    db.call(erase)
    typer.echo(texts.erased(number, person.id))


def audit_log(
    limit: Annotated[int, typer.Option(help=texts.AUDIT_LIMIT)] = 50,
    target: Annotated[str | None, typer.Option(help=texts.AUDIT_TARGET)] = None,
) -> None:
    """The audit log: who did what, when."""
    db = database()
    entries = db.call(audit.about, target=target) if target else db.call(audit.recent, limit=limit)
    for e in entries:
        details = " ".join(f"{k}={v}" for k, v in (e.details or {}).items())
        typer.echo(f"{e.at:%Y-%m-%d %H:%M:%S}\t{e.actor}\t{e.action}\t{e.target or ''}\t{details}")


def invite(number: Annotated[str, typer.Argument(help=texts.PARTICIPANT_NUMBER)]) -> None:
    """Print a participant's one-time Telegram link."""
    cfg = settings()
    db = database(cfg)
    username = bot_username(cfg, db)

    def make(*, session):
        participant = people.get_participant(session=session, number=number)
        return invites.create_invite(session=session, participant=participant, now=now(),
                                     ttl_days=cfg.invite_ttl_days, actor=CLI_ACTOR)

    try:
        code = db.call(make)
    except DomainError as exc:
        fail(sentence(exc, Channel.cli))
    typer.echo(f"https://t.me/{username}?start={code}")
    typer.echo(texts.invite_valid(cfg.invite_ttl_days), err=True)
