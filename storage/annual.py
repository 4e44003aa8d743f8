"""The annual report for the voivode (art. 18a ust. 6 ustawy o zatrudnieniu socjalnym).

Four parts, as the statute lists them: (I) staff: how many, working time, basis of
employment; (II) participants by art. 1 ust. 2 group, with those who achieved reintegration
effects and, among them, those employed after leaving; (III) the activities carried out, with
their effects; (IV) the settlement of the year's grants. A figure the data cannot give is None
(the renderers say so instead of printing 0).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from storage.annual_activities import ActivityRow, GrantsPart, activities, grants_part
from storage.employment import EmploymentPeriod, periods_in
from storage.models import (
    EFFECT_OUTCOMES,
    EMPLOYMENT_OUTCOMES,
    EmploymentBasis,
    ExitOutcome,
    Participant,
    Staff,
)
from storage.periods import ByGender

UNKNOWN_GROUP = ""


@dataclass(frozen=True)
class StaffRow:
    """One employment period of one staff member within the year (no names: roles only)."""

    ordinal: int
    roles: str
    basis: EmploymentBasis
    fte: Decimal | None
    monthly_hours: Decimal | None
    since: date
    until: date


@dataclass(frozen=True)
class StaffPart:
    """Part I: staff employed in the year."""

    rows: list[StaffRow]
    people: int
    by_basis: dict[EmploymentBasis, int]
    fte_on_last_day: Decimal | None  # None: nobody employed by etat that day
    average_fte: Decimal | None  # etats averaged over the year's days; None: no etat at all
    unrecorded: int  # active staff without any employment record for the year


@dataclass(frozen=True)
class GroupRow:
    """Part II, one art. 1 ust. 2 group ('' when not recorded)."""

    code: str
    people: ByGender
    effects: ByGender
    employed: ByGender


@dataclass(frozen=True)
class ParticipantsPart:
    """Part II: participants in the club during the year."""

    groups: list[GroupRow]
    total: GroupRow
    started: ByGender
    finished: ByGender
    in_club_on_last_day: ByGender
    exits: dict[ExitOutcome | None, ByGender]  # None: left without a recorded outcome


@dataclass(frozen=True)
class AnnualReport:
    """The four parts for a calendar year."""

    year: int
    staff: StaffPart
    participants: ParticipantsPart
    activities: list[ActivityRow]
    grants: GrantsPart


def normalize_group(code: str | None) -> str:
    """'pkt 5', ' 5 ', '5)' → '5'; other codes as written (stripped); None → ''."""
    if code is None:
        return UNKNOWN_GROUP
    text = code.strip().lower().removeprefix("pkt").strip().rstrip(").")
    return text.strip()


def annual_report(*, session: Session, year: int, tz: ZoneInfo) -> AnnualReport:
    """The annual report for a calendar year."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    people = in_club(session, first, last)
    effect_ids = {p.id for p in people if left_with(p, first, last, EFFECT_OUTCOMES)}
    return AnnualReport(
        year=year, staff=staff_part(session, first, last),
        participants=participants_part(people, first, last),
        activities=activities(session=session, first=first, last=last, tz=tz,
                              genders=dict(session.exec(select(Participant.id, Participant.gender)).all()),
                              effect_ids=effect_ids),
        grants=grants_part(session=session, year=year))


def in_club(session: Session, first: date, last: date) -> list[Participant]:
    """Everyone in the club at some point of first..last."""
    return list(session.exec(select(Participant).where(
        Participant.referred_on <= last,
        col(Participant.left_on).is_(None) | (Participant.left_on >= first))))


def left_with(p: Participant, first: date, last: date,
              outcomes: frozenset[ExitOutcome]) -> bool:
    """Whether the person left within first..last with one of the outcomes."""
    return (p.left_on is not None and first <= p.left_on <= last
            and p.exit_outcome in outcomes)


def count(people: list[Participant]) -> ByGender:
    """Head count by gender."""
    return ByGender.of((p.gender, 1) for p in people)


def participants_part(people: list[Participant], first: date, last: date) -> ParticipantsPart:
    """Part II from the people in the club during the year."""
    by_group: dict[str, list[Participant]] = defaultdict(list)
    for p in people:
        by_group[normalize_group(p.group_code)].append(p)

    def row(code: str, members: list[Participant]) -> GroupRow:
        return GroupRow(code, count(members),
                        count([p for p in members if left_with(p, first, last, EFFECT_OUTCOMES)]),
                        count([p for p in members
                               if left_with(p, first, last, EMPLOYMENT_OUTCOMES)]))

    left = [p for p in people if p.left_on is not None and p.left_on <= last]
    exits: dict[ExitOutcome | None, ByGender] = {
        outcome: count([p for p in left if p.exit_outcome == outcome])
        for outcome in [*ExitOutcome, None]}
    return ParticipantsPart(
        groups=[row(code, by_group[code]) for code in sorted(by_group, key=_group_key)],
        total=row("", people),
        started=count([p for p in people if p.referred_on >= first]),
        finished=count(left),
        in_club_on_last_day=count([p for p in people if p.left_on is None or p.left_on > last]),
        exits=exits)


def _group_key(code: str) -> tuple[int, int, str]:
    if code == UNKNOWN_GROUP:
        return (2, 0, code)
    return (0, int(code), code) if code.isdigit() else (1, 0, code)


def staff_part(session: Session, first: date, last: date) -> StaffPart:
    """Part I: employment periods within the year, counts by basis, etats."""
    periods = periods_in(session=session, first=first, last=last)
    staff = {s.id: s for s in session.exec(select(Staff))}
    order = {sid: n for n, sid in enumerate(dict.fromkeys(p.staff_id for p in periods), start=1)}
    rows = [StaffRow(order[p.staff_id], staff[p.staff_id].roles, p.basis, p.fte,
                     p.monthly_hours, p.since, p.until) for p in periods]
    by_basis = {basis: len({p.staff_id for p in periods if p.basis == basis})
                for basis in EmploymentBasis if basis is not EmploymentBasis.koniec}
    on_last = [p.fte for p in periods if p.until == last and p.fte is not None]
    recorded = {p.staff_id for p in periods}
    unrecorded = sum(1 for s in staff.values() if s.active and s.id not in recorded)
    return StaffPart(rows=rows, people=len(order), by_basis=by_basis,
                     fte_on_last_day=sum(on_last, Decimal(0)) if on_last else None,
                     average_fte=average_fte(periods, first, last), unrecorded=unrecorded)


def average_fte(periods: list[EmploymentPeriod], first: date, last: date) -> Decimal | None:
    """Etats weighted by the days they held, over the year's days (0.01 etat)."""
    with_fte = [p for p in periods if p.fte is not None]
    if not with_fte:
        return None
    days = (last - first).days + 1
    total = sum((p.fte * p.days for p in with_fte), Decimal(0))  # type: ignore[operator]
    return (total / days).quantize(Decimal("0.01"), ROUND_HALF_UP)
