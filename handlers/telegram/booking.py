"""Participants book, change and cancel consultations: /wizyta, /moje, and their buttons."""

from __future__ import annotations

from datetime import date

from telegram import Update
from telegram.ext import CallbackQueryHandler

from handlers.access import PARTICIPANT, requires
from handlers.context import KisContext
from handlers.telegram.common import Buttons, CommandSpec, button_day, edit_or_say, say
from handlers.telegram.paging import Item, paginate, show_page
from handlers.texts import booking as texts
from handlers.texts import fmt
from handlers.texts.errors import error_text, sentence
from storage import consultations as store
from storage.clock import local_date
from storage.consultation_rules import may_cancel
from storage.errors import DomainError
from storage.models import Booking, Service, Slot
from storage.reminders import leads_ahead

SERVICES = "psychologist|career_advisor"


def _participant_id(context: KisContext) -> int:
    who = context.identity.participant
    assert who is not None and who.id is not None
    return who.id


def _days_buttons(days: list[date], prefix: str) -> Buttons:
    buttons = [(fmt.short_day(d), f"{prefix}:{d:%Y%m%d}") for d in days]
    return [buttons[i:i + 3] for i in range(0, len(buttons), 3)]


def _times_buttons(slots: list[Slot], prefix: str, context: KisContext) -> Buttons:
    tz = context.deps.settings.tz
    buttons = [(fmt.clock_time(s.starts_at, tz), f"{prefix}:{s.id}") for s in slots]
    return [buttons[i:i + 4] for i in range(0, len(buttons), 4)]


@requires(PARTICIPANT)
async def book_command(update: Update, context: KisContext) -> None:
    """/wizyta: choose the service."""
    await edit_or_say(update, texts.CHOOSE_SERVICE,
                      [[(texts.SERVICE_BUTTON[s], f"bk:svc:{s}")] for s in Service])


async def _offer_days(update: Update, context: KisContext, service: str, prefix: str,
                      heading: str | None = None) -> None:
    deps = context.deps
    days = await deps.db.run(store.free_days, service=service, now=deps.clock.now(),
                             horizon_days=deps.settings.booking_horizon_days, tz=deps.settings.tz)
    if not days:
        await edit_or_say(update, texts.NO_FREE, [[(texts.NOTIFY_ME, f"bk:wl:{service}")]])
        return
    await edit_or_say(update, heading or texts.CHOOSE_DAY, _days_buttons(days, prefix))


async def _existing(context: KisContext, service: str) -> Booking | None:
    deps = context.deps
    mine = await deps.db.run(store.upcoming, participant_id=_participant_id(context),
                             now=deps.clock.now())
    same = [b for b, _ in mine if b.service == service]
    limit = deps.settings.max_upcoming_per_service
    return same[0] if len(same) >= limit else None


@requires(PARTICIPANT)
async def choose_service(update: Update, context: KisContext) -> None:
    """A service was chosen: offer days, or the booking the person already has."""
    service = context.match[1]  # type: ignore[index]
    if (existing := await _existing(context, service)) is not None:
        buttons = change_buttons(context, existing)
        await edit_or_say(update, texts.already_booked(existing, context.deps.settings.tz,
                                                       bool(buttons),
                                                       context.deps.settings.club_phone),
                          buttons)
        return
    await _offer_days(update, context, service, f"bk:day:{service}")


async def _offer_times(update: Update, context: KisContext, service: str, day: date,
                       prefix: str, heading: str | None = None, *, day_data: str,
                       page: int = 0) -> bool:
    """The day's free times (paged with ◀ ▶ when many staff offer many short slots; the
    pages' data is the day's own button data plus `:PAGE`)."""
    deps = context.deps
    slots = await deps.db.run(store.free_slots_on, service=service, day=day,
                              now=deps.clock.now(), tz=deps.settings.tz)
    if not slots:
        return False
    entries = [Item("", [row]) for row in _times_buttons(slots, prefix, context)]
    await show_page(update, paginate(entries), page, day_data,
                    heading or texts.choose_time(fmt.day(day)), in_place=True)
    return True


