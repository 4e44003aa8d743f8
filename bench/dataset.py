"""A synthetic year of all Polish clubs together: participants, consultations, PSU hours, workshops."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

WARSAW = ZoneInfo("Europe/Warsaw")
CREATED = datetime(2020, 1, 1, tzinfo=UTC)
GROUP_WEIGHTS = {"1": 6, "2": 8, "3": 3, "4": 7, "5": 60, "6": 5, "7": 1, "8": 10}


@dataclass
class Dataset:
    """Rows as dicts keyed by column name, ready for executemany or COPY."""

    year: int
    tables: dict[str, list[dict]] = field(default_factory=dict)

    def count(self) -> dict[str, int]:
        """Rows per table."""
        return {name: len(rows) for name, rows in self.tables.items()}


def warsaw(day: date, hour: int, minute: int = 0) -> datetime:
    """A Warsaw wall-clock time as aware UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=WARSAW).astimezone(UTC)


def generate(participants: int, year: int, seed: int = 2021) -> Dataset:
    """People referred from July of the year before to December, staying 3-12 months."""
    rnd = random.Random(seed)
    data = Dataset(year)
    sites = [{"id": i, "name": f"Miejsce pracy {i}", "address": None, "active": True}
             for i in range(1, 23)]
    staff = [{"id": i, "name": f"Pracownik {i}", "roles": role, "active": True,
              "daily_summary": True, "created_at": CREATED}
             for i, role in enumerate(["psychologist"] * 6 + ["career_advisor"] * 4 + ["coordinator"], 1)]
    data.tables.update(work_sites=sites, staff=staff, rates=rates(year), participants=[],
                       bookings=[], hour_entries=[])
    start = date(year - 1, 7, 1)
    span = (date(year, 12, 31) - start).days
    for pid in range(1, participants + 1):
        referred = start + timedelta(days=rnd.randrange(span))
        stay = rnd.randint(90, 365)
        left = referred + timedelta(days=stay)
        site = rnd.randint(1, 22) if rnd.random() < 0.4 else None
        data.tables["participants"].append({
            "id": pid, "number": f"N{pid}", "first_name": "Imię", "last_name": f"Nazwisko{pid}",
            "gender": "K" if rnd.random() < 0.6 else "M", "referred_on": referred,
            "left_on": left if left < date(year + 1, 3, 1) else None, "work_site_id": site,
            "group_code": rnd.choices(list(GROUP_WEIGHTS), list(GROUP_WEIGHTS.values()))[0],
            "sms_opt_out": False, "reminders_opt_out": False, "blocked_bot": False,
            "created_at": CREATED})
        add_consultations(rnd, data, pid, referred, stay)
        if site:
            add_hours(rnd, data, pid, site, referred, stay)
    add_workshops(rnd, data, participants)
    return data


def rates(year: int) -> list[dict]:
    """Rates with a change in the middle of the year (PSU in June, psychologist in April)."""
    rows = [("psu", "8.70", date(year - 1, 1, 1)), ("psu", "9.00", date(year, 6, 1)),
            ("psychologist", "60", date(year - 1, 1, 1)), ("psychologist", "70", date(year, 4, 1)),
            ("career_advisor", "60", date(year - 1, 1, 1)), ("workshop", "100", date(year - 1, 1, 1))]
    return [{"id": i, "kind": k, "amount": Decimal(a), "valid_from": d}
            for i, (k, a, d) in enumerate(rows, 1)]


def add_consultations(rnd: random.Random, data: Dataset, pid: int, referred: date, stay: int) -> None:
    """0-6 psychologist and 0-4 career advisor appointments during the stay."""
    rows = data.tables["bookings"]
    for service, most, staff_ids in (("psychologist", 6, range(1, 7)),
                                     ("career_advisor", 4, range(7, 11))):
        for _ in range(rnd.randint(0, most)):
            day = referred + timedelta(days=rnd.randrange(stay))
            status = rnd.choices(["attended", "no_show", "cancelled"], [80, 10, 10])[0]
            rows.append({"id": len(rows) + 1, "participant_id": pid, "staff_id": rnd.choice(staff_ids),
                         "service": service, "starts_at": warsaw(day, rnd.randint(8, 16)),
                         "minutes": rnd.choice([60, 60, 60, 45, 90]), "mode": "phone",
                         "status": status, "source": "telegram", "created_at": CREATED})


def add_hours(rnd: random.Random, data: Dataset, pid: int, site: int, referred: date,
              stay: int) -> None:
    """Two PSU days a week of 3-5 hours, mostly confirmed."""
    rows = data.tables["hour_entries"]
    for week in range(stay // 7):
        for weekday in rnd.sample(range(5), 2):
            day = referred + timedelta(days=week * 7 + weekday)
            status = rnd.choices(["confirmed", "submitted", "rejected"], [95, 3, 2])[0]
            rows.append({"id": len(rows) + 1, "participant_id": pid, "work_site_id": site,
                         "work_date": day, "hours": Decimal(rnd.choice(["3", "4", "4", "5", "4.5"])),
                         "status": status, "source": "telegram", "created_at": CREATED,
                         "updated_at": CREATED})


def add_workshops(rnd: random.Random, data: Dataset, participants: int) -> None:
    """One workshop per 6 participants a year, about 10 sign-ups each."""
    workshops, signups = [], []
    first = date(data.year - 1, 7, 1)
    for wid in range(1, participants // 6 + 1):
        day = first + timedelta(days=rnd.randrange(548))
        status = rnd.choices(["held", "cancelled", "planned"], [85, 10, 5])[0]
        workshops.append({"id": wid, "title": "Warsztaty", "starts_at": warsaw(day, 10),
                          "place": "Klub", "capacity": 20, "hours": Decimal(rnd.choice([2, 3])),
                          "status": status, "created_at": CREATED})
        for pid in rnd.sample(range(1, participants + 1), 10):
            answer = rnd.choices(["attended", "absent", "going"], [70, 20, 10])[0]
            signups.append({"id": len(signups) + 1, "workshop_id": wid, "participant_id": pid,
                            "status": answer, "created_at": CREATED})
    data.tables.update(workshops=workshops, workshop_signups=signups)
