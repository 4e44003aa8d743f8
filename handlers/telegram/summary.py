"""Staff PSU hours: /podsumowanie [DATE] with confirmation, /wpis, /odrzuc, /rozliczenie [YYYY-MM]."""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from telegram import Update
from telegram.constants import ChatAction
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler

from handlers.access import requires
from handlers.context import KisContext
from handlers.telegram.common import (
    Buttons,
    CommandSpec,
    edit_or_say,
    is_not_modified,
    row_id,
    say,
)
from handlers.telegram.paging import say_in_parts, split_text
from handlers.texts import common
from handlers.texts import summary as texts
from handlers.texts.errors import sentence
from storage import hours
from storage.errors import DomainError
from storage.hours_rules import Limits, month_bounds, parse_hours, parse_work_day
from storage.hours_summary import DailySummary, latest_version, versioned_summary
from storage.models import Role
from storage.people import get_participant
from storage.settlement import settlement

log = logging.getLogger(__name__)
HOURS_STAFF = (Role.coordinator, Role.social_worker, Role.admin)
BUTTONS_SHOWN = 10
# Confirm buttons carry what staff saw: all entries as they were at the summary's moment
# (epoch seconds), one entry with its hours; an entry changed since is not confirmed.
ALL_DATA = re.compile(r"^sm:all:(\d{4}-\d{2}-\d{2}):(\d{1,10})$")
ONE_DATA = re.compile(r"^sm:(ok|no):(\d{1,9}):(\d{4}-\d{2}-\d{2})(?::(\d{1,2}\.\d))?$")
MONTH_DATA = re.compile(r"^st:(\d{4})-(\d{2})$")
MONTH_ARG = re.compile(r"^(\d{4})-(\d{1,2})$")
DATE_LIKE = re.compile(r"^[\d.\-]+$")


def summary_buttons(summary: DailySummary, shown_at: datetime) -> Buttons:
    """Confirm-all, then confirm/reject for the oldest pending entries."""
    if not summary.pending_count:
        return []
    day, moment = f"{summary.day:%Y-%m-%d}", math.ceil(shown_at.timestamp())
    rows = [[(texts.CONFIRM_ALL.format(n=summary.pending_count), f"sm:all:{day}:{moment}")]]
    rows += [[(texts.pending_button(item),
               f"sm:ok:{item.entry_id}:{day}:{item.hours.quantize(Decimal('0.1'))}"),
              ("❌", f"sm:no:{item.entry_id}:{day}")] for item in summary.pending[:BUTTONS_SHOWN]]
    return rows


@dataclass(frozen=True)
class Shown:
    """A summary as staff get it: the moment it shows (what a confirm-all button confirms up
    to), its text and its buttons."""

    summary: DailySummary
    shown_at: datetime
    text: str
    buttons: Buttons


async def current_summary(context: KisContext, day: date) -> Shown:
    """The day's summary, computed (and written out) again only after something it shows
    changed (its version, storage/versions.py)."""
    deps, limits = context.deps, Limits.of(context.deps.settings)
    version = await latest_version(deps.db)
    if (hit := deps.summaries.get(day, limits, version)) is not None:
        return hit  # type: ignore[no-any-return]
    shown_at = deps.clock.now()
    summary, version = await deps.db.run(versioned_summary, day=day, limits=limits)
    shown = Shown(summary, shown_at, texts.summary_text(summary), summary_buttons(summary, shown_at))
    deps.summaries.put(day, limits, version, shown)
    return shown


async def send_summary(update: Update, context: KisContext, day: date, prefix: str = "") -> None:
    """The summary with its buttons (replacing the pressed message when there is one).

    A summary too long for one message goes in parts, buttons under the last: every line,
    the entries to confirm included, is shown (after a press the old buttons are removed and
    the parts sent anew)."""
    shown = await current_summary(context, day)
    text, buttons = (prefix + "\n\n" if prefix else "") + shown.text, shown.buttons
    if len(split_text(text)) == 1:
        await edit_or_say(update, text, buttons)
        return
    query = update.callback_query
    if query is not None and query.message is not None:
        await query.answer()
        try:
            await query.edit_message_reply_markup(None)
        except BadRequest as exc:
            if not is_not_modified(exc):
                raise
    await say_in_parts(update, text, buttons or None)


