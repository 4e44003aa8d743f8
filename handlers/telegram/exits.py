"""/zakonczenie NUMER [DATA] (social workers, coordinators, admins): record how a participant left.

Stateless: the outcome buttons carry the participant id, the day and the outcome; a press is
validated again (it may be forged or stale) and recording it twice changes nothing.
"""

from __future__ import annotations

import re
from datetime import date

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from handlers.access import requires
from handlers.context import KisContext
from handlers.telegram.common import Buttons, CommandSpec, button_day, edit_or_say, row_id, say
from handlers.texts import annual as texts
from handlers.texts.errors import sentence
from storage import people
from storage.errors import DomainError, NotFound
from storage.exits import ExitResult, check_exit, record_exit
from storage.models import ExitOutcome, Role
from storage.parsing import parse_date

ROLES = (Role.social_worker, Role.coordinator, Role.admin)
EXIT_DATA = re.compile(r"^ex:(\d{1,9}):(\d{8}):([a-z_]{1,24})$")


def outcome_buttons(participant_id: int, left_on: date) -> Buttons:
    """One button per outcome, each carrying everything the press needs."""
    return [[(label, f"ex:{participant_id}:{left_on:%Y%m%d}:{outcome}")]
            for outcome, label in texts.EXIT_BUTTONS.items()]


def parse_press(data: str) -> tuple[int, date, ExitOutcome]:
    """The participant id, day and outcome of a button; ValueError when malformed."""
    match = EXIT_DATA.match(data)
    if match is None or match[3] not in ExitOutcome.__members__:
        raise ValueError(data)
    return row_id(match[1]), button_day(match[2]), ExitOutcome(match[3])


@requires(*ROLES)
async def exit_command(update: Update, context: KisContext) -> None:
    """/zakonczenie NUMER [DATA]: ask for the outcome (the day defaults to today)."""
    args, deps = context.args or [], context.deps
    try:
        if len(args) not in (1, 2):
            raise ValueError("number and an optional date")
        left_on = parse_date(args[1]) if len(args) == 2 else deps.today()
    except ValueError:
        await say(update, texts.EXIT_USAGE)
        return
    try:
        person = await deps.db.run(people.get_participant, number=args[0])
        check_exit(person.referred_on, left_on, deps.today())
    except DomainError as exc:
        await say(update, sentence(exc))
        return
    current = texts.current_exit(person.left_on, person.exit_outcome) if person.left_on else None
    await say(update, texts.exit_question(person.number, left_on, current),
              outcome_buttons(person.id, left_on))  # type: ignore[arg-type]


@requires(*ROLES)
async def exit_button(update: Update, context: KisContext) -> None:
    """An outcome button: record it once (a repeat or a forged press changes nothing)."""
    query, deps, staff = update.callback_query, context.deps, context.identity.staff
    assert query is not None and staff is not None
    try:
        participant_id, left_on, outcome = parse_press(query.data or "")
        person, result = await deps.db.run(
            record_exit, participant_id=participant_id, left_on=left_on, outcome=outcome,
            today=deps.today(), actor=f"staff:{staff.id}", now=deps.clock.now())
    except (ValueError, NotFound):
        await query.answer(texts.EXIT_STALE, show_alert=True)
        return
    except DomainError as exc:
        await query.answer(sentence(exc)[:200], show_alert=True)
        return
    if result is ExitResult.unchanged:
        await edit_or_say(update, texts.exit_same(person.number))
        return
    await edit_or_say(update, texts.exit_saved(person.number, left_on, outcome,
                                               changed=result is ExitResult.changed))


COMMANDS = [CommandSpec("zakonczenie", exit_command, texts.EXIT_DESCRIPTION, aliases=("leave",),
                        menu_label=texts.EXIT_MENU_LABEL)]
HANDLERS: list[BaseHandler] = [CallbackQueryHandler(exit_button, pattern=r"^ex:")]
