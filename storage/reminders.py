"""What is due: consultation reminders and the staff's marking prompts, as outbox rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from storage import outbox
from storage.models import Booking, BookingStatus, HourEntry, HourStatus, OutboxMessage, Participant, Staff


def reminder_due(starts_at: datetime, hours: int, tz: ZoneInfo) -> datetime:
    """When a reminder `hours` before a start is due.

    Whole days are counted on the Warsaw wall clock (a reminder "a day before" a 10:00
    consultation comes at 10:00 the day before, across a daylight-saving switch too); shorter
    leads are absolute.
    """
    if hours % 24:
        return starts_at - timedelta(hours=hours)
    local = starts_at.astimezone(tz).replace(tzinfo=None) - timedelta(days=hours // 24)
    return local.replace(tzinfo=tz).astimezone(starts_at.tzinfo)


def leads_ahead(*, starts_at: datetime, now: datetime, hours: list[int], tz: ZoneInfo,
                opted_out: bool = False) -> list[int]:
    """The reminder leads that will still be sent for a booking made `now` (what to promise)."""
    if opted_out:
        return []
    return [lead for lead in hours if reminder_due(starts_at, lead, tz) > now]


def reminder_key(booking: Booking, hours: int) -> str:
    """A reminder's dedupe key: a moved booking gets new keys, so old reminders go stale."""
    return f"reminder:{booking.id}:{booking.starts_at:%Y%m%dT%H%MZ}:{hours}h"


@dataclass(frozen=True)
class Planned:
    """What one planning pass queued."""

    reminders: int
    prompts: int


def plan(*, session: Session, now: datetime, hours: list[int], tz: ZoneInfo,
         reminder_text: Callable[[Booking, Participant, str, datetime], str],
         prompt: Callable[[Booking, Participant], tuple[str, list[list[list[str]]]]]) -> Planned:
    """Queue reminders of upcoming bookings and marking prompts of ended ones (idempotent).

    `reminder_text(booking, person, channel, due)` renders a reminder for its channel and the
    moment it is due (so it offers cancelling only while that is still allowed).
    """
    horizon = now + timedelta(hours=max(hours, default=0) + 25)
    reminders = 0
    for booking, person in session.exec(
            select(Booking, Participant).join(Participant, col(Participant.id) == Booking.participant_id)
            .where(Booking.status == BookingStatus.booked, Booking.starts_at > now,
                   Booking.starts_at < horizon)):
        if person.reminders_opt_out:
            continue
        for lead in hours:
            due = reminder_due(booking.starts_at, lead, tz)
            # Only reminders that fell due after the booking was made; sent late (after a
            # restart) while still before the consultation, dropped after its start.
            if due <= booking.created_at or due > now + timedelta(minutes=5):
                continue
            channel = outbox.channel_for(person, kind="reminder")
            queued = outbox.enqueue(
                session=session, dedupe_key=reminder_key(booking, lead), kind="reminder",
                text=reminder_text(booking, person, channel, due), due_at=due, participant=person,
                expires_at=booking.starts_at,
                payload={"booking_id": booking.id, "starts_at": booking.starts_at.isoformat(),
                         "sms_text": reminder_text(booking, person, "sms", due)})
            reminders += queued is not None
    return Planned(reminders, _prompts(session, now, prompt))


def _prompts(session: Session, now: datetime,
             prompt: Callable[[Booking, Participant], tuple[str, list[list[list[str]]]]]) -> int:
    """Ask staff to mark consultations that ended and are still unmarked."""
    count = 0
    for booking, person, staff in session.exec(
            select(Booking, Participant, Staff)
            .join(Participant, col(Participant.id) == Booking.participant_id)
            .join(Staff, col(Staff.id) == Booking.staff_id)
            .where(Booking.status == BookingStatus.booked, Booking.starts_at <= now,
                   Booking.starts_at > now - timedelta(days=7),
                   col(Staff.telegram_user_id).is_not(None))):
        if booking.starts_at + timedelta(minutes=booking.minutes) > now:
            continue
        text, buttons = prompt(booking, person)
        queued = outbox.enqueue(
            session=session, dedupe_key=f"mark:{booking.id}", kind="prompt", text=text,
            due_at=now, staff=staff, channel="telegram",
            payload={"buttons": buttons, "booking_id": booking.id})
        count += queued is not None
    return count


def stale_ids(*, session: Session, messages: list[OutboxMessage], now: datetime) -> dict[int, str]:
    """Claimed messages not to send, with why: expired, or their booking changed (one query)."""
    out = {m.id: "expired" for m in messages if m.expires_at is not None and m.expires_at <= now}
    about = {m.id: m.payload["booking_id"] for m in messages
             if m.id not in out and m.payload and "booking_id" in m.payload}
    if not about:
        return out  # type: ignore[return-value]
    bookings = {b.id: b for b in session.exec(select(Booking).where(
        col(Booking.id).in_(set(about.values()))))}
    for message in messages:
        if message.id in about:
            booking = bookings.get(about[message.id])
            if booking is None or booking.status != BookingStatus.booked or (
                    "starts_at" in message.payload  # type: ignore[operator]
                    and booking.starts_at.isoformat() != message.payload["starts_at"]):  # type: ignore[index]
                out[message.id] = "no longer applies"
    return out  # type: ignore[return-value]


def below_weekly_norm(*, session: Session, monday: date, today: date,
                      norm: Decimal) -> list[tuple[Participant, Decimal]]:
    """PSU participants (in the club today) with fewer hours this week than the norm."""
    logged = dict(session.exec(
        select(HourEntry.participant_id, func.sum(HourEntry.hours))
        .where(HourEntry.work_date >= monday, HourEntry.work_date <= today,
               HourEntry.status != HourStatus.rejected).group_by(HourEntry.participant_id)).all())
    people = session.exec(select(Participant).where(
        col(Participant.work_site_id).is_not(None), Participant.referred_on <= today,
        col(Participant.left_on).is_(None) | (Participant.left_on >= today),
        col(Participant.anonymized_at).is_(None)))
    out = []
    for person in people:
        hours = Decimal(logged.get(person.id, 0))
        if hours < norm:
            out.append((person, hours))
    return out