@requires(*HOURS_STAFF)
async def summary_command(update: Update, context: KisContext) -> None:
    """/podsumowanie [DATE]: the day's PSU summary."""
    now = context.deps.today()
    try:
        day = parse_work_day(context.args[0], now) if context.args else now
        if len(context.args or []) > 1 or day > now:
            raise ValueError(day)
    except ValueError:
        await say(update, common.usage(texts.SUMMARY_USAGE))
        return
    await send_summary(update, context, day)


@requires(*HOURS_STAFF)
async def summary_button(update: Update, context: KisContext) -> None:
    """Confirm all / confirm one / how to reject one (data validated: it may be forged)."""
    query, deps = update.callback_query, context.deps
    assert query is not None and context.identity.staff is not None
    data = query.data or ""
    seen: dict[int, Decimal] | None = None
    shown_at: datetime | None = None
    try:
        if match := ALL_DATA.match(data):
            day, ids = date.fromisoformat(match[1]), None
            shown_at = datetime.fromtimestamp(int(match[2]), UTC)
        elif (match := ONE_DATA.match(data)) and match[1] == "ok" and match[4]:
            day, ids = date.fromisoformat(match[3]), [int(match[2])]
            seen = {int(match[2]): Decimal(match[4])}
        elif match and match[1] == "no":
            await say(update, texts.REJECT_HINT.format(id=int(match[2])))
            return
        else:
            raise ValueError(data)
        if not deps.today() - timedelta(days=366) <= day <= deps.today():  # summaries are past days
            raise ValueError(day)
    except ValueError:
        await query.answer(common.STALE_BUTTON, show_alert=True)
        return
    done = await deps.db.run(hours.confirm, staff_id=context.identity.staff.id,
                             now=deps.clock.now(), up_to=day, entry_ids=ids, seen=seen,
                             shown_at=shown_at)
    log.info("staff %s confirmed %d hour entries", context.identity.staff.id, len(done))
    await send_summary(update, context, day, texts.CONFIRMED.format(n=len(done)))


def parse_entry(args: list[str], now: date) -> tuple[str, Decimal, date, str | None]:
    """NUMBER HOURS [DATE] [reason…] → parts; ValueError otherwise."""
    if len(args) < 2:
        raise ValueError(args)
    day, rest = now, args[2:]
    if rest and DATE_LIKE.match(rest[0]):  # a typo in a date is an error, not a reason
        day, rest = parse_work_day(rest[0], now), rest[1:]
    if day > now:
        raise ValueError(day)
    return args[0], parse_hours(args[1]), day, " ".join(rest).strip() or None


@requires(*HOURS_STAFF)
async def entry_command(update: Update, context: KisContext) -> None:
    """/wpis NUMBER HOURS [DATE] [reason]: record or overwrite a day's hours, confirmed."""
    deps, staff = context.deps, context.identity.staff
    assert staff is not None
    try:
        number, amount, day, reason = parse_entry(context.args or [], context.deps.today())
    except ValueError:
        await say(update, common.usage(texts.ENTRY_USAGE))
        return

    def add(*, session):  # type: ignore[no-untyped-def]
        person = get_participant(session=session, number=number)
        return hours.staff_add(session=session, staff_id=staff.id, participant_id=person.id,
                               work_date=day, hours=amount, reason=reason, today=context.deps.today(),
                               limits=Limits.of(deps.settings), now=deps.clock.now())

    try:
        done = await deps.db.run(add)
    except DomainError as exc:
        await say(update, sentence(exc))
        return
    await say(update, texts.entry_saved(number, day, done.entry.hours, done.previous))


