"""Every check-then-act of the store, with two transactions interleaved on purpose
(tests/auxil/races.py), on PostgreSQL and on SQLite (two connections to one file).

Each test states the rule and checks the final state; on the code before the locks most of
them ended in the broken state (a withdrawn slot with a live booking, a confirmed entry with
hours nobody confirmed, two links from one invite code, …).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, func, select

from storage import broadcast_outbox, broadcasts, facts, hours, invites, workshops
from storage import consultations as c
from storage.clock import ManualClock
from storage.consultation_rules import parse_slot_request
from storage.db import Database
from storage.hours_rules import Limits
from storage.models import (
    AuditLog,
    Booking,
    BookingStatus,
    Broadcast,
    HourEntry,
    HourStatus,
    OutboxMessage,
    Participant,
    Slot,
    WaitlistEntry,
    WorkshopSignup,
)
from tests.auxil.factories import Factory
from tests.auxil.races import interleave, race_backends

WAW = ZoneInfo("Europe/Warsaw")
TODAY = date(2026, 12, 7)  # the clock fixture's Monday
T = TypeVar("T")


@pytest.fixture(params=["postgresql", "sqlite"])
def rdb(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The store on each backend."""
    yield from race_backends(request, tmp_path)


@pytest.fixture
def mk(rdb: Database, clock: ManualClock) -> Factory:
    """Builders on the race database."""
    return Factory(rdb, clock)


def count(db: Database, model: type, *where: object) -> int:
    with db.session() as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()


def once(db: Database, fn: Callable[[Session], T]) -> T:
    """fn(session) alone in one transaction."""
    with db.session() as s:
        return fn(s)


def audits(db: Database, action: str) -> int:
    return count(db, AuditLog, AuditLog.action == action)


# ---- consultations --------------------------------------------------------------------------

def book(clock: ManualClock, who: Participant, slot: Slot, max_upcoming: int = 1):  # type: ignore[no-untyped-def]
    return lambda s: c.book(session=s, participant_id=who.id, slot_id=slot.id, now=clock.now(),
                            max_upcoming=max_upcoming)


def withdraw(clock: ManualClock, slot: Slot):  # type: ignore[no-untyped-def]
    return lambda s: c.staff_cancel_slot(session=s, staff_id=slot.staff_id, slot_id=slot.id,
                                         now=clock.now(), tell=lambda b: "Termin odwołany.")


def test_a_booking_made_while_the_slot_is_withdrawn_is_cancelled_and_told(
        rdb: Database, mk: Factory, clock: ManualClock) -> None:
    anna = mk.participant("1", "Anna", telegram_user_id=1001)
    [slot, *_] = mk.slots(mk.staff("Monika"))
    race = interleave(rdb, book(clock, anna, slot), withdraw(clock, slot))
    assert race.second is not None and race.second.id == race.first.id  # withdrawal saw it
    assert count(rdb, Booking, col(Booking.status) == BookingStatus.booked) == 0
    assert count(rdb, OutboxMessage, col(OutboxMessage.dedupe_key).startswith("slot-cancelled:")) == 1


def test_a_slot_being_withdrawn_cannot_be_booked(rdb: Database, mk: Factory,
                                                 clock: ManualClock) -> None:
    anna = mk.participant("1", "Anna", telegram_user_id=1001)
    [slot, *_] = mk.slots(mk.staff("Monika"))
    race = interleave(rdb, withdraw(clock, slot), book(clock, anna, slot))
    assert race.second_refused == "slot_gone"
    assert count(rdb, Booking) == 0


def test_the_booking_limit_holds_for_two_bookings_at_once(rdb: Database, mk: Factory,
                                                          clock: ManualClock) -> None:
    anna = mk.participant("1", "Anna")
    first, second = mk.slots(mk.staff("Monika"))
    race = interleave(rdb, book(clock, anna, first), book(clock, anna, second))
    assert race.second_refused == "booking_limit"
    assert count(rdb, Booking) == 1