def _day_or_none(raw: str) -> date | None:
    """The button's day, or None for a forged one (the days are offered again)."""
    try:
        return button_day(raw)
    except ValueError:
        return None


@requires(PARTICIPANT)
async def choose_day(update: Update, context: KisContext) -> None:
    """A day was chosen: offer its free times (or the days again if it filled up)."""
    service, raw, page = context.match[1], context.match[2], context.match[3]  # type: ignore[index]
    day = _day_or_none(raw)
    if day is None or not await _offer_times(update, context, service, day, "bk:t",
                              day_data=f"bk:day:{service}:{raw}", page=int(page or 0)):
        await _offer_days(update, context, service, f"bk:day:{service}",
                          error_text("slot_gone"))


async def _slot_and_staff(context: KisContext, slot_id: int) -> tuple[Slot, str] | None:
    return await context.deps.db.run(store.slot_with_staff, slot_id=slot_id)


@requires(PARTICIPANT)
async def choose_time(update: Update, context: KisContext) -> None:
    """A time was chosen: ask to confirm."""
    found = await _slot_and_staff(context, int(context.match[1]))  # type: ignore[index]
    if found is None or found[0].cancelled:
        await _restart(update, context)
        return
    slot, staff_name = found
    who, settings = context.identity.participant, context.deps.settings
    await edit_or_say(update, texts.confirm_question(slot, staff_name, settings.tz,
                                                     has_phone=bool(who and who.phone),
                                                     club_phone=settings.club_phone,
                                                     today=context.deps.today()),
                      [[(texts.YES_BOOK, f"bk:ok:{slot.id}")],
                       [(texts.OTHER_TIME, f"bk:svc:{slot.service}")]])


async def _restart(update: Update, context: KisContext) -> None:
    await edit_or_say(update, error_text("slot_gone"),
                      [[(texts.SERVICE_BUTTON[s], f"bk:svc:{s}")] for s in Service])


async def _after_taken(update: Update, context: KisContext, exc: DomainError, slot_id: int,
                       prefix: str, day_prefix: str | None) -> None:
    """Already taken (or gone): say so and offer the other free times of that day."""
    found = await _slot_and_staff(context, slot_id)
    if found is not None:
        slot = found[0]
        day = local_date(slot.starts_at, context.deps.settings.tz)
        day_data = f"{day_prefix or f'bk:day:{slot.service}'}:{day:%Y%m%d}"
        if await _offer_times(update, context, slot.service, day, prefix, sentence(exc),
                              day_data=day_data):
            return
        await _offer_days(update, context, slot.service, day_prefix or f"bk:day:{slot.service}",
                          sentence(exc))
        return
    await _restart(update, context)


@requires(PARTICIPANT)
async def confirm(update: Update, context: KisContext) -> None:
    """Book the slot; if someone was faster, offer other times."""
    deps, slot_id = context.deps, int(context.match[1])  # type: ignore[index]
    try:
        booking, slot, staff_name = await deps.db.run(
            store.book_and_show, participant_id=_participant_id(context), slot_id=slot_id,
            now=deps.clock.now(), max_upcoming=deps.settings.max_upcoming_per_service)
    except DomainError as exc:
        if exc.code == "booking_limit":
            await choose_service_again(update, context, exc.params["service"])
            return
        await _after_taken(update, context, exc, slot_id, "bk:t", None)
        return
    await edit_or_say(update, texts.booked(booking, staff_name, slot.video_link, deps.settings.tz,
                                           **promises(context, booking)))


