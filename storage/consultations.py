"""Consultation booking: slots, bookings, the agenda, marking, the waiting list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from storage import audit, outbox
from storage import booking_statements as statements
from storage.clock import local_date
from storage.consultation_rules import (
    SlotRequest,
    check_publishable,
    may_cancel,
    services_of,
    slot_starts,
)
from storage.db import short
from storage.errors import DomainError, NotFound
from storage.language import speaking
from storage.locks import lock, lock_columns
from storage.models import Booking, BookingStatus, Participant, Slot, SlotMode, Source, Staff, WaitlistEntry
from storage.people import get_participant

LIVE = statements.LIVE
PARTICIPANTS = Participant.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Published:
    """What /terminy did."""

    created: list[Slot]
    skipped: int


@dataclass(frozen=True)
class AgendaItem:
    """One slot of a staff member's agenda, with the booking if there is one."""

    slot: Slot
    booking: Booking | None
    participant: Participant | None


def _live_booking_of(slot_id: int) -> object:
    return select(Booking.id).where(Booking.slot_id == slot_id, col(Booking.status).in_(LIVE))


def publish_slots(*, session: Session, staff: Staff, request: SlotRequest, now: datetime,
                  tz: ZoneInfo, default_minutes: int) -> Published:
    """Create the slots of a time range for the staff member's service."""
    services = services_of(staff.role_set)
    if not services:
        raise DomainError("not_a_consultant")
    minutes = request.minutes or default_minutes
    starts = slot_starts(request, minutes, tz)
    check_publishable(request, starts, now)
    lock(session, Staff, staff.id)  # one publisher per staff member: the overlap check holds
    taken = _overlapping(session, staff.id, starts, minutes)
    created = []
    for start in starts:
        if start in taken:
            continue
        slot = Slot(staff_id=staff.id, service=services[0], starts_at=start, minutes=minutes,  # type: ignore[arg-type]
                    mode=request.mode, video_link=request.video_link, created_at=now)
        existing = session.exec(select(Slot).where(Slot.staff_id == staff.id,
                                                   Slot.starts_at == start)).first()
        if existing is not None:  # a cancelled slot at the same time comes back
            existing.cancelled, existing.minutes, existing.mode = False, minutes, request.mode
            existing.video_link = request.video_link
            slot = existing
        session.add(slot)
        created.append(slot)
    session.flush()
    audit.record(session=session, at=now, actor=f"staff:{staff.id}", action="slots_publish",
                 target=f"staff:{staff.id}", day=request.day, count=len(created))
    return Published(created, len(starts) - len(created))


def _overlapping(session: Session, staff_id: int | None, starts: list[datetime],
                 minutes: int) -> set[datetime]:
    """The starts among `starts` whose slot would overlap a live slot of the staff member."""
    span = timedelta(minutes=minutes)
    live = session.exec(select(Slot.starts_at, Slot.minutes).where(
        Slot.staff_id == staff_id, col(Slot.cancelled).is_(False),
        Slot.starts_at < starts[-1] + span,
        Slot.starts_at > starts[0] - timedelta(hours=24))).all()
    return {start for start in starts for other, length in live
            if other < start + span and start < other + timedelta(minutes=length)}


def _free_slots_query(service: str, since: datetime, until: datetime) -> object:
    live = select(Booking.slot_id).where(col(Booking.slot_id).is_not(None),
                                         col(Booking.status).in_(LIVE))
    return (select(Slot).where(Slot.service == service, col(Slot.cancelled).is_(False),
                               Slot.starts_at > since, Slot.starts_at < until,
                               col(Slot.id).not_in(live))
            .order_by(Slot.starts_at, Slot.id))


def free_slots(*, session: Session, service: str, now: datetime, until: datetime) -> list[Slot]:
    """Free future slots of a service before a moment, earliest first."""
    return list(session.exec(_free_slots_query(service, now, until)))  # type: ignore[call-overload]


@short
def free_days(*, session: Session, service: str, now: datetime, horizon_days: int,
              tz: ZoneInfo) -> list[date]:
    """Days (local) within the horizon that have a free slot."""
    slots = free_slots(session=session, service=service, now=now,
                       until=now + timedelta(days=horizon_days))
    return sorted({local_date(s.starts_at, tz) for s in slots})