def cancel(clock: ManualClock, who: Participant, booking: Booking):  # type: ignore[no-untyped-def]
    return lambda s: c.cancel_booking(session=s, participant_id=who.id, booking_id=booking.id,
                                      now=clock.now(), until_hours=2, waitlist_text="Wolne!")


def test_a_booking_is_cancelled_once_when_two_cancels_meet(rdb: Database, mk: Factory,
                                                           clock: ManualClock) -> None:
    anna, basia = mk.participant("1", "Anna"), mk.participant("2", "Basia", telegram_user_id=2)
    [slot, *_] = mk.slots(mk.staff("Monika"))
    booking = mk.booking(anna, slot)
    rdb.call(c.join_waitlist, participant_id=basia.id, service="psychologist", now=clock.now())
    race = interleave(rdb, cancel(clock, anna, booking), cancel(clock, anna, booking))
    assert race.second_refused == "booking_not_found"
    assert audits(rdb, "booking_cancel") == 1
    assert count(rdb, OutboxMessage, col(OutboxMessage.dedupe_key).startswith("waitlist:")) == 1


def test_a_move_and_a_cancel_of_one_booking_do_not_both_happen(rdb: Database, mk: Factory,
                                                                clock: ManualClock) -> None:
    anna = mk.participant("1", "Anna")
    old_slot, new_slot = mk.slots(mk.staff("Monika"))
    booking = mk.booking(anna, old_slot)

    def move(s: Session) -> Booking:
        return c.move_booking(session=s, participant_id=anna.id, booking_id=booking.id,
                              slot_id=new_slot.id, now=clock.now(), until_hours=2, max_upcoming=1,
                              waitlist_text="Wolne!")
    race = interleave(rdb, move, cancel(clock, anna, booking))
    assert race.second_refused == "booking_not_found"
    with rdb.session() as s:
        live = s.exec(select(Booking).where(Booking.status == BookingStatus.booked)).all()
    assert [b.slot_id for b in live] == [new_slot.id]
    assert audits(rdb, "booking_cancel") == 1


def test_joining_the_waiting_list_twice_at_once_gives_one_place(rdb: Database, mk: Factory,
                                                                clock: ManualClock) -> None:
    anna = mk.participant("1", "Anna")

    def join(s: Session) -> int:
        return c.join_waitlist(session=s, participant_id=anna.id, service="psychologist",
                               now=clock.now())
    race = interleave(rdb, join, join)
    assert (race.first, race.second) == (1, 1)
    assert count(rdb, WaitlistEntry) == 1


def publish(clock: ManualClock, member: object, span: str):  # type: ignore[no-untyped-def]
    request = parse_slot_request(["08.12", span], TODAY)
    return lambda s: c.publish_slots(session=s, staff=member, request=request, now=clock.now(),
                                     tz=WAW, default_minutes=60)


def starts_and_ends(db: Database) -> list[tuple[object, object]]:
    with db.session() as s:
        slots = s.exec(select(Slot).where(col(Slot.cancelled).is_(False)).order_by(Slot.starts_at))
        return [(x.starts_at, x.starts_at + timedelta(minutes=x.minutes)) for x in slots]


def assert_no_overlap(db: Database) -> None:
    spans = starts_and_ends(db)
    assert all(end <= nxt for (_, end), (nxt, _) in itertools.pairwise(spans)), spans


def test_overlapping_ranges_published_one_after_the_other_make_no_overlapping_slots(
        rdb: Database, mk: Factory, clock: ManualClock) -> None:
    monika = mk.staff("Monika")
    once(rdb, publish(clock, monika, "10:00-12:00"))
    second = once(rdb, publish(clock, monika, "10:30-12:30"))
    assert (len(second.created), second.skipped) == (0, 2)
    third = once(rdb, publish(clock, monika, "09:00-13:00"))
    assert (len(third.created), third.skipped) == (2, 2)  # 9:00 and 12:00 fit around them
    assert_no_overlap(rdb)


def test_overlapping_ranges_published_at_once_make_no_overlapping_slots(
        rdb: Database, mk: Factory, clock: ManualClock) -> None:
    monika = mk.staff("Monika")
    race = interleave(rdb, publish(clock, monika, "10:00-12:00"),
                      publish(clock, monika, "10:30-12:30"))
    assert len(race.first.created) == 2 and len(race.second.created) == 0
    assert_no_overlap(rdb)


