"""The statements of booking a slot, built once: the hot write path of a booking press.

As in storage/hours_statements.py: Core statements with bind parameters, run through the
session, reading only what the rule needs (bench/RESULTS.md, issue 21). The rules stay in
storage/consultations.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, func, insert, select
from sqlmodel import Session

from storage.locks import lock_columns
from storage.models import Booking, BookingStatus, Slot, Staff, WaitlistEntry

BOOKINGS = Booking.__table__  # type: ignore[attr-defined]
SLOTS = Slot.__table__  # type: ignore[attr-defined]
LIVE = (BookingStatus.booked, BookingStatus.attended, BookingStatus.no_show)
_live = (select(BOOKINGS.c.id, BOOKINGS.c.participant_id)
         .where(BOOKINGS.c.slot_id == bindparam("slot"),
                BOOKINGS.c.status != BookingStatus.cancelled)  # LIVE, as the unique index
         .limit(1).subquery())
WAITLIST = WaitlistEntry.__table__  # type: ignore[attr-defined]
STAFF = Staff.__table__  # type: ignore[attr-defined]
# After the locks, in one query: the slot's live booking (if any), how many upcoming bookings
# the person has of the service (but the one being replaced), whether they are on its waiting
# list, and the staff member's name for the confirmation.
_TAKEN_AND_UPCOMING = select(
    select(_live.c.id).scalar_subquery(),
    select(_live.c.participant_id).scalar_subquery(),
    select(func.count()).select_from(BOOKINGS).where(
        BOOKINGS.c.participant_id == bindparam("person"), BOOKINGS.c.service == bindparam("service"),
        BOOKINGS.c.status == BookingStatus.booked, BOOKINGS.c.starts_at > bindparam("now"),
        BOOKINGS.c.id != bindparam("except_id")).scalar_subquery(),
    select(WAITLIST.c.id).where(WAITLIST.c.participant_id == bindparam("person"),
                                WAITLIST.c.service == bindparam("service"))
    .exists(),
    select(STAFF.c.name).where(STAFF.c.id == bindparam("staff")).scalar_subquery())
_INSERT = insert(BOOKINGS).returning(BOOKINGS.c.id)
_LEAVE_WAITLIST = delete(WAITLIST).where(WAITLIST.c.participant_id == bindparam("person"),
                                         WAITLIST.c.service == bindparam("service"))


@dataclass(frozen=True)
class Taken:
    """Who holds the slot now (None: free), the person's upcoming bookings of its service,
    whether they wait for it, and the slot's staff member's name ('' if none)."""

    live_id: int | None
    live_participant_id: int | None
    upcoming: int
    waiting: bool
    staff_name: str


def lock_slot(session: Session, slot_id: int) -> Slot | None:
    """The slot, locked (`locks.lock_columns`); the returned object is not in the session."""
    row = lock_columns(session, SLOTS, slot_id, *(column.name for column in SLOTS.c))
    return Slot(**row._mapping) if row is not None else None


def taken_and_upcoming(session: Session, *, slot: Slot, participant_id: int, now: datetime,
                       except_id: int | None) -> Taken:
    """What booking the slot depends on (after the person's and the slot's locks)."""
    row = session.execute(_TAKEN_AND_UPCOMING, {
        "slot": slot.id, "person": participant_id, "service": slot.service, "now": now,
        "staff": slot.staff_id,
        "except_id": except_id if except_id is not None else 0}).one()  # ids start at 1
    return Taken(row[0], row[1], row[2], bool(row[3]), row[4] or "")


def insert_booking(session: Session, booking: Booking) -> Booking:
    """Write a new booking (IntegrityError when the slot has a live one); it gets its id."""
    values = {column.name: getattr(booking, column.name) for column in BOOKINGS.c
              if column.name != "id"}
    booking.id = session.execute(_INSERT, values).scalar_one()
    return booking


def leave_waitlist(session: Session, participant_id: int, service: str) -> None:
    """The person no longer waits for the service (they have just booked it)."""
    session.execute(_LEAVE_WAITLIST, {"person": participant_id, "service": service})
