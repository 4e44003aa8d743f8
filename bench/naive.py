"""The naive baseline: load the period's rows as ORM objects and add them up in Python."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from storage.models import Booking, HourEntry, Participant
from storage.periods import local_midnight
from storage.rates import rate_on, rate_periods
from storage.reports import PeriodReport


def naive_report(*, session: Session, date_from: date, date_to: date, tz: ZoneInfo) -> dict[str, Any]:
    """Referred people, consultation minutes/cost/people per service, PSU hours/cost/people/sites."""
    people = {p.id: p for p in session.exec(select(Participant))}
    referred = Counter(p.gender for p in people.values() if date_from <= p.referred_on <= date_to)
    start, end = local_midnight(date_from, tz), local_midnight(date_to + timedelta(days=1), tz)
    services: dict[str, Any] = {}
    for service in ("psychologist", "career_advisor"):
        table = rate_periods(session=session, kind=service)
        minutes, cost, who = 0, Decimal(0), set()
        for b in session.exec(select(Booking).where(Booking.service == service,
                                                    Booking.starts_at >= start, Booking.starts_at < end)):
            if b.status != "attended":
                continue
            minutes += b.minutes
            cost += Decimal(b.minutes) / 60 * rate_on(b.starts_at.astimezone(tz).date(), table)
            who.add(b.participant_id)
        services[service] = (minutes, cost.quantize(Decimal("0.01")),
                             Counter(people[i].gender for i in who))
    return {"referred": (referred["K"], referred["M"]), "services": services,
            "psu": naive_psu(session, people, date_from, date_to)}


def naive_psu(session: Session, people: dict, date_from: date, date_to: date) -> tuple:
    """Confirmed hours, cost at the day's rate, people by gender, hours per site."""
    table = rate_periods(session=session, kind="psu")
    hours, cost, who, sites = Decimal(0), Decimal(0), set(), defaultdict(Decimal)
    for e in session.exec(select(HourEntry).where(HourEntry.work_date >= date_from,
                                                  HourEntry.work_date <= date_to)):
        if e.status != "confirmed":
            continue
        hours += e.hours
        cost += e.hours * rate_on(e.work_date, table)
        who.add(e.participant_id)
        sites[e.work_site_id or people[e.participant_id].work_site_id] += e.hours
    return (hours, cost.quantize(Decimal("0.01")), Counter(people[i].gender for i in who),
            sorted(sites.values()))


def sql_figures(report: PeriodReport) -> dict[str, Any]:
    """The same figures taken from the SQL report, for comparison."""
    services = {s.service: (s.minutes, s.cost, Counter(K=s.people.women, M=s.people.men))
                for s in report.services}
    p = report.psu
    return {"referred": (report.referred.women, report.referred.men), "services": services,
            "psu": (p.hours, p.cost, Counter(K=p.people.women, M=p.people.men),
                    sorted(s.hours for s in p.sites))}
