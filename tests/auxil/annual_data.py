"""A club year (2021) for the annual report, as the CSV files staff import, and a loader.

Every figure is computed by hand in tests/storage/test_annual.py. People (invented):
R1 left in 2020 (not counted in 2021); R2, R3 were referred in 2020 and leave in 2021; R4 is
referred in 2021 and leaves in 2022; R5 leaves without finishing; R6 leaves with no outcome
recorded; R7 leaves in December 2021 through Telegram or the CLI (not in the CSV); R8 comes
in 2022. Staff: the psychologist's etat drops from 1 to 0,5 on 1 July; the advisor works 40 h
a month on an umowa zlecenie from March; the coordinator's umowa o pracę ends on 1 October;
the social worker has no employment record; a psychologist who left in 2020 is not counted.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from storage import employment, grants, people, sites
from storage.consultations_import import import_consultations
from storage.db import Database
from storage.hours_import import import_hours
from storage.models import (
    EmploymentBasis,
    Participant,
    SignupStatus,
    Staff,
    Workshop,
    WorkshopSignup,
    WorkshopStatus,
)

WARSAW = ZoneInfo("Europe/Warsaw")
NOW = datetime(2022, 3, 2, 8, 0, tzinfo=UTC)  # imports happen in March 2022, as the report
SITES_CSV = "name\nUrząd Miasta\n"
PARTICIPANTS_CSV = """\
number,first_name,last_name,gender,phone,referred_on,work_site,group_code,left_on,outcome
R1,Ala,Testowa,K,,2020-03-01,,5,2020-12-15,umowa_o_prace
R2,Bea,Testowa,K,,01.06.2020,,pkt 5,10.02.2021,program_ukonczony
R3,Cezary,Testowy,M,,2020-09-01,,2,2021-06-30,UMOWA_O_PRACE
R4,Dora,Testowa,K,,2021-03-01,,4,2022-01-20,umowa_zlecenie
R5,Emil,Testowy,M,,2021-04-01,,1,2021-11-30,bez_ukonczenia
R6,Fela,Testowa,K,,2021-05-01,Urząd Miasta,,2021-10-31,
R7,Gniewko,Testowy,M,601000007,2021-06-01,Urząd Miasta,5,,
R8,Hela,Testowa,K,,2022-01-10,,5,,
"""
CONSULTATIONS_CSV = """participant,service,date,start,minutes,status
R2,psycholog,2021-01-15,10:00,60,attended
R3,psycholog,2021-02-01,10:00,90,attended
R4,psycholog,2021-03-10,10:00,60,no_show
R7,doradca,2021-07-01,09:00,60,attended
R7,doradca,2021-08-02,09:00,60,attended
R5,doradca,2020-12-31,23:30,60,attended
R4,psycholog,2022-01-01,00:30,60,attended
"""
# R5 on 31.12.2020 23:30 and R4 on 01.01.2022 00:30 (Warsaw) fall outside 2021.
HOURS_CSV = """participant,date,hours,work_site
R7,2021-06-07,4,Urząd Miasta
R7,2021-06-08,4,Urząd Miasta
R6,2021-06-07,"3,5",Urząd Miasta
"""
GRANTS = ((2021, "budżet gminy", "120000", "118500.50"), (2021, "fundusz testowy", "5000", "5000"),
          (2020, "budżet gminy", "100000", "100000"))


def write(tmp: Path, name: str, text: str) -> Path:
    """Write a CSV fixture file."""
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def add_staff(db: Database, *, social_worker_telegram: int | None = None,
              coordinator_telegram: int | None = None) -> dict[str, int]:
    """The five staff members and their employment records; returns their ids by role."""
    def add(name: str, role: str, telegram: int | None = None) -> int:
        return db.call(people.add_staff, name=name, roles=[role], telegram_user_id=telegram,
                       phone=None, actor="cli", now=NOW).id

    ids = {"psychologist": add("Psycholog Testowy", "psychologist"),
           "career_advisor": add("Doradca Testowy", "career_advisor"),
           "coordinator": add("Koordynator Testowy", "coordinator", coordinator_telegram),
           "social_worker": add("Pracownik Testowy", "social_worker", social_worker_telegram),
           "former": add("Były Psycholog", "psychologist")}
    uop, zlecenie, end = (EmploymentBasis.umowa_o_prace, EmploymentBasis.umowa_zlecenie,
                          EmploymentBasis.koniec)
    for who, since, basis, fte, hours in (
            ("psychologist", date(2021, 1, 1), uop, "1", None),
            ("psychologist", date(2021, 7, 1), uop, "0.5", None),
            ("career_advisor", date(2021, 3, 1), zlecenie, None, "40"),
            ("coordinator", date(2020, 1, 1), uop, "1", None),
            ("coordinator", date(2021, 10, 1), end, None, None),
            ("former", date(2019, 1, 1), uop, "1", None),
            ("former", date(2020, 12, 31), end, None, None)):
        db.call(employment.set_employment, staff_id=ids[who], valid_from=since, basis=basis,
                fte=Decimal(fte) if fte else None, monthly_hours=Decimal(hours) if hours else None,
                actor="cli", now=NOW)
    with db.session() as session:
        session.get(Staff, ids["former"]).active = False  # type: ignore[union-attr]
    return ids


def add_workshops(*, session: Session) -> None:
    """What the bot records: one held workshop (R4, R5 came, R6 did not), one cancelled."""
    ids = {p.number: p.id for p in session.exec(select(Participant))}
    for start, hours, status, signups in (
            (datetime(2021, 5, 5, 10, 0), "3", WorkshopStatus.held,
             {"R4": SignupStatus.attended, "R5": SignupStatus.attended,
              "R6": SignupStatus.absent}),
            (datetime(2021, 6, 1, 10, 0), "2", WorkshopStatus.cancelled,
             {"R7": SignupStatus.going})):
        workshop = Workshop(title="Warsztaty", place="Klub", hours=Decimal(hours), status=status,
                            starts_at=start.replace(tzinfo=WARSAW).astimezone(UTC), created_at=NOW)
        session.add(workshop)
        session.flush()
        for number, answer in signups.items():
            session.add(WorkshopSignup(workshop_id=workshop.id, participant_id=ids[number],
                                       status=answer, created_at=NOW))


def load_year(db: Database, tmp: Path, **staff_telegram: int) -> dict[str, int]:
    """Sites, participants (with exits), consultations, hours, workshops, staff and grants."""
    db.call(sites.import_sites, path=write(tmp, "sites.csv", SITES_CSV))
    db.call(people.import_participants, path=write(tmp, "people.csv", PARTICIPANTS_CSV),
            actor="cli", now=NOW)
    db.call(import_consultations, path=write(tmp, "consultations.csv", CONSULTATIONS_CSV),
            tz=WARSAW, actor="cli", now=NOW)
    db.call(import_hours, path=write(tmp, "hours.csv", HOURS_CSV), day_limit=Decimal(8),
            actor="cli", now=NOW)
    db.call(add_workshops)
    for year, source, granted, spent in GRANTS:
        db.call(grants.add_grant, year=year, source=source, granted=Decimal(granted),
                spent=Decimal(spent), actor="cli", now=NOW)
    return add_staff(db, **staff_telegram)
