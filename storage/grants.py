"""Grants (dotacje): source, amount granted and amount spent, per year."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, select

from storage import audit
from storage.errors import DomainError
from storage.models import Grant
from storage.parsing import strip_controls

MAX_AMOUNT = Decimal("99999999.99")


def add_grant(*, session: Session, year: int, source: str, granted: Decimal, spent: Decimal,
              actor: str, now: datetime) -> Grant:
    """Record a grant of a year; one row per year and source."""
    source = " ".join(strip_controls(source).split())  # one line in the report
    if not source:
        raise DomainError("empty", column="source")
    if len(source) > 200:
        raise DomainError("too_long", column="source", max=200)
    for value in (granted, spent):
        if not (value.is_finite() and Decimal(0) <= value <= MAX_AMOUNT
                and value.as_tuple().exponent >= -2):  # type: ignore[operator]
            raise DomainError("bad_amount", value=value)
    if spent > granted:
        raise DomainError("spent_over_granted", spent=spent, granted=granted)
    if session.exec(select(Grant).where(Grant.year == year, Grant.source == source)).first():
        raise DomainError("exists", column="source", value=f"{year} {source}")
    grant = Grant(year=year, source=source, granted=granted.quantize(Decimal("0.01")),
                  spent=spent.quantize(Decimal("0.01")), created_at=now)
    session.add(grant)
    session.flush()
    audit.record(session=session, at=now, actor=actor, action="grant_add",
                 target=f"grant:{grant.id}", year=year, granted=granted, spent=spent)
    return grant


def list_grants(*, session: Session, year: int | None = None) -> list[Grant]:
    """Grants by year and source."""
    query = select(Grant).order_by(Grant.year, Grant.source)
    if year is not None:
        query = query.where(Grant.year == year)
    return list(session.exec(query))