def promises(context: KisContext, booking: Booking) -> dict:
    """What a confirmation may promise this person: a call, the reminders that will go,
    changing or cancelling (only while it is allowed)."""
    deps, who = context.deps, context.identity.participant
    now, settings = deps.clock.now(), deps.settings
    return {"has_phone": bool(who and who.phone), "club_phone": settings.club_phone,
            "today": deps.today(),
            "reminder_leads": leads_ahead(starts_at=booking.starts_at, now=now,
                                          hours=settings.reminder_hours, tz=settings.tz,
                                          opted_out=bool(who and who.reminders_opt_out)),
            "can_cancel": may_cancel(booking.starts_at, now, settings.cancel_until_hours)}


def change_buttons(context: KisContext, booking: Booking) -> Buttons:
    """Change and Cancel, only while that is still allowed."""
    deps = context.deps
    if not may_cancel(booking.starts_at, deps.clock.now(), deps.settings.cancel_until_hours):
        return []
    return [[(texts.CHANGE, f"bk:mv:{booking.id}"), (texts.CANCEL, f"bk:cx:{booking.id}")]]


async def choose_service_again(update: Update, context: KisContext, service: str) -> None:
    """Show the booking that blocks a new one."""
    existing = await _existing(context, service)
    if existing is not None:
        buttons = change_buttons(context, existing)
        await edit_or_say(update, texts.already_booked(existing, context.deps.settings.tz,
                                                       bool(buttons),
                                                       context.deps.settings.club_phone),
                          buttons)


@requires(PARTICIPANT)
async def join_waitlist(update: Update, context: KisContext) -> None:
    """Put the person on the waiting list of a service."""
    deps = context.deps
    place = await deps.db.run(store.join_waitlist, participant_id=_participant_id(context),
                              service=context.match[1], now=deps.clock.now())  # type: ignore[index]
    await edit_or_say(update, texts.waitlisted(place))


@requires(PARTICIPANT)
async def mine_command(update: Update, context: KisContext) -> None:
    """/moje: upcoming bookings, each with Change and Cancel buttons."""
    deps = context.deps
    rows = await deps.db.run(store.upcoming, participant_id=_participant_id(context),
                             now=deps.clock.now())
    if not rows:
        await say(update, texts.NOTHING_BOOKED)
        return
    await say(update, texts.MINE_HEADER)
    links = await deps.db.run(store.video_links, slot_ids=[b.slot_id for b, _ in rows if b.slot_id])
    who = context.identity.participant
    for booking, staff_name in rows:
        buttons = change_buttons(context, booking)
        await say(update, texts.mine_line(booking, staff_name, links.get(booking.slot_id),
                                          deps.settings.tz, can_cancel=bool(buttons),
                                          club_phone=deps.settings.club_phone,
                                          has_phone=bool(who and who.phone),
                                          today=deps.today()),
                  buttons)


async def _own(context: KisContext, booking_id: int) -> Booking | None:
    return await context.deps.db.run(store.find_own_booking,
                                     participant_id=_participant_id(context), booking_id=booking_id)


@requires(PARTICIPANT)
async def ask_cancel(update: Update, context: KisContext) -> None:
    """Ask before cancelling a booking."""
    booking = await _own(context, int(context.match[1]))  # type: ignore[index]
    if booking is None:
        await edit_or_say(update, error_text("booking_not_found"))
        return
    await edit_or_say(update, texts.cancel_question(booking, context.deps.settings.tz),
                      [[(texts.YES_CANCEL, f"bk:cxok:{booking.id}"), (texts.KEEP, "bk:keep")]])


@requires(PARTICIPANT)
async def do_cancel(update: Update, context: KisContext) -> None:
    """Cancel a booking (until the configured hours before it)."""
    deps = context.deps
    try:
        booking = await deps.db.run(
            store.cancel_booking, participant_id=_participant_id(context),
            booking_id=int(context.match[1]), now=deps.clock.now(),  # type: ignore[index]
            until_hours=deps.settings.cancel_until_hours, waitlist_text=texts.waitlist_notice)
    except DomainError as exc:
        await edit_or_say(update, sentence(exc, club_phone=deps.settings.club_phone))
        return
    await edit_or_say(update, texts.cancelled(booking, deps.settings.tz))