@short
def free_slots_on(*, session: Session, service: str, day: date, now: datetime,
                  tz: ZoneInfo) -> list[Slot]:
    """Free slots of a service on one local day."""
    start = datetime.combine(day, time(0), tz)
    return free_slots(session=session, service=service, now=max(now, start),
                      until=start + timedelta(days=1))


@short
def book(*, session: Session, participant_id: int, slot_id: int, now: datetime,
         max_upcoming: int, source: Source = Source.telegram, replacing: int | None = None) -> Booking:
    """Book a free slot: the person's row and the slot's are locked before the checks (so a
    withdrawal or a second booking waits), and the unique index backs the one live booking.
    Booking again a slot the person already holds returns that booking (nothing new).

    The hot path of a booking press (bench/RESULTS.md, issue 21): the statements are built
    once (storage/booking_statements.py); the returned booking is not in the session."""
    return _book(session, participant_id, slot_id, now, max_upcoming, source, replacing)[0]


def _book(session: Session, participant_id: int, slot_id: int, now: datetime, max_upcoming: int,
          source: Source, replacing: int | None) -> tuple[Booking, Slot, str]:
    """`book`, the slot as it was locked and its staff member's name."""
    lock_columns(session, PARTICIPANTS, participant_id, "id")
    slot = statements.lock_slot(session, slot_id)
    if slot is None or slot.cancelled:
        raise DomainError("slot_gone")
    if slot.starts_at <= now:
        raise DomainError("slot_past")
    taken = statements.taken_and_upcoming(session, slot=slot, participant_id=participant_id,
                                          now=now, except_id=replacing)
    if taken.live_id is not None:
        if taken.live_participant_id == participant_id and replacing is None:
            live = session.get(Booking, taken.live_id)
            if live is not None:
                return live, slot, taken.staff_name  # the same confirmation again (a double tap)
        raise DomainError("slot_taken", service=slot.service, slot_id=slot_id)
    if taken.upcoming >= max_upcoming:
        raise DomainError("booking_limit", service=slot.service)
    booking = Booking(slot_id=slot.id, participant_id=participant_id, staff_id=slot.staff_id,
                      service=slot.service, starts_at=slot.starts_at, minutes=slot.minutes,
                      mode=slot.mode, status=BookingStatus.booked, source=source, created_at=now,
                      cancelled_at=None, marked_at=None)
    try:
        statements.insert_booking(session, booking)
    except IntegrityError:
        raise DomainError("slot_taken", service=slot.service, slot_id=slot_id) from None
    if taken.waiting:
        statements.leave_waitlist(session, participant_id, slot.service)
    audit.record(session=session, at=now, actor=f"participant:{participant_id}",
                 action="booking_create", target=f"booking:{booking.id}", slot=slot_id)
    return booking, slot, taken.staff_name


def own_booking(session: Session, participant_id: int, booking_id: int) -> Booking:
    """A participant's own booking, still booked (NotFound otherwise: no hints about others);
    locked, so a second cancel or move of it waits and then finds it cancelled."""
    booking = lock(session, Booking, booking_id)
    if booking is None or booking.participant_id != participant_id or booking.status != BookingStatus.booked:
        raise NotFound("booking_not_found")
    return booking


@short
def cancel_booking(*, session: Session, participant_id: int, booking_id: int, now: datetime,
                   until_hours: int, waitlist_text: outbox.Text) -> Booking:
    """The participant cancels (until `until_hours` before); the waiting list hears of it."""
    booking = own_booking(session, participant_id, booking_id)
    if not may_cancel(booking.starts_at, now, until_hours):
        raise DomainError("cancel_too_late", hours=until_hours)
    _cancel(session, booking, now, f"participant:{participant_id}")
    notify_waitlist(session=session, service=booking.service, now=now, text=waitlist_text)
    return booking


def _cancel(session: Session, booking: Booking, now: datetime, actor: str) -> None:
    booking.status, booking.cancelled_at = BookingStatus.cancelled, now
    outbox.cancel(session=session, key_prefix=f"reminder:{booking.id}:")
    audit.record(session=session, at=now, actor=actor, action="booking_cancel",
                 target=f"booking:{booking.id}")
    session.flush()


