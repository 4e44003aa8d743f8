"""The period report as Polish text, in the shape of the club's half-year report."""

from __future__ import annotations

from handlers.texts import reports as t
from storage.models import BookingStatus
from storage.periods import half_year_label, unpriced_hours
from storage.reports import PeriodReport, PsuReport, ServiceReport
from storage.workshop_report import WorkshopReport


def period_text(report: PeriodReport) -> str:
    """The whole report: title, people, each consultation service, workshops, PSU."""
    half = half_year_label(report.date_from, report.date_to)
    where = t.in_period(report.date_from, report.date_to, half)
    sections = [
        f"{t.TITLE}\n{t.period_name(report.date_from, report.date_to, half)}",
        f"{t.PEOPLE_HEADER}\n{t.referred_sentence(where, report.referred)} "
        f"{t.active_sentence(report.active)}",
        *(service_section(s, where) for s in report.services),
        workshop_section(report.workshops),
        psu_section(report.psu),
    ]
    return "\n\n".join(sections) + "\n"


def service_section(s: ServiceReport, where: str) -> str:
    """One consultation service."""
    lines = [t.SERVICE_HEADERS[s.service],
             t.service_sentences(s.service, s.hours, s.sessions, s.people, s.rates, s.cost, where,
                                 s.parts)]
    if s.unpriced_hours:
        lines.append(t.missing_rate(s.unpriced_hours, s.parts))
    if skipped := t.not_counted(s.not_counted.get(BookingStatus.no_show, 0),
                                s.not_counted.get(BookingStatus.cancelled, 0),
                                s.not_counted.get(BookingStatus.booked, 0)):
        lines.append(skipped)
    return "\n".join(lines)


def workshop_section(w: WorkshopReport) -> str:
    """Workshops."""
    lines = [t.WORKSHOPS_HEADER, t.workshop_sentences(w.planned, w.planned_hours, w.held,
                                                      w.held_hours, w.cancelled, w.attendances,
                                                      w.people)]
    if w.held and w.rates:
        lines.append(t.workshop_cost(w.rates, w.cost, w.parts))
    return "\n".join(lines)


def psu_section(p: PsuReport) -> str:
    """Socially useful work, with the work sites."""
    lines = [t.PSU_HEADER, t.psu_sentences(p.places, p.people, p.hours, p.rates, p.cost, p.parts)]
    if unpriced := unpriced_hours(p.parts):
        lines.append(t.missing_rate(unpriced, p.parts))
    if p.sites:
        lines.append(t.SITES_HEADER)
        lines.extend(t.site_line(s.name, s.hours, s.people) for s in p.sites)
    if skipped := t.psu_not_counted(p.other_hours):
        lines.append(skipped)
    return "\n".join(lines)
