"""/warsztat (create), /warsztaty (list, names for catering, attendance, invite), Będę/Nie będę."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import CallbackQueryHandler

from handlers.access import PARTICIPANT, requires
from handlers.context import KisContext
from handlers.telegram.common import Buttons, CommandSpec, edit_or_say, row_id, say
from handlers.telegram.paging import Item, Page, paginate, show_page
from handlers.texts import broadcasts as bc_texts
from handlers.texts import common, fmt
from handlers.texts import workshops as texts
from handlers.texts.errors import sentence
from storage import broadcasts, workshops
from storage.consultation_rules import parse_future_day
from storage.errors import DomainError
from storage.hours_rules import parse_hours
from storage.models import Role, SignupStatus, WorkshopStatus

STAFF_ROLES = (Role.coordinator, Role.social_worker)
_DAY = re.compile(r"^(\d{1,2})\.(\d{1,2})(?:\.(\d{4}))?$")
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?$")


@dataclass(frozen=True)
class WorkshopArgs:
    """What /warsztat was given."""

    starts_at: datetime
    place: str
    capacity: int
    hours: Decimal
    title: str


def parse_args(text: str, today: date, tz: ZoneInfo) -> WorkshopArgs:
    """`15.12 10:00 "Sala 2" 20 3 [title…]`; a day without a year as parse_future_day reads it."""
    words = shlex.split(text.replace("„", '"').replace("”", '"'))
    day_text, time_text, place, capacity, hours = words[:5]
    title = " ".join(words[5:]) or texts.DEFAULT_TITLE
    day_match, time_match = _DAY.match(day_text), _TIME.match(time_text)
    if day_match is None or time_match is None:
        raise ValueError("bad day or time")
    dd, mm, yyyy = day_match.groups()
    day = parse_future_day(f"{dd}.{mm}" + (f".{yyyy}" if yyyy else ""), today)  # the one rule
    at = time(int(time_match[1]), int(time_match[2] or 0))
    return WorkshopArgs(datetime.combine(day, at, tzinfo=tz), place, int(capacity),
                        parse_hours(hours), title[:200])


@requires(*STAFF_ROLES)
async def create_command(update: Update, context: KisContext) -> None:
    """/warsztat DAY TIME "PLACE" CAPACITY HOURS [TITLE]."""
    deps, staff, message = context.deps, context.identity.staff, update.effective_message
    assert staff is not None and message is not None
    raw = (message.text or "").split(maxsplit=1)
    tz = deps.settings.tz
    try:
        args = parse_args(raw[1] if len(raw) > 1 else "", deps.today(), tz)
        workshop = await deps.db.run(workshops.create, title=args.title, starts_at=args.starts_at,
                                     place=args.place, capacity=args.capacity, hours=args.hours,
                                     staff_id=staff.id, now=deps.clock.now())
    except (IndexError, ValueError):
        await say(update, texts.USAGE)
        return
    except DomainError as exc:
        await say(update, f"{sentence(exc)}\n\n{texts.USAGE}")
        return
    await say(update, texts.created(workshop, tz, deps.today()))


def list_buttons(items: list[workshops.WorkshopCounts], coordinator: bool) -> Buttons:
    """Per workshop: names, attendance, and (coordinators) an invitation."""
    rows = []
    for n, item in enumerate(items, 1):
        wid = item.workshop.id
        row = [(texts.LIST_BUTTON.format(n=n), f"ws:list:{wid}"),
               (texts.ATTENDANCE_BUTTON.format(n=n), f"ws:att:{wid}")]
        if coordinator and item.workshop.status == WorkshopStatus.planned:
            row.append((texts.INVITE_BUTTON.format(n=n), f"ws:inv:{wid}"))
        rows.append(row)
    return rows


@requires(*STAFF_ROLES)
async def list_command(update: Update, context: KisContext) -> None:
    """/warsztaty: upcoming and recent workshops with counts and buttons."""
    await show_listing(update, context, 0, in_place=update.callback_query is not None)


async def show_listing(update: Update, context: KisContext, page: int, *,
                       in_place: bool) -> None:
    """One page of the workshops, each with its buttons (ws:lpg:PAGE turns pages)."""
    deps = context.deps
    items = await deps.db.run(workshops.listing, now=deps.clock.now())
    if not items:
        await (edit_or_say if in_place else say)(update, texts.NONE_UPCOMING)
        return
    coordinator = Role.coordinator in context.identity.roles
    rows = list_buttons(items, coordinator)
    entries = [Item(texts.listing_entry(n, item, deps.settings.tz), [row])
               for n, (item, row) in enumerate(zip(items, rows, strict=True), 1)]
    await show_page(update, paginate(entries), page, "ws:lpg", texts.LISTING_HEADER,
                    in_place=in_place)


async def show_people(update: Update, context: KisContext, workshop_id: int, page: int, *,
                      in_place: bool) -> None:
    """Who comes and who waits, a page at a time (ws:list:ID:PAGE)."""
    deps = context.deps
    workshop = await deps.db.run(workshops.get, workshop_id=workshop_id)
    going, waiting = texts.people_groups(
        await deps.db.run(workshops.people, workshop_id=workshop_id))
    heading = texts.going_heading(len(going), workshop.capacity)
    entries = [Item(texts.person_line(n, p), group=heading) for n, p in enumerate(going, 1)]
    entries = entries or [Item(texts.NOBODY_GOING, group=heading)]
    entries += [Item(texts.person_line(n, p), group=texts.waiting_heading(len(waiting)))
                for n, p in enumerate(waiting, 1)]
    await show_page(update, paginate(entries), page, f"ws:list:{workshop_id}",
                    texts.people_header(workshop, deps.settings.tz), in_place=in_place)


async def show_attendance(update: Update, context: KisContext, workshop_id: int,
                          page: int = 0, person_id: int | None = None) -> None:
    """Buttons toggling each signed-up person's presence, a page at a time (ws:att:ID:PAGE);
    after a toggle, the page with that person."""
    deps = context.deps
    workshop = await deps.db.run(workshops.get, workshop_id=workshop_id)
    if workshop.starts_at > deps.clock.now():
        raise DomainError("workshop_not_started")
    rows = [(s, p) for s, p in await deps.db.run(workshops.people, workshop_id=workshop_id)
            if s.status in (SignupStatus.going, SignupStatus.attended, SignupStatus.absent)]
    if not rows:
        await edit_or_say(update, texts.NOBODY_SIGNED)
        return
    entries = [Item("", [[(texts.attendance_label(s, p), f"ws:mark:{workshop_id}:{p.id}")]])
               for s, p in rows]
    pages = paginate(entries)
    if person_id is not None:
        page = _page_with(pages, f"ws:mark:{workshop_id}:{person_id}", page)
    await show_page(update, pages, page, f"ws:att:{workshop_id}",
                    f"{workshop.title}\n{texts.ATTENDANCE_HINT}", in_place=True)


def _page_with(pages: list[Page], data: str, default: int) -> int:
    """The page whose buttons include `data`."""
    for number, page in enumerate(pages):
        if any(button_data == data for row in page.rows for _, button_data in row):
            return number
    return default


async def invite(update: Update, context: KisContext, workshop_id: int) -> None:
    """ws:inv:ID (coordinators): a broadcast draft carrying Będę / Nie będę."""
    deps, staff = context.deps, context.identity.staff
    assert staff is not None
    if Role.coordinator not in context.identity.roles:
        await update.callback_query.answer(common.NOT_ALLOWED, show_alert=True)  # type: ignore[union-attr]
        return
    workshop = await deps.db.run(workshops.get, workshop_id=workshop_id)
    draft = await deps.db.run(broadcasts.start_draft, staff_id=staff.id, now=deps.clock.now(),
                              workshop_id=workshop_id)
    text = bc_texts.ASK_TEXT_WORKSHOP.format(title=workshop.title,
                                             when=fmt.when(workshop.starts_at, deps.settings.tz))
    await say(update, text, [[(bc_texts.CANCEL, f"bc:cancel:{draft.id}")]])


@requires(*STAFF_ROLES)
async def staff_button(update: Update, context: KisContext) -> None:
    """ws:list / ws:att / ws:mark / ws:inv; forged data gets a polite answer."""
    query = update.callback_query
    assert query is not None and context.identity.staff is not None
    deps = context.deps
    parts = (query.data or "").split(":")
    try:
        if parts[1] == "lpg" and len(parts) == 3:
            await show_listing(update, context, _page(parts[2]), in_place=True)
            return
        action, workshop_id = parts[1], row_id(parts[2])
        if action == "list" and len(parts) in (3, 4):
            page = _page(parts[3]) if len(parts) == 4 else 0
            await show_people(update, context, workshop_id, page, in_place=len(parts) == 4)
        elif action == "att" and len(parts) in (3, 4):
            await show_attendance(update, context, workshop_id,
                                  _page(parts[3]) if len(parts) == 4 else 0)
        elif action == "mark" and len(parts) == 4:
            await deps.db.run(workshops.toggle_attendance, workshop_id=workshop_id,
                              participant_id=row_id(parts[3]), staff_id=context.identity.staff.id,
                              now=deps.clock.now())
            await show_attendance(update, context, workshop_id, person_id=row_id(parts[3]))
        elif action == "inv" and len(parts) == 3:
            await invite(update, context, workshop_id)
        else:
            raise ValueError(action)
    except DomainError as exc:
        await query.answer(sentence(exc), show_alert=True)
    except (IndexError, ValueError):
        await query.answer(common.STALE_BUTTON, show_alert=True)


def _page(text: str) -> int:
    """A page number from callback data (hostile: digits only, at most four)."""
    if not (text.isdigit() and text.isascii() and len(text) <= 4):
        raise ValueError(text)
    return int(text)


@requires(PARTICIPANT)
async def rsvp_button(update: Update, context: KisContext) -> None:
    """ws:yes:ID / ws:no:ID from an invitation."""
    query = update.callback_query
    participant = context.identity.participant
    assert query is not None and participant is not None
    deps = context.deps
    tz = deps.settings.tz
    try:
        _, choice, raw_id = (query.data or "").split(":")
        workshop = await deps.db.run(workshops.get, workshop_id=row_id(raw_id))
        answer = await deps.db.run(workshops.answer, workshop_id=workshop.id,
                                   participant_id=participant.id, yes=choice == "yes",
                                   now=deps.clock.now(),
                                   promoted_text=lambda _channel: texts.promoted(workshop, tz))
    except DomainError as exc:
        await query.answer(sentence(exc), show_alert=True)
        return
    except ValueError:
        await query.answer(common.STALE_BUTTON, show_alert=True)
        return
    await say(update, texts.answered(answer, tz))


COMMANDS = [
    CommandSpec("warsztat", create_command, texts.CREATE_DESCRIPTION, aliases=("workshop",)),
    CommandSpec("warsztaty", list_command, texts.LIST_DESCRIPTION, aliases=("workshops",),
                menu_label=texts.LIST_MENU),
]

HANDLERS = [
    CallbackQueryHandler(rsvp_button, pattern=r"^ws:(yes|no):"),
    CallbackQueryHandler(staff_button, pattern=r"^ws:(list|att|mark|inv|lpg):"),
]