def test_marking_a_withdrawn_or_cancelled_booking_is_refused(rdb: Database, mk: Factory,
                                                            clock: ManualClock) -> None:
    anna = mk.participant("1", "Anna")
    [slot, *_] = mk.slots(mk.staff("Monika"))
    booking = mk.booking(anna, slot)
    race = interleave(rdb, cancel(clock, anna, booking), lambda s: c.mark(
        session=s, staff_id=slot.staff_id, booking_id=booking.id, attended=True,
        now=clock.now() + timedelta(days=2)))
    assert race.second_refused == "booking_not_found"
    assert count(rdb, Booking, Booking.status == BookingStatus.cancelled) == 1


# ---- hours ----------------------------------------------------------------------------------

LIMITS = Limits()  # 8 a day, 10 a week, 40 a month


def log(clock: ManualClock, who: Participant, h: str, day: date,  # type: ignore[no-untyped-def]
        limits: Limits = LIMITS):
    return lambda s: hours.log_hours(session=s, participant_id=who.id, work_date=day,
                                     hours=Decimal(h), today=TODAY, limits=limits,
                                     backdate_days=7, now=clock.now())


def test_the_week_limit_holds_for_two_days_logged_at_once(rdb: Database, mk: Factory,
                                                          clock: ManualClock) -> None:
    anna = mk.participant("1", "Anna", work_site="Biblioteka")
    once(rdb, log(clock, anna, "5", date(2026, 12, 2)))  # the week of Monday 30.11
    race = interleave(rdb, log(clock, anna, "4", date(2026, 12, 3)),
                      log(clock, anna, "4", date(2026, 12, 4)))
    assert race.second_refused == "hours_limit" and race.second.params["left"] == Decimal(1)
    assert count(rdb, HourEntry) == 2


def test_the_month_limit_holds_for_two_weeks_logged_at_once(rdb: Database, mk: Factory,
                                                            clock: ManualClock) -> None:
    anna = mk.participant("1", "Anna", work_site="Biblioteka")
    limits = Limits(day=Decimal(8), week=Decimal(40), month=Decimal(10))
    race = interleave(rdb, log(clock, anna, "6", TODAY, limits),
                      log(clock, anna, "6", date(2026, 12, 5), limits))
    assert race.second_refused == "hours_limit" and race.second.params["kind"] == "month"
    assert count(rdb, HourEntry) == 1


def test_the_same_day_logged_twice_at_once_is_one_entry(rdb: Database, mk: Factory,
                                                        clock: ManualClock) -> None:
    anna = mk.participant("1", "Anna", work_site="Biblioteka")
    race = interleave(rdb, log(clock, anna, "7", TODAY), log(clock, anna, "5", TODAY))
    assert race.second.previous == Decimal(7)  # the second replaced what the first wrote
    found = the_entry(rdb)
    assert found is not None and found.hours == Decimal(5) and count(rdb, HourEntry) == 1


def submitted(rdb: Database, clock: ManualClock, mk: Factory) -> tuple[Participant, HourEntry, int]:
    anna = mk.participant("1", "Anna", work_site="Biblioteka")
    entry = once(rdb, log(clock, anna, "4", TODAY)).entry
    staff_id = mk.staff("Kasia", "social_worker").id
    return anna, entry, staff_id  # type: ignore[return-value]


def confirm(clock: ManualClock, staff_id: int, entry: HourEntry):  # type: ignore[no-untyped-def]
    return lambda s: hours.confirm(session=s, staff_id=staff_id, now=clock.now(), up_to=TODAY,
                                   entry_ids=[entry.id])


def correct(clock: ManualClock, who: Participant, entry: HourEntry, h: str):  # type: ignore[no-untyped-def]
    return lambda s: hours.correct(session=s, participant_id=who.id, entry_id=entry.id,
                                   hours=Decimal(h), limits=LIMITS, now=clock.now())


def the_entry(db: Database) -> HourEntry | None:
    with db.session() as s:
        return s.exec(select(HourEntry)).first()


