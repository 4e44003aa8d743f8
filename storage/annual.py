"""The annual report for the voivode: participants by art. 1 ust. 2 group, flows, staff hours."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import Booking, BookingStatus, Participant, Staff
from storage.periods import ByGender, local_midnight, minutes_to_hours
from storage.reports import PeriodReport, by_gender, period_report

UNKNOWN_GROUP = ""


@dataclass(frozen=True)
class GroupRow:
    """People in one art. 1 ust. 2 group ('' when not recorded)."""

    code: str
    people: ByGender


@dataclass(frozen=True)
class StaffRow:
    """One staff member's attended consultations in the year (name '' for unassigned ones)."""

    name: str
    roles: str
    minutes_by_service: dict[str, int]
    sessions: int

    @property
    def hours(self) -> Decimal:
        """All consultation hours of this person."""
        return minutes_to_hours(sum(self.minutes_by_service.values()))


@dataclass(frozen=True)
class AnnualReport:
    """The year's tables, with the period report for the whole year."""

    year: int
    groups: list[GroupRow]
    active: ByGender
    started: ByGender
    finished: ByGender
    staff: list[StaffRow]
    period: PeriodReport


def normalize_group(code: str | None) -> str:
    """'pkt 5', ' 5 ', '5)' → '5'; other codes as written (stripped); None → ''."""
    if code is None:
        return UNKNOWN_GROUP
    text = code.strip().lower().removeprefix("pkt").strip().rstrip(").")
    return text.strip()


def annual_report(*, session: Session, year: int, tz: ZoneInfo, psu_places: int) -> AnnualReport:
    """The annual report for a calendar year."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    in_club = (Participant.referred_on <= last,
               col(Participant.left_on).is_(None) | (Participant.left_on >= first))
    return AnnualReport(
        year=year, groups=groups(session, first, last), active=by_gender(
            session, select(Participant.gender, func.count()).where(*in_club)
            .group_by(Participant.gender)),
        started=by_gender(session, select(Participant.gender, func.count()).where(
            Participant.referred_on >= first, Participant.referred_on <= last)
            .group_by(Participant.gender)),
        finished=by_gender(session, select(Participant.gender, func.count()).where(
            Participant.left_on >= first, Participant.left_on <= last)
            .group_by(Participant.gender)),
        staff=staff_hours(session, local_midnight(first, tz), local_midnight(date(year + 1, 1, 1), tz)),
        period=period_report(session=session, date_from=first, date_to=last, tz=tz,
                             psu_places=psu_places))


def groups(session: Session, first: date, last: date) -> list[GroupRow]:
    """People in the club during the year by group code and gender (codes normalised)."""
    counts: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for code, gender, n in session.exec(
            select(Participant.group_code, Participant.gender, func.count()).where(
                Participant.referred_on <= last,
                col(Participant.left_on).is_(None) | (Participant.left_on >= first))
            .group_by(Participant.group_code, Participant.gender)):
        counts[normalize_group(code)].append((gender, n))
    return [GroupRow(code, ByGender.of(rows)) for code, rows in sorted(counts.items(), key=_group_key)]


def _group_key(item: tuple[str, object]) -> tuple[int, int, str]:
    code = item[0]
    if code == UNKNOWN_GROUP:
        return (2, 0, code)
    return (0, int(code), code) if code.isdigit() else (1, 0, code)


def staff_hours(session: Session, start: object, end: object) -> list[StaffRow]:
    """Every active staff member (and anyone with hours), attended minutes per service."""
    rows = session.exec(
        select(Booking.staff_id, Booking.service, func.sum(Booking.minutes), func.count())
        .where(Booking.status == BookingStatus.attended, Booking.starts_at >= start, Booking.starts_at < end)
        .group_by(Booking.staff_id, Booking.service)).all()
    ids = {r[0] for r in rows if r[0] is not None}
    staff = {s.id: s for s in session.exec(
        select(Staff).where(col(Staff.active) | col(Staff.id).in_(ids)))}
    minutes: dict[int | None, dict[str, int]] = {i: {} for i in staff}
    sessions: dict[int | None, int] = defaultdict(int)
    for staff_id, service, m, n in rows:
        minutes.setdefault(staff_id, {})[service] = int(m)
        sessions[staff_id] += int(n)
    out = [StaffRow(staff[i].name if i in staff else "", staff[i].roles if i in staff else "",
                    minutes[i], sessions[i]) for i in minutes]
    return sorted(out, key=lambda r: (r.name == "", r.name))
