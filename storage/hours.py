"""PSU hours: logging within limits, corrections, staff confirmation (one live entry per day).

Logging hours again for a day that already has an unconfirmed entry REPLACES that entry's
hours (the result says what it was); a confirmed day can only be changed by staff.
Limits count submitted + confirmed entries; rejected entries stay for the record only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import and_, case, func, or_, update
from sqlmodel import Session, col, select

from storage import audit
from storage import hours_statements as statements
from storage.db import short
from storage.errors import DomainError, NotFound
from storage.hours_rules import (
    Limits,
    Used,
    breach,
    in_half_hour_steps,
    month_bounds,
    week_bounds,
    window_problem,
)
from storage.locks import lock, lock_columns
from storage.models import HourEntry, HourStatus, Participant, Source

PARTICIPANTS = Participant.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Logged:
    """An entry after logging; previous: the hours it replaced (None: a new entry)."""

    entry: HourEntry
    previous: Decimal | None = None
    used: Used | None = None  # the day's, week's and month's hours after the change


def _logged(session: Session, entry: HourEntry, before: Used,
            previous: Decimal | None = None) -> Logged:
    """The outcome with what is now used around the entry's day: `before` (what `_fit` found
    without the entry, under the person's lock) plus the entry's hours, no second query."""
    session.flush()
    return Logged(entry, previous, before.plus(entry.hours))


def check_hours(hours: Decimal) -> Decimal:
    """A positive multiple of half an hour (buttons may be forged); DomainError otherwise."""
    if not in_half_hour_steps(hours):
        raise DomainError("hours_invalid")
    return hours.quantize(Decimal("0.1"))


def _participant(session: Session, participant_id: int) -> Participant:
    """The participant, locked for the rest of the transaction (one writer per person)."""
    found = lock(session, Participant, participant_id)
    if found is None:
        raise NotFound("participant_not_found", number=participant_id)
    return found


def used(*, session: Session, participant_id: int, day: date) -> Used:
    """Counted hours on day, in its ISO week and its month (one aggregate query)."""
    (monday, sunday), (first, last) = week_bounds(day), month_bounds(day)
    hours, when = HourEntry.hours, HourEntry.work_date

    def total(condition: object) -> object:
        return func.coalesce(func.sum(case((condition, hours), else_=0)), 0)  # type: ignore[arg-type]

    row = session.exec(select(
        total(when == day), total(when.between(monday, sunday)), total(when.between(first, last)))
        .where(HourEntry.participant_id == participant_id, HourEntry.status != HourStatus.rejected,
               when.between(min(monday, first), max(sunday, last)))).one()
    return Used(*(Decimal(v) for v in row))


def live_entry(*, session: Session, participant_id: int, day: date) -> HourEntry | None:
    """The day's submitted or confirmed entry."""
    return session.exec(select(HourEntry).where(
        HourEntry.participant_id == participant_id, HourEntry.work_date == day,
        HourEntry.status != HourStatus.rejected)).first()


def _live_locked(session: Session, participant_id: int, day: date) -> HourEntry | None:
    """The day's live entry, locked and read again (a confirmation may just have changed it)."""
    found = live_entry(session=session, participant_id=participant_id, day=day)
    if found is None:
        return None
    entry = lock(session, HourEntry, found.id)
    return entry if entry is not None and entry.status != HourStatus.rejected else None


def _fit(session: Session, entry: HourEntry | None, participant_id: int, day: date,
         hours: Decimal, limits: Limits) -> Used:
    """Raise hours_limit if hours (replacing entry, if any) exceed a limit; else what is used
    around the day without the entry."""
    current = used(session=session, participant_id=participant_id, day=day)
    if entry is not None:
        current = current.without(entry.hours)
    if (over := breach(limits, current, hours)) is not None:
        raise DomainError("hours_limit", kind=over.kind, limit=over.limit, left=over.left)
    return current


