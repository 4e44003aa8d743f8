"""Staff employment, effective-dated: the basis and working time from a date until the next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from storage import audit
from storage.errors import DomainError, NotFound
from storage.models import EmploymentBasis, Staff, StaffEmployment

MAX_MONTHLY_HOURS = Decimal(300)


def parse_basis(value: str) -> EmploymentBasis:
    """A basis code as typed ('umowa_o_prace', 'umowa-zlecenie'); ValueError otherwise."""
    code = value.strip().lower().replace("-", "_")
    if code not in EmploymentBasis.__members__:
        raise ValueError(value)
    return EmploymentBasis(code)


def check_working_time(basis: EmploymentBasis, fte: Decimal | None,
                       monthly_hours: Decimal | None) -> tuple[Decimal | None, Decimal | None]:
    """The working time to store: an etat (0 < x ≤ 1) and/or hours a month; none when it ends."""
    if basis is EmploymentBasis.koniec:
        return None, None
    if fte is None and monthly_hours is None:
        raise DomainError("working_time_missing")
    if fte is not None and not Decimal(0) < fte <= Decimal(1):
        raise DomainError("bad_fte", value=fte)
    if monthly_hours is not None and not Decimal(0) < monthly_hours <= MAX_MONTHLY_HOURS:
        raise DomainError("bad_monthly_hours", value=monthly_hours, max=MAX_MONTHLY_HOURS)
    return fte, monthly_hours


def set_employment(*, session: Session, staff_id: int, valid_from: date, basis: EmploymentBasis,
                   fte: Decimal | None, monthly_hours: Decimal | None, actor: str,
                   now: datetime) -> StaffEmployment:
    """Set (or replace) a staff member's employment from a date."""
    if session.get(Staff, staff_id) is None:
        raise NotFound("staff_not_found", staff_id=staff_id)
    fte, monthly_hours = check_working_time(basis, fte, monthly_hours)
    row = session.exec(select(StaffEmployment).where(StaffEmployment.staff_id == staff_id,
                                                     StaffEmployment.valid_from == valid_from)
                       ).first()
    if row is None:
        row = StaffEmployment(staff_id=staff_id, valid_from=valid_from, basis=basis, created_at=now)
    row.basis, row.fte, row.monthly_hours = basis, fte, monthly_hours
    session.add(row)
    audit.record(session=session, at=now, actor=actor, action="staff_employment",
                 target=f"staff:{staff_id}", valid_from=valid_from, basis=basis,
                 fte=fte if fte is not None else "", monthly_hours=monthly_hours or "")
    session.flush()
    return row


@dataclass(frozen=True)
class EmploymentPeriod:
    """One employment record clipped to a span: days since..until inclusive."""

    staff_id: int
    basis: EmploymentBasis
    fte: Decimal | None
    monthly_hours: Decimal | None
    since: date
    until: date

    @property
    def days(self) -> int:
        """Days in the period."""
        return (self.until - self.since).days + 1


def periods_in(*, session: Session, first: date, last: date) -> list[EmploymentPeriod]:
    """Every staff member's employment periods overlapping first..last (ended ones left out)."""
    rows = session.exec(select(StaffEmployment).order_by(
        col(StaffEmployment.staff_id), col(StaffEmployment.valid_from))).all()
    out = []
    for i, row in enumerate(rows):
        following = rows[i + 1] if i + 1 < len(rows) else None
        end = (following.valid_from - timedelta(days=1)
               if following and following.staff_id == row.staff_id else last)
        since, until = max(row.valid_from, first), min(end, last)
        if row.basis is not EmploymentBasis.koniec and since <= until:
            out.append(EmploymentPeriod(row.staff_id, row.basis, row.fte, row.monthly_hours,
                                        since, until))
    return out


def current(*, session: Session, staff_id: int, on: date) -> StaffEmployment | None:
    """The record in force on a day."""
    return session.exec(select(StaffEmployment).where(
        StaffEmployment.staff_id == staff_id, StaffEmployment.valid_from <= on)
        .order_by(col(StaffEmployment.valid_from).desc())).first()
