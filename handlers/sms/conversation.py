"""The SMS conversation: keywords from an old phone, answered through the outbox.

Same store operations as Telegram; numbered menus live in the database (storage.conversation)
for 30 minutes. An unknown number gets one polite reply a day and no data.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from handlers.context import Deps
from handlers.sms.keywords import SmsCommand, parse_sms
from handlers.texts import booking as booking_texts
from handlers.texts import languages as language_texts
from handlers.texts import sms as texts
from handlers.texts import workshops as workshop_texts
from handlers.texts.errors import Channel, error_text, sentence
from handlers.texts.i18n import speaking
from storage import consultations, conversation, hours, outbox, workshops
from storage.clock import local_date
from storage.consultation_rules import may_cancel
from storage.errors import DomainError
from storage.hours_rules import Limits, parse_work_day
from storage.models import Participant, Service, Source
from storage.parsing import parse_phone
from storage.reminders import leads_ahead

log = logging.getLogger(__name__)
SERVICES = [Service.psychologist, Service.career_advisor]
DAYS_PER_PAGE = 6  # a list of six days fits one SMS; DALEJ shows the next six
MENU_STEPS = ("service", "day", "time", "confirm", "mine")
# Lists NIE or ANULUJ leave; after MOJE they keep their meaning (a workshop answer, which one).
LEAVABLE = ("service", "day", "time", "confirm")


class Step(StrEnum):
    """Where a numbered SMS menu stands (kept in the conversation state)."""

    service = "service"
    day = "day"
    time = "time"
    confirm = "confirm"
    mine = "mine"


async def handle_sms(deps: Deps, phone: str, text: str) -> str | None:
    """Answer one incoming SMS (the reply is queued for sending); returns the reply."""
    try:
        phone = parse_phone(phone)
    except ValueError:
        return None
    person = await deps.db.run(conversation.participant_by_phone, phone=phone)
    if person is None:
        with speaking(None):  # an unknown number: Polish
            return await _stranger(deps, phone)
    with speaking(person.language):  # the reply in the person's language
        reply = await _answer(deps, person, phone, parse_sms(text))
    await deps.db.run(outbox.enqueue, dedupe_key=f"sms-reply:{uuid.uuid4().hex}", kind="reply",
                      text=reply, due_at=deps.clock.now(), participant=person, channel="sms")
    log.info("SMS from participant %s answered", person.id)
    return reply


async def _stranger(deps: Deps, phone: str) -> str | None:
    now = deps.clock.now()
    today = local_date(now, deps.settings.tz).isoformat()
    key = conversation.unknown_key(phone)
    state = await deps.db.run(conversation.get_state, key=key, now=now)
    if state.get("day") == today:
        return None
    await deps.db.run(conversation.set_state, key=key, data={"day": today}, now=now,
                      ttl=timedelta(days=1))
    await deps.db.run(outbox.enqueue_to_number, phone=phone, text=texts.UNKNOWN_NUMBER, now=now,
                      dedupe_key=f"sms-unknown:{uuid.uuid4().hex}")
    return texts.UNKNOWN_NUMBER


async def _answer(deps: Deps, person: Participant, phone: str, cmd: SmsCommand) -> str:
    handler = {"help": _help, "hours": _hours, "book": _book, "mine": _mine, "cancel": _cancel,
               "stop": _stop, "start": _start, "choice": _choice, "yes": _yes, "no": _no,
               "more": _more, "language": _language}.get(cmd.kind)
    if cmd.kind == "error":
        return error_text(cmd.error or "", Channel.sms)
    if handler is None:
        state = await _state(deps, phone)
        return _repeat(state) if state.get("step") in MENU_STEPS else texts.NOT_UNDERSTOOD
    return await handler(deps, person, phone, cmd)


def _expected(state: dict) -> str:
    """What the open list waits for, in the words of its own last message."""
    step, options = state.get("step"), state.get("options", [])
    if step == Step.service:
        return texts.pick(len(SERVICES), "rozmowy")
    if step == Step.day:
        return texts.pick(len(options), "dnia") + (" " + texts.MORE_DAYS if state.get("more") else "")
    if step == Step.time:
        return texts.pick(len(options), "godziny")
    if step == Step.confirm:
        return texts.YES_OR_NO
    return texts.CANCEL_HOW


def _repeat(state: dict) -> str:
    """An answer the open list did not expect: what it expects, and how to leave."""
    return texts.repeat(_expected(state))


async def _help(deps: Deps, person: Participant, phone: str, cmd: SmsCommand) -> str:
    return texts.HELP


async def _hours(deps: Deps, person: Participant, phone: str, cmd: SmsCommand) -> str:
    today = deps.today()
    try:
        day = today if cmd.day is None else (
            date(cmd.day[2], cmd.day[1], cmd.day[0]) if cmd.day[2]
            else parse_work_day(f"{cmd.day[0]}.{cmd.day[1]}", today))
    except ValueError:
        return error_text("bad_date", Channel.sms)
    try:
        done = await deps.db.run(hours.log_hours, participant_id=person.id, work_date=day,
                                 hours=Decimal(cmd.hours or 0), today=today,
                                 limits=Limits.of(deps.settings),
                                 backdate_days=deps.settings.hours_backdate_days,
                                 now=deps.clock.now(), source=Source.sms)
    except DomainError as exc:
        return sentence(exc, Channel.sms)
    return texts.logged(done.entry.hours, day, done.previous)


async def _state(deps: Deps, phone: str) -> dict:
    return await deps.db.run(conversation.get_state, key=conversation.sms_key(phone), now=deps.clock.now())


async def _save(deps: Deps, phone: str, data: dict) -> None:
    await deps.db.run(conversation.set_state, key=conversation.sms_key(phone), data=data,
                      now=deps.clock.now())


async def _book(deps: Deps, person: Participant, phone: str, cmd: SmsCommand) -> str:
    await _save(deps, phone, {"step": Step.service})
    return texts.SERVICES


async def _choice(deps: Deps, person: Participant, phone: str, cmd: SmsCommand) -> str:
    state, n = await _state(deps, phone), (cmd.number or 0) - 1
    options = state.get("options", [])
    if state.get("step") == Step.service and 0 <= n < len(SERVICES):
        return await _offer_days(deps, phone, str(SERVICES[n]))
    if not state:
        return texts.MENU_EXPIRED
    if state.get("step") in (Step.service, Step.confirm, Step.mine) or not 0 <= n < len(options):
        return _repeat(state)
    if state.get("step") == Step.day:
        return await _offer_times(deps, phone, state["service"], date.fromisoformat(options[n]))
    if state.get("step") == Step.time:
        slot = await deps.db.run(consultations.slot_with_staff, slot_id=options[n])
        if slot is None:
            return texts.MENU_EXPIRED
        await _save(deps, phone, {"step": Step.confirm, "slot": options[n]})
        return texts.confirm(slot[0].starts_at, deps.settings.tz, deps.today())
    return _repeat(state)


async def _offer_days(deps: Deps, phone: str, service: str, page: int = 0) -> str:
    """The same free days as Telegram offers, six to an SMS; DALEJ pages on."""
    days = await deps.db.run(consultations.free_days, service=service, now=deps.clock.now(),
                             horizon_days=deps.settings.booking_horizon_days, tz=deps.settings.tz)
    if not days:
        return texts.NO_FREE
    first = page * DAYS_PER_PAGE
    if first >= len(days):
        return texts.NO_MORE_DAYS + " " + await _offer_days(deps, phone, service)
    shown, more = days[first:first + DAYS_PER_PAGE], len(days) > first + DAYS_PER_PAGE
    await _save(deps, phone, {"step": Step.day, "service": service, "page": page, "more": more,
                              "options": [d.isoformat() for d in shown]})
    return texts.days(shown, more)


async def _more(deps: Deps, person: Participant, phone: str, cmd: SmsCommand) -> str:
    """DALEJ: the next page of free days (outside the day list: what the open list expects)."""
    state = await _state(deps, phone)
    if state.get("step") != Step.day:
        return _repeat(state) if state.get("step") in MENU_STEPS else texts.NOT_UNDERSTOOD
    return await _offer_days(deps, phone, state["service"], state.get("page", 0) + 1)


async def _offer_times(deps: Deps, phone: str, service: str, day: date) -> str:
    slots = (await deps.db.run(consultations.free_slots_on, service=service, day=day,
                               now=deps.clock.now(), tz=deps.settings.tz))[:8]
    if not slots:
        return await _offer_days(deps, phone, service)
    await _save(deps, phone, {"step": Step.time, "service": service, "options": [s.id for s in slots]})
    return texts.times([s.starts_at for s in slots], deps.settings.tz)


async def _workshop(deps: Deps, person: Participant, yes: bool) -> str:
    """TAK/NIE outside a booking menu: the answer to the latest workshop invitation."""
    tz, now = deps.settings.tz, deps.clock.now()
    workshop = await deps.db.run(workshops.open_invitation, participant_id=person.id, now=now)
    if workshop is None:
        return texts.NOT_UNDERSTOOD
    answer = await deps.db.run(workshops.answer_workshop, participant=person, yes=yes, now=now,
                               promoted_text=lambda _channel: workshop_texts.promoted(workshop, tz))
    return workshop_texts.answered(answer, tz)


async def _yes(deps: Deps, person: Participant, phone: str, cmd: SmsCommand) -> str:
    state = await _state(deps, phone)
    if state.get("step") != Step.confirm:
        return await _workshop(deps, person, yes=True)
    await _save(deps, phone, {})
    try:
        booking = await deps.db.run(consultations.book, participant_id=person.id,
                                    slot_id=state["slot"], now=deps.clock.now(),
                                    max_upcoming=deps.settings.max_upcoming_per_service,
                                    source=Source.sms)
    except DomainError as exc:
        return sentence(exc, Channel.sms)
    settings, now = deps.settings, deps.clock.now()
    return texts.booked(booking, settings.tz, club_phone=settings.club_phone, today=deps.today(),
                        reminder_leads=leads_ahead(starts_at=booking.starts_at, now=now,
                                                   hours=settings.reminder_hours, tz=settings.tz,
                                                   opted_out=person.reminders_opt_out),
                        can_cancel=may_cancel(booking.starts_at, now, settings.cancel_until_hours))


async def _no(deps: Deps, person: Participant, phone: str, cmd: SmsCommand) -> str:
    """NIE leaves any open list (and keeps the booking at the confirm step); else a workshop answer."""
    step = (await _state(deps, phone)).get("step")
    if step not in LEAVABLE:
        return await _workshop(deps, person, yes=False)
    await _save(deps, phone, {})
    return texts.KEPT if step == Step.confirm else texts.LEFT_MENU


async def _mine(deps: Deps, person: Participant, phone: str, cmd: SmsCommand) -> str:
    rows = await deps.db.run(consultations.upcoming, participant_id=person.id,
                             now=deps.clock.now())
    if not rows:
        return texts.NOTHING_BOOKED
    await _save(deps, phone, {"step": Step.mine, "bookings": [b.id for b, _ in rows]})
    settings, now = deps.settings, deps.clock.now()
    open_ = any(may_cancel(b.starts_at, now, settings.cancel_until_hours) for b, _ in rows)
    return texts.mine([b for b, _ in rows], settings.tz, open_, settings.club_phone)


async def _cancel(deps: Deps, person: Participant, phone: str, cmd: SmsCommand) -> str:
    if cmd.number is None:  # ANULUJ alone: leave the open list, or ask which booking
        if (await _state(deps, phone)).get("step") in LEAVABLE:
            await _save(deps, phone, {})
            return texts.LEFT_MENU
        return error_text("cancel_missing_number", Channel.sms)
    rows = await deps.db.run(consultations.upcoming, participant_id=person.id,
                             now=deps.clock.now())
    n = cmd.number - 1
    if not 0 <= n < len(rows):
        return texts.mine([b for b, _ in rows], deps.settings.tz) if rows else texts.NOTHING_BOOKED
    try:
        booking = await deps.db.run(consultations.cancel_booking, participant_id=person.id,
                                    booking_id=rows[n][0].id, now=deps.clock.now(),
                                    until_hours=deps.settings.cancel_until_hours,
                                    waitlist_text=booking_texts.waitlist_notice)
    except DomainError as exc:
        return sentence(exc, Channel.sms, club_phone=deps.settings.club_phone)
    return texts.cancelled(booking, deps.settings.tz)


async def _stop(deps: Deps, person: Participant, phone: str, cmd: SmsCommand) -> str:
    reminders = "reminders" in cmd.words
    await deps.db.run(conversation.set_opt_out, participant_id=person.id, notices=True,
                      reminders=True if reminders else None)
    return texts.STOPPED_REMINDERS if reminders else texts.STOPPED


async def _language(deps: Deps, person: Participant, phone: str, cmd: SmsCommand) -> str:
    """JEZYK UK / МОВА UK / LANGUAGE EN: keep the choice; without a known one, say how."""
    language = cmd.words[0] if cmd.words else "?"
    if language not in language_texts.SET:
        return language_texts.sms_usage()
    await deps.db.run(conversation.set_language, participant_id=person.id, language=language)
    return language_texts.chosen(language)


async def _start(deps: Deps, person: Participant, phone: str, cmd: SmsCommand) -> str:
    await deps.db.run(conversation.set_opt_out, participant_id=person.id, notices=False,
                      reminders=False)
    return texts.STARTED
