"""PSU hours store: logging within limits, replacing, corrections, staff, summary, settlement."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest
from sqlmodel import select

from storage import hours, people, rates
from storage.clock import ManualClock
from storage.db import Database
from storage.errors import DomainError
from storage.hours_rules import Limits
from storage.hours_summary import daily_summary
from storage.models import AuditLog, HourEntry, HourStatus, Participant, Source
from storage.settlement import settlement
from tests.auxil.factories import Factory

LIMITS = Limits()
TODAY = date(2026, 12, 7)  # a Monday (the clock fixture)
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def add_site(db: Database, name: str) -> None:
    Factory(db, ManualClock(NOW)).site(name)


def person(db: Database, number: str, site: str | None = "Biblioteka",
           first: str = "Anna", referred: date = date(2020, 1, 1)) -> Participant:
    return Factory(db, ManualClock(NOW)).participant(number, first, last_name="Nowak",
                                                     work_site=site, referred_on=referred)


def log(db: Database, who: Participant, h: str, day: date = TODAY, clock: ManualClock | None = None,
        today: date = TODAY) -> hours.Logged:
    now = clock.now() if clock else datetime(2026, 12, 7, 8, tzinfo=UTC)
    return db.call(hours.log_hours, participant_id=who.id, work_date=day, hours=D(h), today=today,
                   limits=LIMITS, backdate_days=7, now=now)


def code(exc: pytest.ExceptionInfo[DomainError]) -> tuple[str, dict]:
    return exc.value.code, exc.value.params


def test_log_then_log_again_replaces_the_day(db: Database, clock: ManualClock) -> None:
    anna = person(db, "1")
    first = log(db, anna, "4", clock=clock)
    assert first.previous is None and first.entry.hours == D(4)
    again = log(db, anna, "5.5", clock=clock)
    assert again.previous == D(4) and again.entry.id == first.entry.id
    assert db.call(hours.used, participant_id=anna.id, day=TODAY) == hours.Used(D("5.5"), D("5.5"),
                                                                                 D("5.5"))
    with db.session() as s:
        assert [a.action for a in s.exec(select(AuditLog)).all()][-2:] == ["hours_log",
                                                                           "hours_replace"]


def test_every_limit_is_enforced_with_what_is_left(db: Database, clock: ManualClock) -> None:
    anna = person(db, "1")
    with pytest.raises(DomainError) as exc:
        log(db, anna, "8.5", clock=clock)
    assert code(exc) == ("hours_limit", {"kind": "day", "limit": D(8), "left": D(8)})
    log(db, anna, "6", TODAY - timedelta(days=1), clock)  # Sunday: the previous ISO week
    log(db, anna, "8", clock=clock)
    with pytest.raises(DomainError) as exc:  # Tuesday: 8 h on Monday, 2 h left this week
        log(db, anna, "3", TODAY + timedelta(days=1), clock, today=TODAY + timedelta(days=1))
    assert code(exc) == ("hours_limit", {"kind": "week", "limit": D(10), "left": D(2)})
    # Month: 40 h in December across weeks, then one more half hour is refused.
    bob = person(db, "2", first="Bob")
    for week in range(4):
        for extra in range(2):
            day = date(2026, 12, 1) + timedelta(days=7 * week + extra)
            db.call(hours.staff_add, staff_id=None, participant_id=bob.id, work_date=day,
                    hours=D(5), reason=None, today=date(2026, 12, 31), limits=LIMITS,
                    now=clock.now())
    with pytest.raises(DomainError) as exc:
        db.call(hours.log_hours, participant_id=bob.id, work_date=date(2026, 12, 30),
                hours=D("0.5"), today=date(2026, 12, 31), limits=LIMITS, backdate_days=7,
                now=clock.now())
    assert code(exc) == ("hours_limit", {"kind": "month", "limit": D(40), "left": D(0)})


def test_window_steps_and_site_are_checked(db: Database, clock: ManualClock) -> None:
    anna = person(db, "1")
    for day, h, expected in ((TODAY + timedelta(days=1), "2", "hours_future"),
                             (TODAY - timedelta(days=8), "2", "hours_too_old"),
                             (TODAY, "2.25", "hours_invalid"), (TODAY, "0", "hours_invalid")):
        with pytest.raises(DomainError) as exc:
            log(db, anna, h, day, clock)
        assert exc.value.code == expected
    log(db, anna, "2", TODAY - timedelta(days=7), clock)
    nobody = person(db, "9", site=None)
    with pytest.raises(DomainError) as exc:
        log(db, nobody, "2", clock=clock)
    assert exc.value.code == "not_in_psu"


def test_participant_corrects_and_deletes_only_own_unconfirmed(db: Database,
                                                               clock: ManualClock) -> None:
    anna, bob = person(db, "1"), person(db, "2", first="Bob")
    entry = log(db, anna, "4", clock=clock).entry
    with pytest.raises(DomainError) as exc:
        db.call(hours.correct, participant_id=bob.id, entry_id=entry.id, hours=D(2),
                limits=LIMITS, now=clock.now())
    assert exc.value.code == "hours_entry_not_found"
    fixed = db.call(hours.correct, participant_id=anna.id, entry_id=entry.id, hours=D(3),
                    limits=LIMITS, now=clock.now())
    assert fixed.previous == D(4) and fixed.entry.hours == D(3)
    assert db.call(hours.confirm, staff_id=None, now=clock.now(), up_to=TODAY) == [entry.id]
    for fn, kw in ((hours.correct, {"hours": D(2), "limits": LIMITS}), (hours.delete, {})):
        with pytest.raises(DomainError) as exc:
            db.call(fn, participant_id=anna.id, entry_id=entry.id, now=clock.now(), **kw)
        assert exc.value.code == "hours_confirmed"
    with pytest.raises(DomainError):
        log(db, anna, "5", clock=clock)  # a confirmed day is staff's to change
    other = log(db, anna, "2", TODAY - timedelta(days=1), clock).entry
    db.call(hours.delete, participant_id=anna.id, entry_id=other.id, now=clock.now())
    with db.session() as s:
        assert s.get(HourEntry, other.id) is None


def test_staff_correct_reject_confirm_are_audited(db: Database, clock: ManualClock) -> None:
    anna = person(db, "1")
    staff = db.call(people.add_staff, name="Jan", roles=["coordinator"], telegram_user_id=None,
                    phone=None, actor="cli", now=clock.now())
    a = log(db, anna, "4", clock=clock).entry
    b = log(db, anna, "3", TODAY - timedelta(days=1), clock).entry
    with pytest.raises(DomainError) as exc:
        db.call(hours.staff_reject, staff_id=staff.id, entry_id=b.id, reason=" ", now=clock.now())
    assert exc.value.code == "reason_required"
    db.call(hours.staff_reject, staff_id=staff.id, entry_id=b.id, reason="nieobecna",
            now=clock.now())
    fixed = db.call(hours.staff_correct, staff_id=staff.id, entry_id=a.id, hours=D(5),
                    reason="lista obecności", limits=LIMITS, now=clock.now())
    assert fixed.entry.status == HourStatus.confirmed and fixed.entry.confirmed_by == staff.id
    # After a rejection the day is free again: the person may log it anew.
    assert log(db, anna, "2", TODAY - timedelta(days=1), clock).previous is None
    assert db.call(hours.confirm, staff_id=staff.id, now=clock.now(), up_to=TODAY) == [b.id + 1]
    assert db.call(hours.confirm, staff_id=staff.id, now=clock.now(), up_to=TODAY) == []
    with db.session() as s:
        actions = [(a.actor, a.action) for a in s.exec(select(AuditLog)).all()
                   if a.action.startswith("hours_")]
    assert (f"staff:{staff.id}", "hours_reject") in actions
    assert (f"staff:{staff.id}", "hours_staff_correct") in actions
    assert actions[-1] == (f"staff:{staff.id}", "hours_confirm")


def test_daily_summary_groups_by_site_and_finds_idle_and_near(db: Database,
                                                              clock: ManualClock) -> None:
    anna, bob = person(db, "1"), person(db, "2", site="Żłobek", first="Bob")
    person(db, "3", first="Cezary")  # logged nothing this week
    person(db, "4", site=None, first="Dorota")  # not in PSU: never listed
    person(db, "5", first="Ewa", referred=TODAY + timedelta(days=3))  # not yet in the club
    log(db, anna, "8", TODAY - timedelta(days=3), clock, today=TODAY)  # previous week (Friday)
    log(db, anna, "4", clock=clock)
    log(db, bob, "8", clock=clock)
    summary = db.call(daily_summary, day=TODAY, limits=LIMITS)
    assert [(s.site, [(line.number, line.hours) for line in s.lines]) for s in summary.sites] == [
        ("Biblioteka", [("1", D(4))]), ("Żłobek", [("2", D(8))])]
    assert summary.idle == [("3", "Cezary Nowak")]
    assert [(n.number, n.left.week) for n in summary.near] == [("2", D(2))]
    assert summary.pending_count == 3 and summary.pending[0].number == "1"


def test_settlement_across_the_june_2021_rate_change(db: Database, clock: ManualClock) -> None:
    for day, amount in ((date(2021, 1, 1), "8.70"), (date(2021, 6, 1), "9.00")):
        db.call(rates.set_rate, kind="psu", amount=D(amount), valid_from=day, actor="cli",
                now=clock.now())
    anna, bob = person(db, "1"), person(db, "2", site="Żłobek", first="Bob")
    entries = [(anna, date(2021, 5, 27), "6"), (anna, date(2021, 5, 28), "4"), (anna, date(2021, 6, 1), "8"),
               (anna, date(2021, 6, 2), "1.5"), (bob, date(2021, 6, 30), "7.5"),
               (bob, date(2021, 7, 1), "2")]
    for who, day, h in entries:
        db.call(hours.staff_add, staff_id=None, participant_id=who.id, work_date=day,
                hours=D(h), reason=None, today=date(2021, 7, 31), limits=LIMITS, now=clock.now())
    log(db, bob, "0.5", date(2021, 6, 29), clock, today=date(2021, 6, 30))  # unconfirmed
    may = db.call(settlement, month=date(2021, 5, 10), places=35)
    assert [(r.number, r.hours, r.amount) for r in may.rows] == [("1", D(10), D("87.00"))]
    june = db.call(settlement, month=date(2021, 6, 1), places=35)
    assert [(r.number, r.site, r.hours, r.rates, r.amount) for r in june.rows] == [
        ("1", "Biblioteka", D("9.5"), [D("9.00")], D("85.50")),
        ("2", "Żłobek", D("7.5"), [D("9.00")], D("67.50"))]
    assert (june.people, june.total_hours, june.total_amount) == (2, D(17), D("153.00"))
    assert june.unconfirmed_hours == D("0.5") and june.places == 35 and not june.unpriced
    # A settlement period spanning the change: May-June hours at their own rates.
    with db.session() as s:
        s.add(HourEntry(participant_id=anna.id, work_site_id=None, work_date=date(2021, 5, 31),
                        hours=D(2), status=HourStatus.confirmed, source=Source.imported))
    may = db.call(settlement, month=date(2021, 5, 1), places=35)
    assert may.rows[0].amount == D("104.40") and may.rates[0].amount == D("8.70")


def test_one_live_entry_per_day_is_enforced_by_the_database(db: Database) -> None:
    anna = person(db, "1")
    with pytest.raises(Exception), db.session() as s:  # noqa: B017 - IntegrityError per driver
        for _ in range(2):
            s.add(HourEntry(participant_id=anna.id, work_date=TODAY, hours=D(1)))
            s.flush()