@short
def move_booking(*, session: Session, participant_id: int, booking_id: int, slot_id: int,
                 now: datetime, until_hours: int, max_upcoming: int,
                 waitlist_text: outbox.Text) -> Booking:
    """Change to another slot in one transaction: the old one stays if the new one is taken."""
    lock(session, Participant, participant_id)  # the order every booking takes: person, booking, slot
    old = own_booking(session, participant_id, booking_id)
    if not may_cancel(old.starts_at, now, until_hours):
        raise DomainError("cancel_too_late", hours=until_hours)
    new = book(session=session, participant_id=participant_id, slot_id=slot_id, now=now,
               max_upcoming=max_upcoming, replacing=old.id)
    _cancel(session, old, now, f"participant:{participant_id}")
    notify_waitlist(session=session, service=old.service, now=now, text=waitlist_text)
    return new


@short
def upcoming(*, session: Session, participant_id: int, now: datetime) -> list[tuple[Booking, str]]:
    """The participant's booked consultations still ahead, with the staff member's name."""
    rows = session.exec(select(Booking, Staff.name).join(
        Staff, col(Staff.id) == Booking.staff_id, isouter=True).where(
        Booking.participant_id == participant_id, Booking.status == BookingStatus.booked,
        Booking.starts_at > now - timedelta(hours=4)).order_by(Booking.starts_at))
    return [(b, name or "") for b, name in rows
            if b.starts_at + timedelta(minutes=b.minutes) > now]


@short
def join_waitlist(*, session: Session, participant_id: int, service: str,
                  now: datetime) -> int:
    """Put the participant on the waiting list (once); returns their place in the queue."""
    lock(session, Participant, participant_id)  # a double press waits and finds the first entry
    mine = session.exec(select(WaitlistEntry).where(WaitlistEntry.participant_id == participant_id,
                                                    WaitlistEntry.service == service,
                                                    col(WaitlistEntry.notified_at).is_(None))).first()
    if mine is None:
        mine = WaitlistEntry(participant_id=participant_id, service=service, created_at=now)
        session.add(mine)
        session.flush()
    return session.exec(select(func.count()).select_from(WaitlistEntry).where(
        WaitlistEntry.service == service, col(WaitlistEntry.notified_at).is_(None),
        col(WaitlistEntry.id) <= mine.id)).one()


def notify_waitlist(*, session: Session, service: str, now: datetime, text: outbox.Text) -> int:
    """Tell everyone waiting for the service, in the order they joined, that a slot is free."""
    waiting = session.exec(select(WaitlistEntry).where(
        WaitlistEntry.service == service, col(WaitlistEntry.notified_at).is_(None))
        .order_by(WaitlistEntry.created_at, WaitlistEntry.id)).all()
    for position, entry in enumerate(waiting):
        person = session.get(Participant, entry.participant_id)
        if person is not None:
            outbox.enqueue(session=session, dedupe_key=f"waitlist:{entry.id}", kind="notice",
                           text=text, due_at=now + timedelta(seconds=position),
                           participant=person)
        entry.notified_at = now
    return len(waiting)


def agenda(*, session: Session, staff_id: int, since: datetime, until: datetime) -> list[AgendaItem]:
    """The staff member's slots in a window, with live bookings and who booked them."""
    rows = session.exec(
        select(Slot, Booking, Participant)
        .join(Booking, (col(Booking.slot_id) == Slot.id) & col(Booking.status).in_(LIVE),
              isouter=True)
        .join(Participant, col(Participant.id) == Booking.participant_id, isouter=True)
        .where(Slot.staff_id == staff_id, col(Slot.cancelled).is_(False),
               Slot.starts_at >= since, Slot.starts_at < until)
        .order_by(Slot.starts_at))
    return [AgendaItem(slot, booking, person) for slot, booking, person in rows]


