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
# The slot's live booking (if any) and how many upcoming bookings the person has of the service
# (but the one being replaced), in one query.
_TAKEN_AND_UPCOMING = select(
    select(_live.c.id).scalar_subquery(),
    select(_live.c.participant_id).scalar_subquery(),
    select(func.count()).select_from(BOOKINGS).where(
        BOOKINGS.c.participant_id == bindparam("person"), BOOKINGS.c.service == bindparam("service"),
        BOOKINGS.c.status == BookingStatus.booked, BOOKINGS.c.starts_at > bindparam("now"),
        BOOKINGS.c.id != bindparam("except_id")).scalar_subquery())
_INSERT = insert(BOOKINGS).returning(BOOKINGS.c.id)
_LEAVE_WAITLIST = delete(WaitlistEntry.__table__).where(  # type: ignore[attr-defined]
    WaitlistEntry.__table__.c.participant_id == bindparam("person"),  # type: ignore[attr-defined]
    WaitlistEntry.__table__.c.service == bindparam("service"))  # type: ignore[attr-defined]
_STAFF_NAME = select(Staff.__table__.c.name).where(  # type: ignore[attr-defined]
    Staff.__table__.c.id == bindparam("staff"))  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Taken:
    """Who holds the slot now (None: free) and the person's upcoming bookings of its service."""

    live_id: int | None
    live_participant_id: int | None
    upcoming: int


def lock_slot(session: Session, slot_id: int) -> Slot | None:
    """The slot, locked (`locks.lock_columns`); the returned object is not in the session."""
    row = lock_columns(session, SLOTS, slot_id, *(column.name for column in SLOTS.c))
    return Slot(**row._mapping) if row is not None else None


def taken_and_upcoming(session: Session, *, slot_id: int, participant_id: int, service: str,
                       now: datetime, except_id: int | None) -> Taken:
    """The slot's live booking and the person's upcoming count (after both locks)."""
    row = session.execute(_TAKEN_AND_UPCOMING, {
        "slot": slot_id, "person": participant_id, "service": service, "now": now,
        "except_id": except_id if except_id is not None else 0}).one()  # ids start at 1
    return Taken(row[0], row[1], row[2])


def insert_booking(session: Session, booking: Booking) -> Booking:
    """Write a new booking (IntegrityError when the slot has a live one); it gets its id."""
    values = {column.name: getattr(booking, column.name) for column in BOOKINGS.c
              if column.name != "id"}
    booking.id = session.execute(_INSERT, values).scalar_one()
    return booking


def leave_waitlist(session: Session, participant_id: int, service: str) -> None:
    """The person no longer waits for the service (they have just booked it)."""
    session.execute(_LEAVE_WAITLIST, {"person": participant_id, "service": service})


def staff_name(session: Session, staff_id: int) -> str:
    """A staff member's name ('' if there is none)."""
    return session.execute(_STAFF_NAME, {"staff": staff_id}).scalar() or ""