@requires(*HOURS_STAFF)
async def reject_command(update: Update, context: KisContext) -> None:
    """/odrzuc ENTRY reason: reject an entry."""
    deps, staff = context.deps, context.identity.staff
    assert staff is not None
    args = context.args or []
    try:
        entry_id = row_id(args[0]) if len(args) >= 2 else 0
    except ValueError:
        entry_id = 0
    if not entry_id:
        await say(update, common.usage(texts.REJECT_USAGE))
        return
    try:
        entry = await deps.db.run(hours.staff_reject, staff_id=staff.id, entry_id=entry_id,
                                  reason=" ".join(args[1:])[:500], now=deps.clock.now())
    except DomainError as exc:
        await say(update, sentence(exc))
        return
    await say(update, texts.rejected(entry.id, entry.work_date, entry.hours))  # type: ignore[arg-type]


def default_month(now: date) -> date:
    """The month to settle by default: the previous one."""
    return month_bounds(now.replace(day=1) - timedelta(days=1))[0]


@requires(*HOURS_STAFF)
async def settlement_command(update: Update, context: KisContext) -> None:
    """/rozliczenie [YYYY-MM]: the month's settlement as text and XLSX."""
    now = context.deps.today()
    args = context.args or []
    match = MONTH_ARG.match(args[0]) if len(args) == 1 else None
    try:
        month = date(int(match[1]), int(match[2]), 1) if match else default_month(now)
        if (args and not match) or len(args) > 1 or not 2000 <= month.year <= 2100:
            raise ValueError(args)
    except ValueError:
        await say(update, common.usage(texts.SETTLEMENT_USAGE))
        return
    await send_settlement(update, context, month)


@requires(*HOURS_STAFF)
async def settlement_button(update: Update, context: KisContext) -> None:
    """A month button under the settlement."""
    query = update.callback_query
    assert query is not None
    match = MONTH_DATA.match(query.data or "")
    try:
        month = date(int(match[1]), int(match[2]), 1) if match else None
    except ValueError:
        month = None
    if month is None or not 2000 <= month.year <= 2100:
        await query.answer(common.STALE_BUTTON, show_alert=True)
        return
    await query.answer()
    await send_settlement(update, context, month)


async def send_settlement(update: Update, context: KisContext, month: date) -> None:
    """Compute the settlement, send its text and the workbook."""
    from handlers.documents.settlement_xlsx import settlement_workbook  # openpyxl: on first use

    deps, chat = context.deps, update.effective_chat
    assert chat is not None
    await chat.send_action(ChatAction.UPLOAD_DOCUMENT)
    result = await deps.db.run(settlement, month=month, places=deps.settings.psu_places)
    await say(update, texts.settlement_text(result), month_buttons(month, context.deps.today()))
    await chat.send_document(settlement_workbook(result), filename=texts.settlement_filename(month))
    log.info("settlement %s sent to chat %s", f"{month:%Y-%m}", chat.id)


def month_buttons(month: date, now: date) -> Buttons:
    """The month before and (unless it is in the future) the month after."""
    before = month_bounds(month - timedelta(days=1))[0]
    after = month_bounds(month)[1] + timedelta(days=1)
    months = [before] + ([after] if after <= now else [])
    return [[(f"{'◀' if m < month else '▶'} {texts.month_name(m)}", f"st:{m:%Y-%m}")
             for m in months]]


COMMANDS = [
    CommandSpec("podsumowanie", summary_command, texts.SUMMARY_DESCRIPTION, aliases=("summary",),
                menu_label=texts.SUMMARY_MENU),
    CommandSpec("rozliczenie", settlement_command, texts.SETTLEMENT_DESCRIPTION,
                aliases=("settlement",), menu_label=texts.SETTLEMENT_MENU),
    CommandSpec("wpis", entry_command, texts.ENTRY_DESCRIPTION, aliases=("entry",)),
    CommandSpec("odrzuc", reject_command, texts.REJECT_DESCRIPTION, aliases=("reject",)),
]
HANDLERS: list[BaseHandler] = [CallbackQueryHandler(summary_button, pattern=r"^sm:"),
                               CallbackQueryHandler(settlement_button, pattern=r"^st:")]
