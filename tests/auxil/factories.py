"""Builders for the club's people, sites, slots and bookings, through the real store operations.

    make = Factory(db, clock)
    anna = make.participant("12", "Anna", telegram_user_id=1001, work_site="Biblioteka")
    monika = make.staff("Monika", "psychologist", telegram_user_id=5001)
    [slot, *_] = make.slots(monika, "08.12", "10:00-12:00")
    make.booking(anna, slot)
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import select

from storage import broadcasts, consultations, outbox, people, workshops
from storage.clock import Clock, ManualClock
from storage.consultation_rules import parse_slot_request
from storage.db import Database
from storage.models import Booking, Participant, Slot, Staff, WorkSite

WAW = ZoneInfo("Europe/Warsaw")
REFERRED_ON = date(2026, 11, 2)


def at(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    """A Warsaw wall-clock moment."""
    return datetime(y, mo, d, h, mi, tzinfo=WAW)


def free_port() -> int:
    """A TCP port nobody listens on at the moment."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Factory:
    """Adds rows the way the CLI and the imports do (audit rows included)."""

    def __init__(self, db: Database, clock: Clock, tz: ZoneInfo = WAW,
                 linked: Callable[[int], object] | None = None) -> None:
        """`linked(telegram_user_id)` is called for everyone added with a Telegram account
        (the Bot API stand-in's `opened_chat`: a linked person has written to the bot)."""
        self.db, self.clock, self.tz, self.linked = db, clock, tz, linked

    def _linked(self, telegram_user_id: int | None) -> None:
        if telegram_user_id and self.linked is not None:
            self.linked(telegram_user_id)

    def site(self, name: str = "Biblioteka") -> WorkSite:
        """A work site (the existing one when the name is taken)."""
        with self.db.session() as s:
            found = s.exec(select(WorkSite).where(WorkSite.name == name)).first()
            if found is None:
                found = WorkSite(name=name)
                s.add(found)
                s.flush()
            return found

    def participant(self, number: str = "12", first_name: str = "Anna", *,
                    last_name: str = "Testowa", gender: str = "K", phone: str | None = None,
                    telegram_user_id: int | None = None, work_site: str | None = None,
                    referred_on: date = REFERRED_ON, **fields: object) -> Participant:
        """A participant (a work site is created when named); extra fields set afterwards."""
        if work_site is not None:
            self.site(work_site)
        new = people.NewParticipant(number=number, first_name=first_name, last_name=last_name,
                                    gender=gender, phone=phone, referred_on=referred_on,
                                    work_site=work_site)
        added = self.db.call(people.add_participant, new=new, actor="cli", now=self.clock.now())
        self._linked(telegram_user_id)
        extra = {"telegram_user_id": telegram_user_id, **fields} if telegram_user_id else fields
        if not extra:
            return added
        with self.db.session() as s:
            row = s.get(Participant, added.id)
            assert row is not None
            for name, value in extra.items():
                setattr(row, name, value)
            return row

    def staff(self, name: str = "Monika", *roles: str, telegram_user_id: int | None = None,
              phone: str | None = None) -> Staff:
        """A member of staff with the given roles (psychologist when none is given)."""
        self._linked(telegram_user_id)
        return self.db.call(people.add_staff, name=name, roles=list(roles or ("psychologist",)),
                            telegram_user_id=telegram_user_id, phone=phone, actor="cli",
                            now=self.clock.now())

    def slots(self, member: Staff, day: str = "08.12", span: str = "10:00-12:00",
              *extra: str, minutes: int = 60) -> list[Slot]:
        """Publish a range of slots as `/terminy DAY SPAN [EXTRA…]` would."""
        today = self.clock.now().astimezone(self.tz).date()
        request = parse_slot_request([day, span, *extra], today)
        return self.db.call(consultations.publish_slots, staff=member, request=request,
                            now=self.clock.now(), tz=self.tz, default_minutes=minutes).created

    def booking(self, participant: Participant, slot: Slot, *, max_upcoming: int = 1,
                source: str = "telegram") -> Booking:
        """Book a slot for a participant."""
        return self.db.call(consultations.book, participant_id=participant.id, slot_id=slot.id,
                            now=self.clock.now(), max_upcoming=max_upcoming, source=source)

    def invite_everyone(self, workshop_id: int) -> None:
        """The workshop's invitation sent to every participant (only the invited may answer)."""
        boss = self.db.call(workshops.get, workshop_id=workshop_id).created_by
        now = self.clock.now()
        draft = self.db.call(broadcasts.start_draft, staff_id=boss, now=now, text="Zaproszenie",
                             workshop_id=workshop_id)
        self.db.call(broadcasts.set_audience, broadcast_id=draft.id, staff_id=boss,
                     audience="all")
        self.db.call(broadcasts.confirm, broadcast_id=draft.id, staff_id=boss, now=now,
                     tz=self.tz)
        claimed = self.db.call(outbox.claim_due, now=now, limit=100_000, worker="factory")
        self.db.call(outbox.finish_many, now=now,
                     outcomes=[outbox.Outcome(m.id, "sent") for m in claimed])


def person(db: Database, number: str, **fields: object) -> Participant:
    """A participant named 'Osoba Testowa' with any other fields set (store tests' shorthand)."""
    return Factory(db, ManualClock(datetime(2026, 12, 1, tzinfo=UTC))).participant(
        number, "Osoba", **fields)  # type: ignore[arg-type]


def coordinator(db: Database) -> int:
    """A coordinator's id."""
    return Factory(db, ManualClock(datetime(2026, 12, 1, tzinfo=UTC))).staff("K", "coordinator").id  # type: ignore[return-value]
