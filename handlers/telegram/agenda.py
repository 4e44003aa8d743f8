"""Staff: publish and withdraw consultation times, the agenda, marking, external records."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import partial

from telegram import Update
from telegram.ext import CallbackQueryHandler

from handlers.access import requires
from handlers.context import KisContext
from handlers.telegram.common import CommandSpec, edit_or_say, say
from handlers.telegram.paging import Item, paginate, show_page
from handlers.texts import booking as texts
from handlers.texts import common, fmt
from handlers.texts.errors import error_text, sentence
from storage import consultations as store
from storage.clock import local_date
from storage.consultation_rules import parse_clock, parse_slot_request
from storage.errors import DomainError
from storage.hours_rules import parse_work_day
from storage.models import Role, Staff

CONSULTANTS = (Role.psychologist, Role.career_advisor)
AGENDA_DAYS = 7


def _staff(context: KisContext) -> Staff:
    staff = context.identity.staff
    assert staff is not None and staff.id is not None
    return staff


def _today_start(context: KisContext) -> datetime:
    deps = context.deps
    return datetime.combine(deps.today(), time(0), deps.settings.tz)


@requires(*CONSULTANTS)
async def slots_command(update: Update, context: KisContext) -> None:
    """/terminy DAY HH:MM-HH:MM [MIN] [wideo LINK] [święto]; alone: own upcoming slots."""
    deps = context.deps
    if not context.args:
        await _list_slots(update, context)
        return
    try:
        request = parse_slot_request(context.args, deps.today())
    except (ValueError, IndexError):
        await say(update, common.usage(texts.SLOTS_USAGE))
        return
    try:
        done = await deps.db.run(store.publish_slots, staff=_staff(context), request=request,
                                 now=deps.clock.now(), tz=deps.settings.tz,
                                 default_minutes=deps.settings.consultation_minutes)
    except DomainError as exc:
        await say(update, sentence(exc))
        return
    if done.created:
        await deps.db.run(store.notify_waitlist, service=done.created[0].service,
                          now=deps.clock.now(), text=texts.waitlist_notice)
    first = done.created[0].starts_at if done.created else None
    await say(update, texts.published(len(done.created), done.skipped, first, deps.settings.tz,
                                      deps.today()))


async def _list_slots(update: Update, context: KisContext, page: int = 0,
                      in_place: bool = False) -> None:
    """Own upcoming slots, a page at a time, each with its withdraw button."""
    deps = context.deps
    items = await deps.db.run(store.agenda, staff_id=_staff(context).id, since=deps.clock.now(),
                              until=deps.clock.now() + timedelta(days=60))
    if not items:
        await (edit_or_say if in_place else say)(update, texts.NO_SLOTS)
        return
    tz = deps.settings.tz
    entries = [Item(texts.slot_line(i.slot, i.participant, tz),
                    [[(f"✖ {fmt.short_day(local_date(i.slot.starts_at, tz))} "
                       f"{fmt.clock_time(i.slot.starts_at, tz)}", f"ag:cx:{i.slot.id}")]])
               for i in items]
    await show_page(update, paginate(entries), page, "ag:slpg", in_place=in_place)


@requires(*CONSULTANTS)
async def slots_page(update: Update, context: KisContext) -> None:
    """◀ ▶ under the list of own slots."""
    await _list_slots(update, context, int(context.match[1]), in_place=True)  # type: ignore[index]


@requires(*CONSULTANTS)
async def ask_cancel_slot(update: Update, context: KisContext) -> None:
    """Ask before withdrawing a slot (and say who is booked on it)."""
    deps, slot_id = context.deps, int(context.match[1])  # type: ignore[index]
    items = await deps.db.run(store.agenda, staff_id=_staff(context).id, since=deps.clock.now(),
                              until=deps.clock.now() + timedelta(days=365))
    item = next((i for i in items if i.slot.id == slot_id), None)
    if item is None:
        await edit_or_say(update, error_text("slot_not_found"))
        return
    await edit_or_say(update, texts.cancel_slot_question(item.slot, item.participant,
                                                         deps.settings.tz),
                      [[(texts.YES_CANCEL, f"ag:cxok:{slot_id}"), (texts.KEEP, "ag:keep")]])


@requires(*CONSULTANTS)
async def cancel_slot(update: Update, context: KisContext) -> None:
    """Withdraw a slot; the person booked on it gets a message and can book again."""
    deps, tz = context.deps, context.deps.settings.tz
    try:
        await deps.db.run(store.staff_cancel_slot, staff_id=_staff(context).id,
                          slot_id=int(context.match[1]), now=deps.clock.now(),  # type: ignore[index]
                          tell=lambda booking: partial(texts.slot_cancelled_by_staff, booking, tz))
    except DomainError as exc:
        await edit_or_say(update, sentence(exc))
        return
    await edit_or_say(update, texts.SLOT_CANCELLED)


@requires(*CONSULTANTS)
async def keep_slot(update: Update, context: KisContext) -> None:
    """Staff changed their mind."""
    await edit_or_say(update, texts.KEPT)


@requires(*CONSULTANTS)
async def agenda_command(update: Update, context: KisContext) -> None:
    """/agenda: today and the coming days; ended consultations get attended/no-show buttons."""
    await _agenda(update, context)


async def _agenda(update: Update, context: KisContext, page: int = 0,
                  in_place: bool = False) -> None:
    """One page of the agenda."""
    deps, tz = context.deps, context.deps.settings.tz
    start = _today_start(context)
    items = await deps.db.run(store.agenda, staff_id=_staff(context).id, since=start,
                              until=start + timedelta(days=AGENDA_DAYS))
    if not items:
        await (edit_or_say if in_place else say)(update, texts.AGENDA_EMPTY)
        return
    entries = []
    now = deps.clock.now()
    for item in items:
        day = local_date(item.slot.starts_at, tz)
        rows = []
        b = item.booking
        if b is not None and item.participant and b.starts_at + timedelta(minutes=b.minutes) <= now:
            label = f"{fmt.clock_time(b.starts_at, tz)} {item.participant.first_name}"
            rows.append([(f"✅ {label}", f"ag:att:{b.id}"), (f"❌ {label}", f"ag:ns:{b.id}")])
        entries.append(Item(texts.agenda_line(item.slot, item.booking, item.participant, tz),
                            rows, group=f"\n📅 {fmt.day(day)}"))
    await show_page(update, paginate(entries), page, "ag:pg", in_place=in_place)


@requires(*CONSULTANTS)
async def agenda_page(update: Update, context: KisContext) -> None:
    """◀ ▶ under the agenda."""
    await _agenda(update, context, int(context.match[1]), in_place=True)  # type: ignore[index]


@requires(*CONSULTANTS)
async def mark(update: Update, context: KisContext) -> None:
    """Mark an ended consultation as attended or no-show."""
    deps = context.deps
    attended = context.match[1] == "att"  # type: ignore[index]
    try:
        booking = await deps.db.run(store.mark, staff_id=_staff(context).id,
                                    booking_id=int(context.match[2]),  # type: ignore[index]
                                    attended=attended, now=deps.clock.now())
    except DomainError as exc:
        await say(update, sentence(exc))
        return
    assert update.callback_query is not None
    await update.callback_query.answer(texts.MARKED[booking.status])


@requires(*CONSULTANTS)
async def record_command(update: Update, context: KisContext) -> None:
    """/konsultacja NUMBER DAY HH:MM [MIN]: a consultation that took place outside the bot."""
    deps, tz = context.deps, context.deps.settings.tz
    try:
        number, day_text, clock_text = context.args[0], context.args[1], context.args[2]  # type: ignore[index]
        minutes = int(context.args[3]) if len(context.args) > 3 else deps.settings.consultation_minutes  # type: ignore[arg-type]
        day = parse_work_day(day_text, deps.today())
        starts_at = datetime.combine(day, parse_clock(clock_text), tz)
        if not 10 <= minutes <= 240:
            raise ValueError("minutes")
    except (IndexError, TypeError, ValueError):
        await say(update, common.usage(texts.RECORD_USAGE))
        return
    try:
        await deps.db.run(store.record_external, staff=_staff(context), number=number,
                          starts_at=starts_at, minutes=minutes, now=deps.clock.now())
    except DomainError as exc:
        await say(update, sentence(exc))
        return
    await say(update, texts.recorded(number, fmt.when(starts_at, tz), minutes))


COMMANDS = [
    CommandSpec("terminy", slots_command, texts.SLOTS_DESCRIPTION, aliases=("slots",)),
    CommandSpec("agenda", agenda_command, texts.AGENDA_DESCRIPTION, menu_label=texts.AGENDA_MENU),
    CommandSpec("konsultacja", record_command, texts.RECORD_DESCRIPTION, aliases=("record",)),
]

HANDLERS = [
    CallbackQueryHandler(ask_cancel_slot, pattern=r"^ag:cx:(\d{1,9})$"),
    CallbackQueryHandler(cancel_slot, pattern=r"^ag:cxok:(\d{1,9})$"),
    CallbackQueryHandler(keep_slot, pattern=r"^ag:keep$"),
    CallbackQueryHandler(mark, pattern=r"^ag:(att|ns):(\d{1,9})$"),
    CallbackQueryHandler(agenda_page, pattern=r"^ag:pg:(\d{1,4})$"),
    CallbackQueryHandler(slots_page, pattern=r"^ag:slpg:(\d{1,4})$"),
]
