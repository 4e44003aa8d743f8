"""The period report against a hand-computed half-year (tests/auxil/report_data.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from storage.db import Database
from storage.models import BookingStatus, HourStatus
from storage.periods import ByGender, PricedPart, unpriced_hours
from storage.reports import PeriodReport, period_report
from tests.auxil.report_data import WARSAW, half_year_report, load_half_year


@pytest.fixture
def report(db: Database, tmp_path: Path) -> PeriodReport:
    return half_year_report(db, tmp_path)


def test_referred_in_the_period_only(report: PeriodReport) -> None:
    # P1, P2, P3 (on the last day) and P4; not P5 (2020), P6 (July) nor P7 (left in 2020).
    assert report.referred == ByGender(women=3, men=1)
    assert report.active == ByGender(women=3, men=2)


def test_psychologist_attended_only_priced_by_day_in_warsaw(report: PeriodReport) -> None:
    psych = report.services[0]
    assert psych.service == "psychologist"
    # 60 (P1, 1 Jan 00:30 Warsaw = 31 Dec UTC) + 90 (P2, 31 Mar) at 60 zł;
    # 60 (P4, 1 Apr 00:15 Warsaw = 31 Mar UTC) + 60 (P5, 30 Jun 23:30) + 45 (P1, 15 Jun) at 70 zł.
    assert psych.minutes == 315 and psych.hours == Decimal("5.25") and psych.sessions == 5
    assert psych.parts == [
        PricedPart(date(2021, 1, 1), date(2021, 3, 31), Decimal("2.5"), Decimal("60.00")),
        PricedPart(date(2021, 4, 1), date(2021, 6, 30), Decimal("2.75"), Decimal("70.00")),
    ]
    assert [p.cost for p in psych.parts] == [Decimal("150.00"), Decimal("192.50")]
    assert psych.cost == Decimal("342.50") and psych.unpriced_hours == 0
    assert psych.people == ByGender(women=2, men=2)  # P1, P2; P4, P5
    assert psych.not_counted == {BookingStatus.no_show: 1, BookingStatus.cancelled: 1,
                                 BookingStatus.booked: 0}
    assert psych.monthly_minutes == {date(2021, 1, 1): 60, date(2021, 3, 1): 90,
                                     date(2021, 4, 1): 60, date(2021, 6, 1): 105}


def test_career_advisor(report: PeriodReport) -> None:
    advisor = report.services[1]
    assert advisor.service == "career_advisor"
    assert advisor.hours == 4 and advisor.sessions == 3
    assert advisor.cost == Decimal("240.00")
    assert advisor.people == ByGender(women=1, men=1)  # P2; P4 twice
    assert advisor.not_counted == {BookingStatus.no_show: 1, BookingStatus.cancelled: 0,
                                   BookingStatus.booked: 0}


def test_workshops(report: PeriodReport) -> None:
    w = report.workshops
    # 5 Feb held (2 h), 5 Mar cancelled (2 h), 30 Jun 23:00 Warsaw held (3 h); not 1 Jul 00:30.
    assert (w.planned, w.planned_hours) == (3, Decimal(7))
    assert (w.held, w.held_hours, w.cancelled, w.cancelled_hours) == (2, Decimal(5), 1, Decimal(2))
    assert w.attendances == 4  # P1, P2; P1, P5 (P4 absent, P1 "going" to the cancelled one)
    assert w.people == ByGender(women=2, men=1)
    assert w.cost == Decimal("500.00")


def test_psu_confirmed_hours_rate_change_and_sites(report: PeriodReport) -> None:
    psu = report.psu
    assert psu.places == 35
    # P1 4+4+4, P2 5,5, P4 3, P5 2 (not 31 Dec nor 1 Jul, nor the submitted/rejected ones).
    assert psu.hours == Decimal("22.5")
    assert psu.people == ByGender(women=2, men=2)
    assert [(p.since, p.until, p.hours, p.rate, p.cost) for p in psu.parts] == [
        (date(2021, 1, 1), date(2021, 5, 31), Decimal("15.5"), Decimal("8.70"), Decimal("134.85")),
        (date(2021, 6, 1), date(2021, 6, 30), Decimal("7"), Decimal("9.00"), Decimal("63.00")),
    ]
    assert psu.cost == Decimal("197.85")
    assert [(s.name, s.hours, s.people) for s in psu.sites] == [
        ("Biblioteka Miejska", Decimal(12), 1), ("Żłobek nr 1", Decimal("10.5"), 3)]
    assert psu.other_hours == {HourStatus.submitted: Decimal(3), HourStatus.rejected: Decimal(2)}


def test_one_day_periods_follow_warsaw_midnight(db: Database, tmp_path: Path) -> None:
    load_half_year(db, tmp_path)
    new_year = db.call(period_report, date_from=date(2021, 1, 1), date_to=date(2021, 1, 1),
                       tz=WARSAW, psu_places=35)
    assert new_year.services[0].minutes == 60  # P1 at 00:30 Warsaw, 31 Dec in UTC
    june_30 = db.call(period_report, date_from=date(2021, 6, 30), date_to=date(2021, 6, 30),
                      tz=WARSAW, psu_places=35)
    assert june_30.services[0].minutes == 60  # P5 23:30; not P3's 1 Jul 00:30 (30 Jun UTC)
    assert june_30.referred == ByGender(women=1, men=0)


def test_missing_rate_is_shown_not_guessed(db: Database, tmp_path: Path) -> None:
    load_half_year(db, tmp_path)
    # No PSU rate before 2021: the 2020 part of a longer period has hours but no rate.
    report = db.call(period_report, date_from=date(2020, 12, 1), date_to=date(2021, 2, 28),
                     tz=WARSAW, psu_places=35)
    psych = report.services[0]
    assert psych.minutes == 120  # P5 31 Dec 23:30 and P1 1 Jan 00:30
    assert psych.unpriced_hours == 0 and psych.cost == Decimal("120.00")
    psu = report.psu
    assert unpriced_hours(psu.parts) == 4  # P5 on 31 Dec 2020, before the first PSU rate
    assert [(p.rate, p.hours) for p in psu.parts] == [(None, Decimal(4)), (Decimal("8.70"), Decimal(6))]
    assert psu.cost == Decimal("52.20")
