"""Booking rules and the store: slots, one live booking per slot, cancelling, waiting list."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from storage import consultations as c
from storage.clock import ManualClock
from storage.consultation_rules import SlotRequest, parse_slot_request, slot_starts
from storage.db import Database
from storage.errors import DomainError
from storage.models import (
    Booking,
    BookingStatus,
    OutboxMessage,
    Participant,
    SlotMode,
    Staff,
    WaitlistEntry,
)
from tests.auxil.factories import Factory

WAW = ZoneInfo("Europe/Warsaw")
TODAY = date(2026, 12, 7)


def test_parse_slot_request_forgiving_and_strict() -> None:
    r = parse_slot_request(["08.12", "10:00-12:00"], TODAY)
    assert (r.day, r.start, r.end, r.minutes, r.mode) == (date(2026, 12, 8), time(10), time(12),
                                                           None, SlotMode.phone)
    r = parse_slot_request(["8.12", "9.30-11.00", "45", "wideo", "https://meet.example/x"], TODAY)
    assert (r.minutes, r.mode, r.video_link) == (45, SlotMode.video, "https://meet.example/x")
    assert parse_slot_request(["03.01", "10:00-11:00"], TODAY).day == date(2027, 1, 3)
    assert parse_slot_request(["24.12", "10:00-11:00", "święto"], TODAY).override_holiday
    for bad in (["08.12"], ["31.02", "10:00-11:00"], ["08.12", "12:00-10:00"],
                ["08.12", "10:00-12:00", "5"], ["08.12", "10-12"], ["08.12", "10:00-12:00", "x"]):
        with pytest.raises(ValueError):
            parse_slot_request(bad, TODAY)


def test_slots_fill_the_range_in_local_time() -> None:
    starts = slot_starts(SlotRequest(date(2026, 12, 8), time(10), time(12, 30)), 60, WAW)
    assert [s.astimezone(WAW).strftime("%H:%M") for s in starts] == ["10:00", "11:00"]
    assert starts[0].tzinfo == UTC


def staff(db: Database, clock: ManualClock, role: str = "psychologist", tg: int = 5001) -> Staff:
    return Factory(db, clock).staff("Monika", role, telegram_user_id=tg)


def participant(db: Database, clock: ManualClock, number: str) -> Participant:
    return Factory(db, clock).participant(number, f"P{number}", last_name="T",
                                          phone=f"+4860123{int(number):04d}",
                                          referred_on=date(2026, 1, 5))


def publish(db: Database, clock: ManualClock, member: Staff, args: list[str]) -> c.Published:
    return db.call(c.publish_slots, staff=member, request=parse_slot_request(args, TODAY),
                   now=clock.now(), tz=WAW, default_minutes=60)


def test_publishing_refuses_the_past_and_holidays(db: Database, clock: ManualClock) -> None:
    monika = staff(db, clock)
    with pytest.raises(DomainError, match="slots_in_past"):
        publish(db, clock, monika, ["07.12", "08:00-09:00"])
    with pytest.raises(DomainError) as holiday:
        publish(db, clock, monika, ["24.12", "10:00-12:00"])
    assert holiday.value.code == "slots_holiday" and holiday.value.params["holiday"]
    assert len(publish(db, clock, monika, ["24.12", "10:00-12:00", "swieto"]).created) == 2
    again = publish(db, clock, monika, ["24.12", "10:00-13:00", "swieto"])
    assert (len(again.created), again.skipped) == (1, 2)
    with pytest.raises(DomainError, match="not_a_consultant"):
        publish(db, clock, staff(db, clock, "coordinator", 5002), ["08.12", "10:00-12:00"])


def test_booking_a_service_leaves_its_waiting_list_and_shows_the_staff_name(
        db: Database, clock: ManualClock) -> None:
    monika = staff(db, clock)
    anna, jan = participant(db, clock, "1"), participant(db, clock, "2")
    slots = publish(db, clock, monika, ["08.12", "10:00-11:00"]).created
    for person in (anna, jan):
        db.call(c.join_waitlist, participant_id=person.id, service="psychologist", now=clock.now())
    booking, slot, name = db.call(c.book_and_show, participant_id=anna.id, slot_id=slots[0].id,
                                  now=clock.now(), max_upcoming=1)
    assert (booking.slot_id, slot.id, name) == (slots[0].id, slots[0].id, monika.name)
    with db.session() as s:
        assert [w.participant_id for w in s.exec(select(WaitlistEntry))] == [jan.id]


def test_book_cancel_limit_and_waitlist(db: Database, clock: ManualClock) -> None:
    monika = staff(db, clock)
    anna, jan = participant(db, clock, "1"), participant(db, clock, "2")
    slots = publish(db, clock, monika, ["08.12", "10:00-12:00"]).created
    assert db.call(c.free_days, service="psychologist", now=clock.now(), horizon_days=14,
                   tz=WAW) == [date(2026, 12, 8)]
    booking = db.call(c.book, participant_id=anna.id, slot_id=slots[0].id, now=clock.now(),
                      max_upcoming=1)
    with pytest.raises(DomainError, match="booking_limit"):
        db.call(c.book, participant_id=anna.id, slot_id=slots[1].id, now=clock.now(), max_upcoming=1)
    again = db.call(c.book, participant_id=anna.id, slot_id=slots[0].id, now=clock.now(),
                    max_upcoming=1)  # the same confirmation twice: the same booking
    assert again.id == booking.id
    with pytest.raises(DomainError, match="slot_taken"):
        db.call(c.book, participant_id=jan.id, slot_id=slots[0].id, now=clock.now(), max_upcoming=1)
    db.call(c.book, participant_id=jan.id, slot_id=slots[1].id, now=clock.now(), max_upcoming=1)
    ewa = participant(db, clock, "3")
    assert db.call(c.join_waitlist, participant_id=ewa.id, service="psychologist", now=clock.now()) == 1
    assert db.call(c.join_waitlist, participant_id=ewa.id, service="psychologist", now=clock.now()) == 1
    with pytest.raises(DomainError, match="booking_not_found"):  # not Jan's to cancel
        db.call(c.cancel_booking, participant_id=jan.id, booking_id=booking.id, now=clock.now(),
                until_hours=2, waitlist_text="wolny termin")
    db.call(c.cancel_booking, participant_id=anna.id, booking_id=booking.id, now=clock.now(),
            until_hours=2, waitlist_text="wolny termin")
    with db.session() as s:
        [note] = s.exec(select(OutboxMessage)).all()
        assert (note.participant_id, note.text) == (ewa.id, "wolny termin")
    clock.set(datetime(2026, 12, 8, 8, 30, tzinfo=UTC))  # 9:30 Warsaw, 30 min before Jan's 11:00
    with pytest.raises(DomainError, match="cancel_too_late"):
        db.call(c.cancel_booking, participant_id=jan.id, booking_id=booking.id + 1,
                now=clock.now(), until_hours=2, waitlist_text="x")


def test_move_keeps_the_old_booking_when_the_new_slot_is_taken(db: Database,
                                                              clock: ManualClock) -> None:
    monika = staff(db, clock)
    anna, jan = participant(db, clock, "1"), participant(db, clock, "2")
    s1, s2, s3 = publish(db, clock, monika, ["08.12", "10:00-13:00"]).created
    old = db.call(c.book, participant_id=anna.id, slot_id=s1.id, now=clock.now(), max_upcoming=1)
    db.call(c.book, participant_id=jan.id, slot_id=s2.id, now=clock.now(), max_upcoming=1)
    with pytest.raises(DomainError, match="slot_taken"):
        db.call(c.move_booking, participant_id=anna.id, booking_id=old.id, slot_id=s2.id,
                now=clock.now(), until_hours=2, max_upcoming=1, waitlist_text="x")
    with db.session() as s:
        assert s.get(Booking, old.id).status == BookingStatus.booked  # type: ignore[union-attr]
    new = db.call(c.move_booking, participant_id=anna.id, booking_id=old.id, slot_id=s3.id,
                  now=clock.now(), until_hours=2, max_upcoming=1, waitlist_text="x")
    with db.session() as s:
        assert s.get(Booking, old.id).status == BookingStatus.cancelled  # type: ignore[union-attr]
        assert s.get(Booking, new.id).slot_id == s3.id  # type: ignore[union-attr]


def test_staff_cancel_tells_the_participant_and_marking_after_the_end(db: Database,
                                                                      clock: ManualClock) -> None:
    monika = staff(db, clock)
    anna = participant(db, clock, "1")
    s1, s2 = publish(db, clock, monika, ["08.12", "10:00-12:00"]).created
    b1 = db.call(c.book, participant_id=anna.id, slot_id=s1.id, now=clock.now(), max_upcoming=2)
    b2 = db.call(c.book, participant_id=anna.id, slot_id=s2.id, now=clock.now(), max_upcoming=2)
    db.call(c.staff_cancel_slot, staff_id=monika.id, slot_id=s1.id, now=clock.now(),
            tell=lambda b: f"odwołana {b.id}")
    with db.session() as s:
        assert s.exec(select(OutboxMessage.text)).all() == [f"odwołana {b1.id}"]
    with pytest.raises(DomainError, match="not_ended"):
        db.call(c.mark, staff_id=monika.id, booking_id=b2.id, attended=True, now=clock.now())
    clock.set(datetime(2026, 12, 8, 11, 0, tzinfo=UTC))  # 12:00 Warsaw
    assert db.call(c.mark, staff_id=monika.id, booking_id=b2.id, attended=False,
                   now=clock.now()).status == BookingStatus.no_show
    other = staff(db, clock, "career_advisor", 5003)
    with pytest.raises(DomainError, match="booking_not_found"):
        db.call(c.mark, staff_id=other.id, booking_id=b2.id, attended=True, now=clock.now())


def test_twenty_concurrent_bookings_of_one_slot_on_postgresql(pg_db: Database,
                                                             clock: ManualClock) -> None:
    monika = staff(pg_db, clock)
    people_ = [participant(pg_db, clock, str(i)) for i in range(1, 21)]
    [slot] = publish(pg_db, clock, monika, ["08.12", "10:00-11:00"]).created
    barrier = threading.Barrier(20)
    outcomes: list[str] = []

    def attempt(person: Participant) -> None:
        barrier.wait()
        try:
            pg_db.call(c.book, participant_id=person.id, slot_id=slot.id, now=clock.now(),
                       max_upcoming=1)
            outcomes.append("booked")
        except DomainError as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=attempt, args=(p,)) for p in people_]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["booked"] + ["slot_taken"] * 19
    with pg_db.session() as s:
        assert len(s.exec(select(Booking).where(Booking.slot_id == slot.id)).all()) == 1


def test_a_day_without_a_year_follows_one_stated_rule() -> None:
    """Issue 19: this year's day; next year's only when this year's is over two months past;
    a day just past stays past (and is refused), it is never moved a year on."""
    from storage.consultation_rules import parse_future_day
    assert parse_future_day("08.12", TODAY) == date(2026, 12, 8)
    assert parse_future_day("01.12", TODAY) == date(2026, 12, 1)  # past: refused, not 2027
    assert parse_future_day("05.01", TODAY) == date(2027, 1, 5)
    assert parse_future_day("05.01.2028", TODAY) == date(2028, 1, 5)
