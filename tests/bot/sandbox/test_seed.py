"""The sandbox's demo data: calendar rules without a database, the seed on the test database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays
from sqlmodel import func, select

from bot.sandbox.seed import next_week, recent_working_days, seed, slot_starts
from storage import rates
from storage.clock import ManualClock
from storage.db import Database
from storage.models import HourEntry, HourStatus, Participant, Slot, Staff, WorkSite
from storage.settings import load_settings

WARSAW = ZoneInfo("Europe/Warsaw")
SETTINGS = load_settings(None)
DAYS_OFF = holidays.Poland(years=range(2025, 2028))


def test_next_week_is_monday_to_friday_without_holidays() -> None:
    assert next_week(date(2026, 12, 7), DAYS_OFF) == [date(2026, 12, d) for d in (14, 15, 16, 17, 18)]
    assert next_week(date(2026, 12, 13), DAYS_OFF) == [date(2026, 12, d) for d in (14, 15, 16, 17, 18)]
    # Christmas week: 24, 25 December are holidays (24th since 2025).
    assert next_week(date(2026, 12, 17), DAYS_OFF) == [date(2026, 12, d) for d in (21, 22, 23)]


def test_recent_working_days_skip_weekends_and_holidays() -> None:
    assert recent_working_days(date(2026, 11, 12), 7, DAYS_OFF) == [
        date(2026, 11, 5), date(2026, 11, 6), date(2026, 11, 9), date(2026, 11, 10)]
    # (11 November is a holiday; today does not count)


def test_slot_starts_are_warsaw_mornings() -> None:
    starts = slot_starts([date(2026, 12, 14)], WARSAW)
    assert [s.astimezone(UTC).hour for s in starts] == [8, 9, 10, 11]  # 9:00-12:00 CET


def test_the_seed_fills_the_demo_club(db: Database, clock: ManualClock) -> None:
    seeded = seed(db, clock.now(), SETTINGS)
    assert len(seeded.staff) == 3 and len(seeded.participants) == 13
    with db.session() as s:
        assert s.exec(select(func.count()).select_from(WorkSite)).one() == 22
        sms_only = s.exec(select(Participant).where(Participant.telegram_user_id.is_(None))).all()
        assert len(sms_only) == 6 and all(p.phone for p in sms_only)
        # One demo participant reads Ukrainian (SMS only: her SMS go in Cyrillic).
        assert [(p.number, p.language) for p in s.exec(select(Participant))
                if p.language != "pl"] == [("13", "uk")]
        slots = s.exec(select(Slot).order_by(Slot.starts_at)).all()
        staff = {m.id: m for m in s.exec(select(Staff))}
        entries = s.exec(select(HourEntry)).all()
    # Monday 7 December 2026, 9:00: next week is 14-18 December, two people, four hours a day.
    assert len(slots) == 2 * 5 * 4
    assert {staff[slot.staff_id].name for slot in slots} == {"Monika Sowa", "Piotr Wrona"}
    assert slots[0].starts_at == datetime(2026, 12, 14, 9, tzinfo=WARSAW)
    # Logged in the 7-day window (30 Nov - 4 Dec): older ones confirmed by the coordinator.
    assert {e.work_date for e in entries} == {date(2026, 11, 30) + timedelta(days=n)
                                             for n in range(5)}
    assert {e.status for e in entries if e.work_date <= date(2026, 12, 2)} == {HourStatus.confirmed}
    assert {e.status for e in entries if e.work_date > date(2026, 12, 2)} == {HourStatus.submitted}
    assert {e.confirmed_by for e in entries if e.status == HourStatus.confirmed} == {
        next(m.id for m in staff.values() if m.name == "Jan Kos")}
    days = [(e.participant_id, e.work_date) for e in entries]
    assert len(days) == len(set(days))  # one entry per person and day
    psu = db.call(rates.rate_periods, kind="psu")
    assert rates.rate_on(date(2026, 12, 1), psu) == Decimal("9.00")


def test_seeded_hours_stay_within_the_weekly_limit(db: Database, clock: ManualClock) -> None:
    seed(db, clock.now(), SETTINGS)
    with db.session() as s:
        entries = s.exec(select(HourEntry)).all()
    weeks: dict[tuple[int, int], Decimal] = {}
    for e in entries:
        key = (e.participant_id, e.work_date.isocalendar().week)
        weeks[key] = weeks.get(key, Decimal(0)) + e.hours
    assert weeks and max(weeks.values()) <= Decimal(6)  # room left to try /godziny