def test_a_correction_during_a_confirmation_never_changes_confirmed_hours(
        rdb: Database, mk: Factory, clock: ManualClock) -> None:
    anna, entry, staff_id = submitted(rdb, clock, mk)
    race = interleave(rdb, confirm(clock, staff_id, entry), correct(clock, anna, entry, "6"))
    assert race.first == [entry.id] and race.second_refused == "hours_confirmed"
    found = the_entry(rdb)
    assert found is not None and (found.status, found.hours) == (HourStatus.confirmed, Decimal(4))


def test_a_confirmation_during_a_correction_confirms_the_corrected_hours(
        rdb: Database, mk: Factory, clock: ManualClock) -> None:
    anna, entry, staff_id = submitted(rdb, clock, mk)
    race = interleave(rdb, correct(clock, anna, entry, "6"), confirm(clock, staff_id, entry))
    assert race.second == [entry.id]
    found = the_entry(rdb)
    assert found is not None and (found.status, found.hours) == (HourStatus.confirmed, Decimal(6))


def test_a_confirmed_entry_cannot_be_deleted_by_a_delete_in_flight(
        rdb: Database, mk: Factory, clock: ManualClock) -> None:
    anna, entry, staff_id = submitted(rdb, clock, mk)
    race = interleave(rdb, confirm(clock, staff_id, entry), lambda s: hours.delete(
        session=s, participant_id=anna.id, entry_id=entry.id, now=clock.now()))
    assert race.second_refused == "hours_confirmed"
    found = the_entry(rdb)
    assert found is not None and found.status == HourStatus.confirmed


def test_a_deleted_entry_is_not_confirmed(rdb: Database, mk: Factory, clock: ManualClock) -> None:
    anna, entry, staff_id = submitted(rdb, clock, mk)
    race = interleave(rdb, lambda s: hours.delete(session=s, participant_id=anna.id,
                                                  entry_id=entry.id, now=clock.now()),
                      confirm(clock, staff_id, entry))
    assert race.second == [] and the_entry(rdb) is None
    assert audits(rdb, "hours_confirm") == 0


def test_logging_again_while_staff_confirm_never_changes_confirmed_hours(
        rdb: Database, mk: Factory, clock: ManualClock) -> None:
    anna, entry, staff_id = submitted(rdb, clock, mk)
    race = interleave(rdb, confirm(clock, staff_id, entry), log(clock, anna, "7", TODAY))
    assert race.second_refused == "hours_confirmed"
    found = the_entry(rdb)
    assert found is not None and (found.status, found.hours) == (HourStatus.confirmed, Decimal(4))


def test_a_rejection_during_a_correction_sees_the_corrected_entry(
        rdb: Database, mk: Factory, clock: ManualClock) -> None:
    anna, entry, staff_id = submitted(rdb, clock, mk)
    race = interleave(rdb, lambda s: hours.staff_reject(session=s, staff_id=staff_id,
                                                        entry_id=entry.id, reason="nie było",
                                                        now=clock.now()),
                      correct(clock, anna, entry, "6"))
    assert race.second_refused == "hours_entry_not_found"
    found = the_entry(rdb)
    assert found is not None and (found.status, found.hours) == (HourStatus.rejected, Decimal(4))


# ---- workshops, invites, broadcasts ---------------------------------------------------------

def invited_workshop(db: Database, clock: ManualClock, mk: Factory, people_: list[Participant],
                     capacity: int = 1) -> int:
    boss = mk.staff("Koordynatorka", "coordinator").id
    wid = db.call(workshops.create, title="W", starts_at=clock.now() + timedelta(days=2),
                  place="Sala", capacity=capacity, hours=Decimal(2), staff_id=boss,
                  now=clock.now()).id
    mk.invite_everyone(wid)  # type: ignore[arg-type]
    return wid  # type: ignore[return-value]


def rsvp(clock: ManualClock, wid: int, who: Participant, yes: bool = True):  # type: ignore[no-untyped-def]
    return lambda s: workshops.answer(session=s, workshop_id=wid, participant_id=who.id, yes=yes,
                                      now=clock.now(), promoted_text="Zwolniło się miejsce.")