@requires(PARTICIPANT)
async def keep(update: Update, context: KisContext) -> None:
    """The person changed their mind about cancelling."""
    await edit_or_say(update, texts.KEPT)


@requires(PARTICIPANT)
async def move_start(update: Update, context: KisContext) -> None:
    """Change: offer the free days of the same service."""
    booking = await _own(context, int(context.match[1]))  # type: ignore[index]
    if booking is None:
        await edit_or_say(update, error_text("booking_not_found"))
        return
    await _offer_days(update, context, booking.service, f"bk:md:{booking.id}")


@requires(PARTICIPANT)
async def move_day(update: Update, context: KisContext) -> None:
    """Change: a day was chosen, offer its times."""
    booking = await _own(context, int(context.match[1]))  # type: ignore[index]
    raw, page = context.match[2], context.match[3]  # type: ignore[index]
    if booking is None:
        await edit_or_say(update, error_text("booking_not_found"))
        return
    day = _day_or_none(raw)
    if day is None or not await _offer_times(
            update, context, booking.service, day, f"bk:mt:{booking.id}",
            day_data=f"bk:md:{booking.id}:{raw}", page=int(page or 0)):
        await _offer_days(update, context, booking.service, f"bk:md:{booking.id}",
                          error_text("slot_gone"))


@requires(PARTICIPANT)
async def move_time(update: Update, context: KisContext) -> None:
    """Change: move to the chosen slot at once (the old one is kept if it fails)."""
    deps = context.deps
    booking_id, slot_id = int(context.match[1]), int(context.match[2])  # type: ignore[index]
    try:
        booking = await deps.db.run(
            store.move_booking, participant_id=_participant_id(context), booking_id=booking_id,
            slot_id=slot_id, now=deps.clock.now(), until_hours=deps.settings.cancel_until_hours,
            max_upcoming=deps.settings.max_upcoming_per_service,
            waitlist_text=texts.waitlist_notice)
    except DomainError as exc:
        if exc.code in {"slot_taken", "slot_gone", "slot_past"}:
            await _after_taken(update, context, exc, slot_id, f"bk:mt:{booking_id}",
                               f"bk:md:{booking_id}")
        else:
            await edit_or_say(update, sentence(exc, club_phone=deps.settings.club_phone))
        return
    await edit_or_say(update, texts.moved(booking, deps.settings.tz))


COMMANDS = [
    CommandSpec("wizyta", book_command, texts.BOOK_DESCRIPTION, aliases=("book",),
                menu_label=texts.BOOK_MENU),
    CommandSpec("moje", mine_command, texts.MINE_DESCRIPTION, aliases=("mine",),
                menu_label=texts.MINE_MENU),
]

HANDLERS = [
    CallbackQueryHandler(choose_service, pattern=f"^bk:svc:({SERVICES})$"),
    CallbackQueryHandler(choose_day, pattern=f"^bk:day:({SERVICES}):(\\d{{8}})(?::(\\d{{1,4}}))?$"),
    CallbackQueryHandler(choose_time, pattern=r"^bk:t:(\d{1,9})$"),
    CallbackQueryHandler(confirm, pattern=r"^bk:ok:(\d{1,9})$"),
    CallbackQueryHandler(join_waitlist, pattern=f"^bk:wl:({SERVICES})$"),
    CallbackQueryHandler(ask_cancel, pattern=r"^bk:cx:(\d{1,9})$"),
    CallbackQueryHandler(do_cancel, pattern=r"^bk:cxok:(\d{1,9})$"),
    CallbackQueryHandler(keep, pattern=r"^bk:keep$"),
    CallbackQueryHandler(move_start, pattern=r"^bk:mv:(\d{1,9})$"),
    CallbackQueryHandler(move_day, pattern=r"^bk:md:(\d{1,9}):(\d{8})(?::(\d{1,4}))?$"),
    CallbackQueryHandler(move_time, pattern=r"^bk:mt:(\d{1,9}):(\d{1,9})$"),
]

