"""/jezykosoby NUMER [pl|uk|en] (social workers, coordinators, admins): set the language a
participant reads the bot in, for a person who cannot do it themselves.

Stateless: each button carries the participant id and the language; a press is validated
again (it may be forged or stale) and the same language twice changes nothing (audited once).
"""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from handlers.access import requires
from handlers.context import KisContext
from handlers.telegram.common import Buttons, CommandSpec, edit_or_say, row_id, say
from handlers.texts import staff_language as texts
from handlers.texts.errors import sentence
from handlers.texts.languages import LANGUAGE_NAMES
from storage import people
from storage.errors import DomainError, NotFound
from storage.models import Role
from storage.parsing import parse_language

ROLES = (Role.social_worker, Role.coordinator, Role.admin)
DATA = re.compile(r"^jo:(\d{1,9}):(pl|uk|en)$")


def language_buttons(participant_id: int) -> Buttons:
    """One button per language, each named in itself."""
    return [[(name, f"jo:{participant_id}:{code}")] for code, name in LANGUAGE_NAMES.items()]


@requires(*ROLES)
async def person_language_command(update: Update, context: KisContext) -> None:
    """/jezykosoby NUMER [JĘZYK]: set it at once, or show the languages as buttons."""
    args, deps, staff = context.args or [], context.deps, context.identity.staff
    assert staff is not None
    if len(args) not in (1, 2):
        await say(update, texts.USAGE)
        return
    try:
        language = parse_language(args[1]) if len(args) == 2 else None
    except ValueError:
        await say(update, texts.BAD_LANGUAGE)
        return
    try:
        person = await deps.db.run(people.get_participant, number=args[0][:20])
        if person.anonymized_at is not None:
            raise NotFound("participant_not_found", number=args[0][:20])
    except DomainError as exc:
        await say(update, sentence(exc))
        return
    if language is None:
        await say(update, texts.question(person.number, str(person.language)),
                  language_buttons(person.id))  # type: ignore[arg-type]
        return
    person, changed = await deps.db.run(
        people.change_language, participant_id=person.id, language=language,
        actor=f"staff:{staff.id}", now=deps.clock.now())
    await say(update, texts.saved(person.number, language, changed))


@requires(*ROLES)
async def person_language_button(update: Update, context: KisContext) -> None:
    """jo:ID:LANG: set it once (a repeat or a forged press changes nothing)."""
    query, deps, staff = update.callback_query, context.deps, context.identity.staff
    assert query is not None and staff is not None
    match = DATA.match(query.data or "")
    try:
        if match is None:
            raise ValueError(query.data)
        person, changed = await deps.db.run(
            people.change_language, participant_id=row_id(match[1]), language=match[2],
            actor=f"staff:{staff.id}", now=deps.clock.now())
    except (ValueError, NotFound):
        await query.answer(texts.STALE, show_alert=True)
        return
    await edit_or_say(update, texts.saved(person.number, match[2], changed))


COMMANDS = [CommandSpec("jezykosoby", person_language_command, texts.DESCRIPTION,
                        aliases=("person_language",))]
HANDLERS: list[BaseHandler] = [CallbackQueryHandler(person_language_button, pattern=r"^jo:")]
