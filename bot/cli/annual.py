"""`kisbot participants leave`, `kisbot staff edit` (employment), `kisbot grants …`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated

import typer

from bot.cli.common import CLI_ACTOR, database, fail, now, settings
from handlers.texts import annual_cli as texts
from handlers.texts import cli as cli_texts
from handlers.texts.errors import Channel, error_text, sentence
from storage import employment, exits, grants, people
from storage.clock import SystemClock, local_today
from storage.errors import DomainError
from storage.models import EmploymentBasis
from storage.parsing import parse_date

grants_app = typer.Typer(help=texts.GRANTS, no_args_is_help=True)
FteOption = Annotated[str | None, typer.Option("--fte", help=texts.FTE)]
HoursOption = Annotated[str | None, typer.Option("--hours-per-month", help=texts.HOURS_PER_MONTH)]
BasisOption = Annotated[str | None, typer.Option("--basis", help=texts.BASIS)]
FromOption = Annotated[str | None, typer.Option("--from", help=texts.EMPLOYMENT_FROM)]


def today() -> date:
    """Today in the club's time zone."""
    return local_today(SystemClock(), settings().tz)


def day(value: str) -> date:
    """A date option, or a one-line error."""
    try:
        return parse_date(value)
    except ValueError:
        fail(error_text("bad_date", Channel.cli, value=value))


def decimal(value: str | None) -> Decimal | None:
    """'0,5' → Decimal('0.5'); a one-line error when not a number."""
    if value is None:
        return None
    try:
        number = Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        fail(texts.BAD_NUMBER.format(value=value))
    if not number.is_finite():
        fail(texts.BAD_NUMBER.format(value=value))
    return number


@dataclass(frozen=True)
class Employment:
    """Employment options, parsed and checked (before anything is saved)."""

    basis: EmploymentBasis
    fte: Decimal | None
    monthly_hours: Decimal | None
    valid_from: date


def employment_options(basis: str | None, fte: str | None, hours: str | None,
                       since: str | None) -> Employment | None:
    """The --basis/--fte/--hours-per-month/--from options, or a one-line error; None if absent."""
    if basis is None:
        if fte is not None or hours is not None:
            fail(texts.EMPLOYMENT_OPTIONS_WITHOUT_BASIS)
        return None
    try:
        kind = employment.parse_basis(basis)
    except ValueError:
        fail(texts.BAD_BASIS.format(value=basis))
    try:
        fte_value, hours_value = employment.check_working_time(kind, decimal(fte), decimal(hours))
    except DomainError as exc:
        fail(sentence(exc, Channel.cli))
    return Employment(kind, fte_value, hours_value, day(since) if since else today())


def set_employment(staff_id: int, job: Employment) -> None:
    """Record employment from a day (used by `staff add` and `staff edit`)."""
    try:
        database().call(employment.set_employment, staff_id=staff_id, valid_from=job.valid_from,
                        basis=job.basis, fte=job.fte, monthly_hours=job.monthly_hours,
                        actor=CLI_ACTOR, now=now())
    except DomainError as exc:
        fail(sentence(exc, Channel.cli))
    typer.echo(texts.employment_set(staff_id, job.valid_from, job.basis, job.fte,
                                    job.monthly_hours))


def staff_edit(
    staff_id: Annotated[int, typer.Argument(help=texts.STAFF_ID)],
    basis: BasisOption = None, fte: FteOption = None, hours_per_month: HoursOption = None,
    valid_from: FromOption = None,
) -> None:
    """Change a staff member's employment from a day on."""
    job = employment_options(basis, fte, hours_per_month, valid_from)
    if job is None:
        fail(texts.EMPLOYMENT_OPTIONS_WITHOUT_BASIS)
    set_employment(staff_id, job)


def participants_leave(
    number: Annotated[str, typer.Argument(help=cli_texts.PARTICIPANT_NUMBER)],
    on: Annotated[str, typer.Option("--on", help=texts.LEAVE_ON)],
    outcome: Annotated[str, typer.Option("--outcome", help=texts.LEAVE_OUTCOME)],
) -> None:
    """Record when and how a participant left."""
    left_on = day(on)
    try:
        result_outcome = exits.parse_outcome(outcome)
    except ValueError:
        fail(texts.BAD_OUTCOME.format(value=outcome))

    def leave(*, session):
        person = people.get_participant(session=session, number=number)
        return exits.record_exit(session=session, participant_id=person.id, left_on=left_on,
                                 outcome=result_outcome, today=today(), actor=CLI_ACTOR,
                                 now=now())

    try:
        person, result = database().call(leave)
    except DomainError as exc:
        fail(sentence(exc, Channel.cli))
    typer.echo(texts.exit_recorded(person.number, left_on, result_outcome, result))


@grants_app.command("add", help=texts.GRANTS_ADD)
def grants_add(
    year: Annotated[int, typer.Option(help=texts.GRANT_YEAR)],
    source: Annotated[str, typer.Option(help=texts.GRANT_SOURCE)],
    granted: Annotated[str, typer.Option(help=texts.GRANT_GRANTED)],
    spent: Annotated[str, typer.Option(help=texts.GRANT_SPENT)],
) -> None:
    """Record a grant of a year."""
    if not 2000 <= year <= 2100:
        fail(cli_texts.BAD_YEAR.format(value=year))
    try:
        grant = database().call(grants.add_grant, year=year, source=source,
                                granted=decimal(granted), spent=decimal(spent), actor=CLI_ACTOR,
                                now=now())
    except DomainError as exc:
        fail(sentence(exc, Channel.cli))
    typer.echo(texts.grant_added(grant.year, grant.source, grant.granted, grant.spent))


@grants_app.command("list", help=texts.GRANTS_LIST)
def grants_list(year: Annotated[int | None, typer.Option(help=texts.GRANT_YEAR)] = None) -> None:
    """List the grants."""
    found = database().call(grants.list_grants, year=year)
    if not found:
        typer.echo(texts.NO_GRANTS)
    for g in found:
        typer.echo(texts.grant_line(g.year, g.source, g.granted, g.spent))
