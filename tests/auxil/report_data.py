"""A half-year of club data (H1 2021) as the CSV files staff would import, and a loader.

Every figure the report must show is computed by hand in tests/storage/test_reports.py.
Everything goes through the real CSV imports (`kisbot sites/participants/consultations/hours
import`), as staff would load it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from storage import people, rates, sites
from storage.consultations_import import import_consultations
from storage.db import Database
from storage.hours_import import import_hours
from storage.models import (
    Booking,
    BookingStatus,
    HourEntry,
    HourStatus,
    Participant,
    Service,
    SignupStatus,
    Workshop,
    WorkshopSignup,
    WorkshopStatus,
)
from storage.parsing import parse_date
from storage.reports import PeriodReport, period_report

WARSAW = ZoneInfo("Europe/Warsaw")
H1 = (date(2021, 1, 1), date(2021, 6, 30))
PSU_PLACES = 35
NOW = datetime(2021, 7, 5, 8, 0, tzinfo=UTC)

SITES_CSV = "name,address\nBiblioteka Miejska,ul. Długa 1\nŻłobek nr 1,ul. Krótka 2\n"

# P3 is referred on the period's last day; P5 and P7 earlier (P7 also left before it); P6 after.
PARTICIPANTS_CSV = """number,first_name,last_name,gender,phone,referred_on,work_site,group_code
P1,Anna,Nowak,K,601000001,2021-01-10,Biblioteka Miejska,5
P2,Beata,Kowal,K,601000002,01.02.2021,Żłobek nr 1,pkt 5
P3,Celina,Lis,K,,2021-06-30,,4
P4,Damian,Wróbel,M,601000004,2021-03-15,Biblioteka Miejska,1
P5,Edward,Sowa,M,601000005,2020-11-20,Żłobek nr 1,2
P6,Fiona,Kruk,K,601000006,2021-07-01,,5
P7,Gerard,Pawlak,M,601000007,2020-05-05,,
"""

# Times are Warsaw wall-clock times; the comments give the UTC instant where it matters.
CONSULTATIONS_CSV = """participant,service,date,start,minutes,status
P1,psycholog,2021-01-01,00:30,60,attended
P5,psychologist,2020-12-31,23:30,60,attended
P2,psychologist,2021-03-31,10:00,90,attended
P4,psychologist,2021-04-01,00:15,60,attended
P1,psychologist,2021-05-10,10:00,60,no_show
P5,psychologist,2021-06-30,23:30,60,attended
P3,psychologist,2021-07-01,00:30,60,attended
P1,psychologist,2021-06-15,12:00,45,
P4,doradca,2021-02-10,09:00,60,attended
P4,career_advisor,2021-02-17,09:00,60,attended
P2,career_advisor,2021-06-01,09:00,120,attended
P1,career_advisor,2021-03-03,09:00,60,no_show
"""
# P1 01.01 00:30 Warsaw = 2020-12-31 23:30 UTC: in the period.
# P5 31.12 23:30 Warsaw = 22:30 UTC: before it.
# P4 01.04 00:15 Warsaw (CEST) = 2021-03-31 22:15 UTC: in April, at April's rate.
# P3 01.07 00:30 Warsaw = 2021-06-30 22:30 UTC: after the period although its UTC date is in it.

HOURS_CSV = """participant,date,hours,work_site
P1,2021-01-04,4,
P1,2021-05-31,4,
P1,2021-06-01,4,
P2,2021-03-10,"5,5",Żłobek nr 1
P4,2021-06-30,3,Żłobek nr 1
P5,2020-12-31,4,
P5,2021-07-01,4,
P5,2021-02-15,2,
"""

SERVICE_NAMES = {"psycholog": "psychologist", "doradca": "career_advisor"}


def write(tmp: Path, name: str, text: str) -> Path:
    """Write a CSV fixture file."""
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def set_rates(db: Database) -> None:
    """Psychologist 60 → 70 from 1 April; advisor 60; PSU 8,70 → 9,00 from 1 June; workshop 100."""
    for kind, amount, since in (("psychologist", "60", "2020-01-01"),
                                ("psychologist", "70", "2021-04-01"),
                                ("career_advisor", "60", "2021-01-01"),
                                ("psu", "8.70", "2021-01-01"), ("psu", "9.00", "2021-06-01"),
                                ("workshop", "100", "2021-01-01")):
        db.call(rates.set_rate, kind=kind, amount=Decimal(amount), valid_from=parse_date(since),
                actor="cli", now=NOW)


def add_bot_records(*, session: Session) -> None:
    """What the bot itself records: a cancellation, unconfirmed hours, workshops."""
    ids = {p.number: p.id for p in session.exec(select(Participant))}
    session.add(Booking(participant_id=ids["P2"], service=Service.psychologist,
                        status=BookingStatus.cancelled,
                        starts_at=datetime(2021, 5, 11, 8, 0, tzinfo=UTC), created_at=NOW))
    for number, day, hours, status in (("P2", 10, "3", HourStatus.submitted),
                                       ("P4", 11, "2", HourStatus.rejected)):
        session.add(HourEntry(participant_id=ids[number], work_date=datetime(2021, 6, day).date(),
                              hours=Decimal(hours), status=status, created_at=NOW, updated_at=NOW))
    held, came = WorkshopStatus.held, SignupStatus.attended
    workshops = (  # (Warsaw start, hours, status, {participant: signup status})
        (datetime(2021, 2, 5, 10, 0), "2", held, {"P1": came, "P2": came,
                                                  "P4": SignupStatus.absent}),
        (datetime(2021, 3, 5, 10, 0), "2", WorkshopStatus.cancelled, {"P1": SignupStatus.going}),
        (datetime(2021, 6, 30, 23, 0), "3", held, {"P1": came, "P5": came}),
        (datetime(2021, 7, 1, 0, 30), "2", held, {"P3": came}),
    )
    for start, hours, status, signups in workshops:
        workshop = Workshop(title="Warsztaty", place="Klub", hours=Decimal(hours), status=status,
                            starts_at=start.replace(tzinfo=WARSAW).astimezone(UTC), created_at=NOW)
        session.add(workshop)
        session.flush()
        for number, answer in signups.items():
            session.add(WorkshopSignup(workshop_id=workshop.id, participant_id=ids[number],
                                       status=answer, created_at=NOW))


def load_half_year(db: Database, tmp: Path) -> None:
    """Sites, people, rates, consultations, hours and workshops of H1 2021 (plus neighbours)."""
    db.call(sites.import_sites, path=write(tmp, "sites.csv", SITES_CSV))
    db.call(people.import_participants, path=write(tmp, "people.csv", PARTICIPANTS_CSV),
            actor="cli", now=NOW)
    with db.session() as session:
        left = session.exec(select(Participant).where(Participant.number == "P7")).one()
        left.left_on = parse_date("2020-12-31")
        session.add(left)
    set_rates(db)
    db.call(import_consultations, path=write(tmp, "consultations.csv", CONSULTATIONS_CSV),
            tz=WARSAW, actor="cli", now=NOW)
    db.call(import_hours, path=write(tmp, "hours.csv", HOURS_CSV), day_limit=Decimal(8),
            actor="cli", now=NOW)
    db.call(add_bot_records)


def half_year_report(db: Database, tmp: Path) -> PeriodReport:
    """The half-year loaded, and its period report for H1 2021."""
    load_half_year(db, tmp)
    return db.call(period_report, date_from=H1[0], date_to=H1[1], tz=WARSAW, psu_places=PSU_PLACES)
