"""Demo data for the sandbox: the club's sites, staff, 13 participants (one reads Ukrainian),
slots, hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
from sqlmodel import Session

from storage import hours, people, rates, sites
from storage.clock import local_date
from storage.db import Database
from storage.hours_rules import Limits
from storage.models import Participant, Role, Service, Slot, SlotMode, Staff
from storage.settings import Settings

SITES_CSV = Path(__file__).resolve().parent.parent / "data" / "work_sites_kedzierzyn_kozle.csv"
ACTOR = "cli"
SLOT_HOURS = (9, 10, 11, 12)  # 9:00-13:00 in one-hour consultations


@dataclass(frozen=True)
class DemoStaff:
    """A demo staff member."""

    name: str
    roles: tuple[Role, ...]
    telegram_user_id: int


@dataclass(frozen=True)
class DemoParticipant:
    """A demo participant; telegram_user_id None means SMS only."""

    number: str
    first_name: str
    last_name: str
    gender: str
    phone: str | None
    telegram_user_id: int | None
    work_site: str | None
    language: str = "pl"


STAFF = (
    DemoStaff("Monika Sowa", (Role.psychologist,), 900001),
    DemoStaff("Piotr Wrona", (Role.career_advisor,), 900002),
    DemoStaff("Jan Kos", (Role.coordinator, Role.social_worker), 900003),
)
CITY_HALL = "Urząd Miasta"
SPORTS = "Miejski Ośrodek Sportu i Rekreacji"
PARTICIPANTS = (
    DemoParticipant("1", "Anna", "Kowalska", "K", "+48500100201", 100001, CITY_HALL),
    DemoParticipant("2", "Jan", "Nowak", "M", "+48500100202", 100002,
                    SPORTS),
    DemoParticipant("3", "Maria", "Wiśniewska", "K", "+48500100203", 100003, None),
    DemoParticipant("4", "Tomasz", "Wójcik", "M", None, 100004, None),
    DemoParticipant("5", "Ewa", "Kamińska", "K", "+48500100205", 100005, CITY_HALL),
    DemoParticipant("6", "Krzysztof", "Lewandowski", "M", "+48500100206", 100006, None),
    DemoParticipant("7", "Agnieszka", "Zielińska", "K", "+48500100207", 100007, None),
    DemoParticipant("8", "Stanisław", "Szymański", "M", "+48500100208", None,
                    SPORTS),
    DemoParticipant("9", "Barbara", "Woźniak", "K", "+48500100209", None, CITY_HALL),
    DemoParticipant("10", "Zbigniew", "Dąbrowski", "M", "+48500100210", None, None),
    DemoParticipant("11", "Halina", "Kozłowska", "K", "+48500100211", None, None),
    DemoParticipant("12", "Marek", "Jankowski", "M", "+48500100212", None, CITY_HALL),
    # Reads Ukrainian (invented, like everyone here): her SMS come in Cyrillic (UCS-2), and a
    # coordinator's notice offers a Ukrainian version.
    DemoParticipant("13", "Solomiia", "Hnatiuk", "K", "+48500100213", None, None, "uk"),
)
RATES = (("psu", "9.00", date(2026, 1, 1)), ("psu", "8.70", date(2021, 1, 1)),
         ("psychologist", "60.00", date(2021, 1, 1)),
         ("career_advisor", "55.00", date(2021, 1, 1)), ("workshop", "40.00", date(2021, 1, 1)))
SERVICE_OF = {Role.psychologist: Service.psychologist, Role.career_advisor: Service.career_advisor}


@dataclass(frozen=True)
class Seeded:
    """What the seed created, for the web page's list of people."""

    staff: list[Staff]
    participants: list[Participant]


def next_week(today: date, days_off: holidays.HolidayBase) -> list[date]:
    """Next calendar week's working days (Monday-Friday without holidays)."""
    monday = today + timedelta(days=7 - today.weekday())
    return [d for d in (monday + timedelta(days=i) for i in range(5)) if d not in days_off]


