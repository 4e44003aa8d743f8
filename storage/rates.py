"""Effective-dated hourly rates: each rate holds from its date until the next of its kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, select

from storage import audit
from storage.errors import DomainError
from storage.models import Rate, RateKind


@dataclass(frozen=True)
class RatePeriod:
    """A rate and the days it applies to (`until` exclusive, None: open-ended)."""

    amount: Decimal
    since: date
    until: date | None


def set_rate(*, session: Session, kind: str, amount: Decimal, valid_from: date,
             actor: str, now: datetime) -> Rate:
    """Set (or replace) the rate of a kind from a date."""
    if kind not in RateKind.__members__:
        raise DomainError("unknown_rate_kind", kind=kind, kinds=", ".join(RateKind))
    rate = session.exec(select(Rate).where(Rate.kind == kind, Rate.valid_from == valid_from)).first()
    if rate is None:
        rate = Rate(kind=kind, amount=amount, valid_from=valid_from)
        session.add(rate)
    else:
        rate.amount = amount
    audit.record(session=session, at=now, actor=actor, action="rate_set", target=kind,
                 amount=amount, valid_from=valid_from)
    session.flush()
    return rate


def list_rates(*, session: Session, kind: str | None = None) -> list[Rate]:
    """Rates by kind and date."""
    query = select(Rate).order_by(Rate.kind, Rate.valid_from)
    if kind:
        query = query.where(Rate.kind == kind)
    return list(session.exec(query))


def periods(rates: list[Rate]) -> list[RatePeriod]:
    """Turn one kind's rates (sorted by date) into consecutive periods."""
    out = []
    for i, rate in enumerate(rates):
        until = rates[i + 1].valid_from if i + 1 < len(rates) else None
        out.append(RatePeriod(rate.amount, rate.valid_from, until))
    return out


def rate_periods(*, session: Session, kind: str) -> list[RatePeriod]:
    """The periods of one kind of rate."""
    return periods(list_rates(session=session, kind=kind))


def rate_on(day: date, table: list[RatePeriod]) -> Decimal | None:
    """The rate valid on a day, or None before the first rate."""
    for period in reversed(table):
        if period.since <= day:
            return period.amount
    return None