@short
def log_hours(*, session: Session, participant_id: int, work_date: date, hours: Decimal,
              today: date, limits: Limits, backdate_days: int, now: datetime,
              source: Source = Source.telegram) -> Logged:
    """A participant logs hours for a day in the window, at their site, within the limits.

    The hot path (bench/RESULTS.md, issue 21): the person's lock reads their site, one query
    reads the day's entry and what is used around it, one statement writes the entry."""
    hours = check_hours(hours)
    person = lock_columns(session, PARTICIPANTS, participant_id, "work_site_id")
    if person is None:
        raise NotFound("participant_not_found", number=participant_id)
    if person.work_site_id is None:
        raise DomainError("not_in_psu")
    if problem := window_problem(work_date, today, backdate_days):
        raise DomainError(f"hours_{problem}", days=backdate_days)
    current, day_entry = statements.around(session, participant_id, work_date)
    if day_entry is not None and day_entry.status == HourStatus.confirmed:
        raise DomainError("hours_confirmed", day=work_date)
    if day_entry is not None:
        current = current.without(day_entry.hours)
    if (over := breach(limits, current, hours)) is not None:
        raise DomainError("hours_limit", kind=over.kind, limit=over.limit, left=over.left)
    actor = f"participant:{participant_id}"
    if day_entry is None:
        entry = statements.insert_entry(session, participant_id=participant_id,
                                        work_site_id=person.work_site_id, work_date=work_date,
                                        hours=hours, source=source, now=now)
        audit.record(session=session, at=now, actor=actor, action="hours_log",
                     target=f"hour_entry:{entry.id}", day=work_date, hours=hours)
        return Logged(entry, None, current.plus(hours))
    entry = statements.replace_hours(session, day_entry.id, hours, now)
    if entry is None:  # staff confirmed it while we decided
        raise DomainError("hours_confirmed", day=work_date)
    audit.record(session=session, at=now, actor=actor, action="hours_replace",
                 target=f"hour_entry:{entry.id}", day=work_date, hours=hours,
                 previous=day_entry.hours)
    return Logged(entry, day_entry.hours, current.plus(hours))


def _own_open_entry(session: Session, participant_id: int, entry_id: int) -> HourEntry:
    """The participant's own entry, still unconfirmed (locked: a confirmation waits for us,
    or we wait for it and then find the entry confirmed)."""
    _participant(session, participant_id)
    entry = lock(session, HourEntry, entry_id)
    if entry is None or entry.participant_id != participant_id or entry.status == HourStatus.rejected:
        raise NotFound("hours_entry_not_found")
    if entry.status == HourStatus.confirmed:
        raise DomainError("hours_confirmed", day=entry.work_date)
    return entry


@short
def open_entry(*, session: Session, participant_id: int, entry_id: int) -> HourEntry:
    """The participant's own unconfirmed entry (NotFound / hours_confirmed otherwise)."""
    return _own_open_entry(session, participant_id, entry_id)


@short
def correct(*, session: Session, participant_id: int, entry_id: int, hours: Decimal,
            limits: Limits, now: datetime) -> Logged:
    """A participant changes the hours of their own unconfirmed entry."""
    hours = check_hours(hours)
    entry = _own_open_entry(session, participant_id, entry_id)
    before = _fit(session, entry, participant_id, entry.work_date, hours, limits)
    previous, entry.hours, entry.updated_at = entry.hours, hours, now
    audit.record(session=session, at=now, actor=f"participant:{participant_id}",
                 action="hours_correct", target=f"hour_entry:{entry.id}", hours=hours,
                 previous=previous)
    return _logged(session, entry, before, previous)


@short
def delete(*, session: Session, participant_id: int, entry_id: int, now: datetime) -> HourEntry:
    """A participant removes their own unconfirmed entry."""
    entry = _own_open_entry(session, participant_id, entry_id)
    audit.record(session=session, at=now, actor=f"participant:{participant_id}",
                 action="hours_delete", target=f"hour_entry:{entry.id}", day=entry.work_date,
                 hours=entry.hours)
    session.delete(entry)
    return entry


def entries(*, session: Session, participant_id: int, since: date, until: date) -> list[HourEntry]:
    """A participant's entries in [since, until], oldest first (rejected ones too)."""
    return list(session.exec(select(HourEntry).where(
        HourEntry.participant_id == participant_id, HourEntry.work_date >= since,
        HourEntry.work_date <= until).order_by(HourEntry.work_date, col(HourEntry.id))))