def recent_working_days(today: date, back_days: int,
                        days_off: holidays.HolidayBase) -> list[date]:
    """Working days from `back_days` ago up to yesterday, oldest first."""
    days = (today - timedelta(days=n) for n in range(back_days, 0, -1))
    return [d for d in days if d.weekday() < 5 and d not in days_off]


def slot_starts(days: list[date], tz: ZoneInfo) -> list[datetime]:
    """Aware starts of the 9:00-13:00 consultation hours on each day."""
    return [datetime.combine(d, time(h), tzinfo=tz) for d in days for h in SLOT_HOURS]


def seed(db: Database, now: datetime, settings: Settings) -> Seeded:
    """Fill a fresh, migrated database with the demo club."""
    db.call(sites.import_sites, path=SITES_CSV)
    for kind, amount, since in RATES:
        db.call(rates.set_rate, kind=kind, amount=Decimal(amount), valid_from=since,
                actor=ACTOR, now=now)
    staff = [db.call(people.add_staff, name=s.name, roles=[r.value for r in s.roles],
                     telegram_user_id=s.telegram_user_id, phone=None, actor=ACTOR, now=now)
             for s in STAFF]
    participants = [_add_participant(db, p, now) for p in PARTICIPANTS]
    days_off = holidays.Poland(years=range(now.year - 1, now.year + 2))
    today = local_date(now, settings.tz)
    db.call(_add_slots, staff=staff, starts=slot_starts(next_week(today, days_off), settings.tz),
            now=now)
    days = recent_working_days(today, settings.hours_backdate_days, days_off)
    coordinator = next(m for m in staff if m.has_role(Role.coordinator))
    _add_hours(db, [p for p in participants if p.in_psu], days, today, now, settings)
    if len(days) > 2:  # the older entries confirmed by the coordinator, the newest waiting
        db.call(hours.confirm, staff_id=coordinator.id, now=now, up_to=days[-3])
    return Seeded(staff=staff, participants=participants)


def _add_participant(db: Database, demo: DemoParticipant, now: datetime) -> Participant:
    """Add one participant through the store and link the Telegram account if they have one."""
    new = people.NewParticipant(number=demo.number, first_name=demo.first_name,
                                last_name=demo.last_name, gender=demo.gender, phone=demo.phone,
                                referred_on=date(now.year, 1, 5) if now.month > 1
                                else date(now.year - 1, 9, 1),
                                work_site=demo.work_site, language=demo.language)
    added = db.call(people.add_participant, new=new, actor=ACTOR, now=now)
    if demo.telegram_user_id is None:
        return added
    with db.session() as session:
        row = session.get(Participant, added.id)
        assert row is not None
        row.telegram_user_id = demo.telegram_user_id
        return row


def _add_slots(*, session: Session, staff: list[Staff], starts: list[datetime],
               now: datetime) -> None:
    """Free one-hour phone consultations for the psychologist and the career advisor."""
    for member in staff:
        for role, service in SERVICE_OF.items():
            if member.has_role(role):
                session.add_all(Slot(staff_id=member.id, service=service.value, starts_at=start,
                                     minutes=60, mode=SlotMode.phone, created_at=now)
                                for start in starts)


def _add_hours(db: Database, workers: list[Participant], days: list[date], today: date,
               now: datetime, settings: Settings) -> None:
    """PSU hours logged by the participants themselves on every third working day.

    That leaves room under the weekly limit for whoever tries /godziny in the sandbox.
    """
    for index, person in enumerate(workers):
        for position, day in enumerate(days):
            if (position + index) % 3 == 0:
                db.call(hours.log_hours, participant_id=person.id, work_date=day,
                        hours=Decimal(3) if index % 2 else Decimal("2.5"), today=today,
                        limits=Limits.of(settings), backdate_days=settings.hours_backdate_days,
                        now=now)