def staff_cancel_slot(*, session: Session, staff_id: int, slot_id: int, now: datetime,
                      tell: Callable[[Booking], outbox.Text]) -> Booking | None:
    """Withdraw an own future slot; a participant booked on it is told (text from `tell`).

    The slot is locked first, so a booking being made waits (and then finds it gone) or, made
    just before, is found here and cancelled with the person told."""
    slot = lock(session, Slot, slot_id)
    if slot is None or slot.staff_id != staff_id or slot.cancelled:
        raise NotFound("slot_not_found")
    if slot.starts_at <= now:
        raise DomainError("slot_past")
    slot.cancelled = True
    found = session.exec(select(Booking.id).where(Booking.slot_id == slot_id,
                                                  Booking.status == BookingStatus.booked)).first()
    booking = lock(session, Booking, found) if found is not None else None
    if booking is not None and booking.status != BookingStatus.booked:
        booking = None  # cancelled by the person a moment ago
    if booking is not None:
        _cancel(session, booking, now, f"staff:{staff_id}")
        person = session.get(Participant, booking.participant_id)
        if person is not None:
            with speaking(person.language):  # the person's language, not the staff's
                told = tell(booking)
            outbox.enqueue(session=session, dedupe_key=f"slot-cancelled:{booking.id}",
                           kind="notice", text=told, due_at=now, participant=person)
    audit.record(session=session, at=now, actor=f"staff:{staff_id}", action="slot_cancel",
                 target=f"slot:{slot_id}")
    return booking


def mark(*, session: Session, staff_id: int, booking_id: int, attended: bool,
         now: datetime) -> Booking:
    """Mark an own consultation that has ended as attended or no-show (changeable)."""
    booking = lock(session, Booking, booking_id)
    if booking is None or booking.staff_id != staff_id or booking.status == BookingStatus.cancelled:
        raise NotFound("booking_not_found")
    if booking.starts_at + timedelta(minutes=booking.minutes) > now:
        raise DomainError("not_ended")
    booking.status = BookingStatus.attended if attended else BookingStatus.no_show
    booking.marked_at = now
    audit.record(session=session, at=now, actor=f"staff:{staff_id}", action="booking_mark",
                 target=f"booking:{booking_id}", status=booking.status)
    return booking


def record_external(*, session: Session, staff: Staff, number: str, starts_at: datetime,
                    minutes: int, now: datetime) -> Booking:
    """Record a consultation that took place outside the bot (attended)."""
    services = services_of(staff.role_set)
    if not services:
        raise DomainError("not_a_consultant")
    person = get_participant(session=session, number=number)
    if starts_at > now:
        raise DomainError("not_ended")
    booking = Booking(participant_id=person.id, staff_id=staff.id, service=services[0],  # type: ignore[arg-type]
                      starts_at=starts_at, minutes=minutes, mode=SlotMode.phone,
                      status=BookingStatus.attended, source=Source.staff, created_at=now, marked_at=now)
    session.add(booking)
    session.flush()
    audit.record(session=session, at=now, actor=f"staff:{staff.id}", action="booking_record",
                 target=f"booking:{booking.id}", participant=person.id)
    return booking


@short
def slot_with_staff(*, session: Session, slot_id: int) -> tuple[Slot, str] | None:
    """A slot and its staff member's name (None if there is no such slot)."""
    slot = session.get(Slot, slot_id)
    if slot is None:
        return None
    staff = session.get(Staff, slot.staff_id)
    return slot, staff.name if staff else ""


@short
def book_and_show(*, session: Session, participant_id: int, slot_id: int, now: datetime,
                  max_upcoming: int) -> tuple[Booking, Slot, str]:
    """`book`, then the slot and its staff member's name for the confirmation (one trip)."""
    return _book(session, participant_id, slot_id, now, max_upcoming, Source.telegram, None)


@short
def find_own_booking(*, session: Session, participant_id: int, booking_id: int) -> Booking | None:
    """The participant's own live booking, or None."""
    try:
        return own_booking(session, participant_id, booking_id)
    except NotFound:
        return None


@short
def video_links(*, session: Session, slot_ids: list[int]) -> dict[int, str | None]:
    """The video links of slots."""
    rows = session.exec(select(Slot.id, Slot.video_link).where(col(Slot.id).in_(slot_ids)))
    return {slot_id: link for slot_id, link in rows}
