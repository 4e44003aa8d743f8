"""/godziny [H] [DATE] (participants): see and log PSU hours, correct or delete unconfirmed ones."""

from __future__ import annotations

import logging
import re
from datetime import date
from decimal import Decimal

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from handlers.access import PARTICIPANT, requires
from handlers.context import KisContext
from handlers.telegram.common import Buttons, CommandSpec, edit_or_say, say
from handlers.texts import common
from handlers.texts import hours as texts
from handlers.texts.errors import error_text, sentence
from storage import hours
from storage.errors import DomainError
from storage.hours_overview import Overview, overview
from storage.hours_rules import Limits, choices, left, parse_hours, parse_work_day
from storage.models import HourStatus

log = logging.getLogger(__name__)
LOG_DATA = re.compile(r"^hr:log:(\d{4}-\d{2}-\d{2}):(\d{1,2}(?:\.5)?)$")
ENTRY_DATA = re.compile(r"^hr:(fix|del):(\d{1,9})$")
SET_DATA = re.compile(r"^hr:set:(\d{1,9}):(\d{1,2}(?:\.5)?)$")


def parse_args(args: list[str], day: date) -> tuple[Decimal, date]:
    """'4' or '4,5 03.12' → (hours, day); ValueError otherwise."""
    if not 1 <= len(args) <= 2:
        raise ValueError(args)
    return parse_hours(args[0]), parse_work_day(args[1], day) if len(args) == 2 else day


def overview_buttons(view: Overview) -> Buttons:
    """Log-today buttons that fit, then correct/delete buttons for unconfirmed entries."""
    room = min(view.left.day, view.left.week, view.left.month)
    options = [(texts.button(h), f"hr:log:{view.today:%Y-%m-%d}:{h}") for h in choices(room)]
    rows: list[list[tuple[str, str]]] = [options[i:i + 4] for i in range(0, len(options), 4)]
    for entry in view.recent:
        if entry.status == HourStatus.submitted:
            label = f"{entry.work_date:%d.%m}"
            rows.append([(f"{texts.FIX} {label}", f"hr:fix:{entry.id}"),
                         (f"{texts.DELETE} {label}", f"hr:del:{entry.id}")])
    return rows


def overview_text(view: Overview, gender: str | None = None) -> str:
    """The status, the recent entries and the prompt."""
    parts = [texts.status(view.today, view.used, view.left, view.earned, view.pending)]
    if view.recent:
        parts.append(texts.ENTRIES_HEADER + "\n" + "\n".join(
            texts.entry_label(e.work_date, e.hours, e.status) for e in view.recent))
    room = min(view.left.day, view.left.week, view.left.month)
    parts.append(texts.log_today(gender) if choices(room) else texts.NOTHING_LEFT)
    return "\n\n".join(parts)


async def show(update: Update, context: KisContext, prefix: str | None = None) -> None:
    """Send the overview (after an optional line saying what just happened)."""
    deps, who = context.deps, context.identity.participant
    assert who is not None
    view = await deps.db.run(overview, participant_id=who.id, today=deps.today(),
                             limits=Limits.of(deps.settings),
                             backdate_days=deps.settings.hours_backdate_days)
    if not view.in_psu:
        await say(update, error_text("not_in_psu"))
        return
    text = overview_text(view, who.gender)
    await say(update, f"{prefix}\n\n{text}" if prefix else text, overview_buttons(view))


async def log_and_reply(update: Update, context: KisContext, amount: Decimal, day: date) -> None:
    """Log hours for a day and say what happened (or why not)."""
    deps, who = context.deps, context.identity.participant
    assert who is not None
    try:
        done = await deps.db.run(hours.log_hours, participant_id=who.id, work_date=day,
                                 hours=amount, today=deps.today(), limits=Limits.of(deps.settings),
                                 backdate_days=deps.settings.hours_backdate_days,
                                 now=deps.clock.now())
    except DomainError as exc:
        await say(update, sentence(exc))
        return
    log.info("participant %s logged hours for %s", who.id, day)
    await say(update, texts.logged(day, done.entry.hours, done.previous,
                                   left(Limits.of(deps.settings), done.used)))


@requires(PARTICIPANT)
async def hours_command(update: Update, context: KisContext) -> None:
    """/godziny: the overview; /godziny 4 [03.12]: log hours."""
    if not context.args:
        await show(update, context)
        return
    try:
        amount, day = parse_args(context.args, context.deps.today())
    except ValueError:
        await say(update, common.usage(texts.USAGE))
        return
    await log_and_reply(update, context, amount, day)


@requires(PARTICIPANT)
async def hours_button(update: Update, context: KisContext) -> None:
    """Buttons: log for a day, correct (choose new hours), delete."""
    query = update.callback_query
    assert query is not None
    data = query.data or ""
    try:
        if match := LOG_DATA.match(data):
            await log_and_reply(update, context, Decimal(match[2]), date.fromisoformat(match[1]))
        elif match := ENTRY_DATA.match(data):
            await entry_action(update, context, match[1], int(match[2]))
        elif match := SET_DATA.match(data):
            await set_hours(update, context, int(match[1]), Decimal(match[2]))
        else:
            raise ValueError(data)
    except ValueError:
        await query.answer(common.STALE_BUTTON, show_alert=True)


async def entry_action(update: Update, context: KisContext, action: str, entry_id: int) -> None:
    """Offer new hours for an entry, or delete it."""
    deps, who = context.deps, context.identity.participant
    assert who is not None
    if action == "del":
        try:
            gone = await deps.db.run(hours.delete, participant_id=who.id, entry_id=entry_id,
                                     now=deps.clock.now())
        except DomainError as exc:
            await say(update, sentence(exc))
            return
        await show(update, context, texts.deleted(gone.work_date, gone.hours))
        return
    try:
        entry = await deps.db.run(hours.open_entry, participant_id=who.id, entry_id=entry_id)
    except DomainError as exc:
        await say(update, sentence(exc))
        return
    options = [(texts.button(h), f"hr:set:{entry_id}:{h}")
               for h in choices(deps.settings.hours_day_limit)]
    await edit_or_say(update, texts.edit_prompt(entry.work_date),
                      [options[i:i + 4] for i in range(0, len(options), 4)])


async def set_hours(update: Update, context: KisContext, entry_id: int, amount: Decimal) -> None:
    """Correct an unconfirmed entry."""
    deps, who = context.deps, context.identity.participant
    assert who is not None
    try:
        done = await deps.db.run(hours.correct, participant_id=who.id, entry_id=entry_id,
                                 hours=amount, limits=Limits.of(deps.settings), now=deps.clock.now())
    except DomainError as exc:
        await say(update, sentence(exc))
        return
    await say(update, texts.logged(done.entry.work_date, done.entry.hours, done.previous,
                                   left(Limits.of(deps.settings), done.used)))


COMMANDS = [CommandSpec("godziny", hours_command, texts.DESCRIPTION, aliases=("hours",),
                        menu_label=texts.MENU_LABEL)]
HANDLERS: list[BaseHandler] = [CallbackQueryHandler(hours_button, pattern=r"^hr:")]