def test_the_last_place_goes_to_one_of_two_answering_at_once(rdb: Database, mk: Factory,
                                                             clock: ManualClock) -> None:
    anna = mk.participant("1", "Anna", telegram_user_id=1)
    basia = mk.participant("2", "Basia", telegram_user_id=2)
    wid = invited_workshop(rdb, clock, mk, [anna, basia])
    race = interleave(rdb, rsvp(clock, wid, anna), rsvp(clock, wid, basia))
    assert (race.first.status, race.second.status, race.second.position) == ("going", "waiting", 1)


def test_a_decline_while_someone_signs_up_promotes_exactly_one(rdb: Database, mk: Factory,
                                                               clock: ManualClock) -> None:
    anna = mk.participant("1", "Anna", telegram_user_id=1)
    basia = mk.participant("2", "Basia", telegram_user_id=2)
    celina = mk.participant("3", "Celina", telegram_user_id=3)
    wid = invited_workshop(rdb, clock, mk, [anna, basia, celina])
    once(rdb, rsvp(clock, wid, anna))
    once(rdb, rsvp(clock, wid, basia))  # waiting
    race = interleave(rdb, rsvp(clock, wid, anna, yes=False), rsvp(clock, wid, celina))
    assert race.first.promoted == basia.id and race.second.status == "waiting"
    assert count(rdb, WorkshopSignup, WorkshopSignup.status == "going") == 1


def test_one_invite_code_sent_by_two_accounts_at_once_links_one(rdb: Database, mk: Factory,
                                                                clock: ManualClock) -> None:
    anna = mk.participant("1", "Anna")
    code = rdb.call(invites.create_invite, participant=anna, now=clock.now(), ttl_days=7,
                    actor="cli")

    def redeem(user: int):  # type: ignore[no-untyped-def]
        return lambda s: invites.redeem_invite(session=s, code=code, telegram_user_id=user,
                                               now=clock.now())
    race = interleave(rdb, redeem(7001), redeem(7002))
    assert race.first.participant is not None
    assert race.second.error is not None and race.second.error.code == "invite_used"
    with rdb.session() as s:
        assert s.get(Participant, anna.id).telegram_user_id == 7001  # type: ignore[union-attr]


def test_one_account_with_two_codes_at_once_links_one_person(rdb: Database, mk: Factory,
                                                             clock: ManualClock) -> None:
    anna, basia = mk.participant("1", "Anna"), mk.participant("2", "Basia")
    codes = [rdb.call(invites.create_invite, participant=p, now=clock.now(), ttl_days=7,
                      actor="cli") for p in (anna, basia)]

    def redeem(code: str):  # type: ignore[no-untyped-def]
        return lambda s: invites.redeem_invite(session=s, code=code, telegram_user_id=7001,
                                               now=clock.now())
    race = interleave(rdb, redeem(codes[0]), redeem(codes[1]))
    assert race.first.participant is not None
    assert race.second.error is not None and race.second.error.code == "account_taken"
    assert count(rdb, Participant, Participant.telegram_user_id == 7001) == 1


def draft(db: Database, clock: ManualClock, mk: Factory) -> tuple[int, int]:
    mk.participant("1", "Anna", telegram_user_id=1)
    boss = mk.staff("Koordynatorka", "coordinator").id
    found = db.call(broadcasts.start_draft, staff_id=boss, now=clock.now(), text="Ogłoszenie")
    db.call(broadcasts.set_audience, broadcast_id=found.id, staff_id=boss, audience="all")
    return found.id, boss  # type: ignore[return-value]


def send(clock: ManualClock, bid: int, boss: int, later: bool = False):  # type: ignore[no-untyped-def]
    at = clock.now() + timedelta(hours=1) if later else None
    return lambda s: broadcasts.confirm(session=s, broadcast_id=bid, staff_id=boss,
                                        now=clock.now(), tz=WAW, send_at=at)


def stop(clock: ManualClock, bid: int, boss: int):  # type: ignore[no-untyped-def]
    return lambda s: broadcasts.cancel(session=s, broadcast_id=bid, staff_id=boss, now=clock.now())