def staff_add(*, session: Session, staff_id: int, participant_id: int, work_date: date,
              hours: Decimal, reason: str | None, today: date, limits: Limits,
              now: datetime) -> Logged:
    """Staff record (or overwrite) a day's hours for a participant, confirmed at once."""
    hours = check_hours(hours)
    person = _participant(session, participant_id)
    if work_date > today:
        raise DomainError("hours_future", days=0)
    entry = _live_locked(session, participant_id, work_date)
    before = _fit(session, entry, participant_id, work_date, hours, limits)
    previous = entry.hours if entry is not None else None
    if entry is None:
        entry = HourEntry(participant_id=participant_id, work_site_id=person.work_site_id,
                          work_date=work_date, hours=hours, source=Source.staff, created_at=now)
        session.add(entry)
    _confirm(entry, staff_id, now, hours=hours, reason=reason)
    session.flush()
    audit.record(session=session, at=now, actor=f"staff:{staff_id}", action="hours_staff_add",
                 target=f"hour_entry:{entry.id}", day=work_date, hours=hours, previous=previous,
                 reason=reason)
    return _logged(session, entry, before, previous)


def _confirm(entry: HourEntry, staff_id: int, now: datetime, *, hours: Decimal,
             reason: str | None) -> None:
    entry.hours, entry.status, entry.reason = hours, HourStatus.confirmed, reason
    entry.confirmed_by, entry.confirmed_at, entry.updated_at = staff_id, now, now


def _any_entry(session: Session, entry_id: int) -> HourEntry:
    """An entry read after its person's lock and its own (what it is now, not before)."""
    owner = session.exec(select(HourEntry.participant_id).where(HourEntry.id == entry_id)).first()
    if owner is None:
        raise NotFound("hours_entry_not_found")
    _participant(session, owner)
    entry = lock(session, HourEntry, entry_id)
    if entry is None:
        raise NotFound("hours_entry_not_found")
    return entry


def staff_reject(*, session: Session, staff_id: int, entry_id: int, reason: str,
                 now: datetime) -> HourEntry:
    """Staff reject an entry with a reason; it stops counting towards limits and pay."""
    if not reason.strip():
        raise DomainError("reason_required")
    entry = _any_entry(session, entry_id)
    if entry.status == HourStatus.rejected:
        raise DomainError("hours_rejected")
    entry.status, entry.reason, entry.updated_at = HourStatus.rejected, reason.strip(), now
    entry.confirmed_by, entry.confirmed_at = staff_id, now
    audit.record(session=session, at=now, actor=f"staff:{staff_id}", action="hours_reject",
                 target=f"hour_entry:{entry.id}", hours=entry.hours, reason=reason)
    return entry


def confirm(*, session: Session, staff_id: int, now: datetime, up_to: date,
            entry_ids: list[int] | None = None, seen: dict[int, Decimal] | None = None,
            shown_at: datetime | None = None) -> list[int]:
    """Confirm the given submitted entries (None: all submitted up to a day); their ids.

    What staff saw is what they confirm: `seen` gives entries' hours as shown, `shown_at`
    the moment a list was shown; an entry changed since (a correction) stays submitted.
    """
    query = update(HourEntry).where(col(HourEntry.status) == HourStatus.submitted,
                                    col(HourEntry.work_date) <= up_to)
    if entry_ids is not None:
        query = query.where(col(HourEntry.id).in_(entry_ids))
    if seen:
        query = query.where(or_(*(and_(col(HourEntry.id) == i, col(HourEntry.hours) == h)
                                  for i, h in seen.items())))
    if shown_at is not None:
        query = query.where(col(HourEntry.updated_at) <= shown_at)
    done = [row[0] for row in session.execute(
        query.values(status=HourStatus.confirmed, confirmed_by=staff_id, confirmed_at=now, updated_at=now)
        .returning(HourEntry.id))]
    audit.record_each(session=session, at=now, actor=f"staff:{staff_id}", action="hours_confirm",
                      targets=[f"hour_entry:{entry_id}" for entry_id in sorted(done)])
    return sorted(done)