def pending(db: Database) -> int:
    return count(db, OutboxMessage, col(OutboxMessage.broadcast_id).is_not(None),
                 OutboxMessage.status == "pending")


def test_a_notice_confirmed_twice_at_once_is_queued_once(rdb: Database, mk: Factory,
                                                         clock: ManualClock) -> None:
    bid, boss = draft(rdb, clock, mk)
    race = interleave(rdb, send(clock, bid, boss), send(clock, bid, boss))
    assert race.second_refused == "broadcast_not_draft"
    assert audits(rdb, "broadcast_confirm") == 1 and pending(rdb) == 1


def test_a_notice_cancelled_while_confirmed_sends_nothing(rdb: Database, mk: Factory,
                                                          clock: ManualClock) -> None:
    bid, boss = draft(rdb, clock, mk)
    race = interleave(rdb, stop(clock, bid, boss), send(clock, bid, boss))
    assert race.second_refused == "broadcast_not_draft" and pending(rdb) == 0


def test_a_confirmed_notice_is_not_cancelled_by_a_cancel_in_flight(rdb: Database, mk: Factory,
                                                                   clock: ManualClock) -> None:
    bid, boss = draft(rdb, clock, mk)
    race = interleave(rdb, send(clock, bid, boss), stop(clock, bid, boss))
    assert race.second_refused == "broadcast_not_cancellable" and pending(rdb) == 1


def test_a_scheduled_notice_cancelled_as_it_falls_due_is_not_started(
        rdb: Database, mk: Factory, clock: ManualClock) -> None:
    bid, boss = draft(rdb, clock, mk)
    once(rdb, send(clock, bid, boss, later=True))
    due = clock.now() + timedelta(hours=2)
    race = interleave(rdb, stop(clock, bid, boss),
                      lambda s: broadcast_outbox.start_due(session=s, now=due))
    assert race.second == [] and pending(rdb) == 0
    with rdb.session() as s:
        assert s.get(Broadcast, bid).status == "cancelled"  # type: ignore[union-attr]


def test_wrong_codes_sent_at_once_cannot_outrun_the_lockout(rdb: Database, mk: Factory,
                                                            clock: ManualClock) -> None:
    def guess(code: str):  # type: ignore[no-untyped-def]
        return lambda s: invites.redeem_invite(session=s, code=code, telegram_user_id=7001,
                                               now=clock.now(), max_failures=1)
    race = interleave(rdb, guess("zgadywanie-1"), guess("zgadywanie-2"))
    assert race.first.error.code == "invite_invalid"
    assert race.second.error is not None and race.second.error.code == "invite_locked"


def test_two_attendance_presses_at_once_are_two_toggles(rdb: Database, mk: Factory,
                                                        clock: ManualClock) -> None:
    anna = mk.participant("1", "Anna", telegram_user_id=1)
    wid = invited_workshop(rdb, clock, mk, [anna], capacity=5)
    once(rdb, rsvp(clock, wid, anna))
    later = clock.now() + timedelta(days=2, hours=1)
    staff_id = mk.staff("Kasia", "social_worker").id

    def toggle(s: Session) -> str:
        return workshops.toggle_attendance(session=s, workshop_id=wid, participant_id=anna.id,
                                           staff_id=staff_id, now=later)
    race = interleave(rdb, toggle, toggle)
    assert (race.first, race.second) == ("attended", "absent")  # not both "attended"


def test_two_processes_storing_one_fact_at_once_both_succeed(rdb: Database,
                                                              clock: ManualClock) -> None:
    """Two webhook processes starting together each store the bot's @username (the second
    crashed at start with a duplicate key before the upsert)."""
    def store(name: str):  # type: ignore[no-untyped-def]
        return lambda s: facts.remember(session=s, key=facts.BOT_USERNAME, value=name,
                                        now=clock.now())
    interleave(rdb, store("pierwszy_bot"), store("drugi_bot"))
    with rdb.session() as s:
        assert facts.recall(session=s, key=facts.BOT_USERNAME) == "drugi_bot"
