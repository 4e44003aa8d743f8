"""Group workshops: create, sign up within capacity (waiting list), attendance, hours for reports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select, update

from storage import audit, outbox
from storage.errors import DomainError, NotFound
from storage.models import (
    Broadcast,
    Delivery,
    Participant,
    SignupStatus,
    Workshop,
    WorkshopSignup,
    WorkshopStatus,
)

OPEN = (SignupStatus.going, SignupStatus.waiting)
MAX_CAPACITY = 500


def create(*, session: Session, title: str, starts_at: datetime, place: str, capacity: int,
           hours: Decimal, staff_id: int, now: datetime) -> Workshop:
    """A planned workshop; it must be in the future with a sane capacity."""
    if starts_at <= now:
        raise DomainError("workshop_in_past")
    if not 1 <= capacity <= MAX_CAPACITY:
        raise DomainError("bad_capacity", limit=MAX_CAPACITY)
    if not place.strip() or len(place) > 200 or len(title) > 200:
        raise DomainError("bad_place")
    workshop = Workshop(title=title.strip() or "Warsztat", starts_at=starts_at,
                        place=place.strip(), capacity=capacity, hours=hours, created_by=staff_id,
                        created_at=now)
    session.add(workshop)
    session.flush()
    audit.record(session=session, at=now, actor=f"staff:{staff_id}", action="workshop_create",
                 target=f"workshop:{workshop.id}", capacity=capacity, hours=hours)
    return workshop


def get(*, session: Session, workshop_id: int) -> Workshop:
    """A workshop by id."""
    found = session.get(Workshop, workshop_id)
    if found is None:
        raise NotFound("workshop_not_found")
    return found


@dataclass(frozen=True)
class WorkshopCounts:
    """A workshop with its sign-up counts."""

    workshop: Workshop
    going: int
    waiting: int
    declined: int
    attended: int


def listing(*, session: Session, now: datetime, past_days: int = 14) -> list[WorkshopCounts]:
    """Planned and recently held workshops, soonest first, with sign-up counts."""
    since = now - timedelta(days=past_days)
    found = list(session.exec(select(Workshop).where(
        Workshop.starts_at >= since, Workshop.status != WorkshopStatus.cancelled,
    ).order_by(Workshop.starts_at)))
    result = []
    for workshop in found:
        counts = Counter(session.exec(select(WorkshopSignup.status).where(
            WorkshopSignup.workshop_id == workshop.id)))
        result.append(WorkshopCounts(workshop, counts[SignupStatus.going], counts[SignupStatus.waiting],
                                     counts[SignupStatus.declined], counts[SignupStatus.attended]))
    return result


@dataclass(frozen=True)
class Answer:
    """What an answer to an invitation changed."""

    workshop: Workshop
    status: str
    position: int = 0
    promoted: int | None = None


def _lock(session: Session, workshop_id: int) -> Workshop:
    """Take the workshop's write lock (row lock on PostgreSQL, the write lock on SQLite)."""
    session.exec(update(Workshop).where(Workshop.id == workshop_id)  # type: ignore[call-overload]
                 .values(capacity=Workshop.capacity))
    return get(session=session, workshop_id=workshop_id)


def _queue(session: Session, workshop_id: int, status: str) -> list[WorkshopSignup]:
    return list(session.exec(select(WorkshopSignup).where(
        WorkshopSignup.workshop_id == workshop_id, WorkshopSignup.status == status)
        .order_by(WorkshopSignup.created_at, WorkshopSignup.id)))


def answer(*, session: Session, workshop_id: int, participant_id: int, yes: bool,
           now: datetime, promoted_text: str = "") -> Answer:
    """Będę / Nie będę: going within capacity, else waiting; a decline promotes the next."""
    workshop = _lock(session, workshop_id)
    if workshop.status != WorkshopStatus.planned or workshop.starts_at <= now:
        raise DomainError("workshop_closed")
    signup = session.exec(select(WorkshopSignup).where(
        WorkshopSignup.workshop_id == workshop_id,
        WorkshopSignup.participant_id == participant_id)).first()
    if signup is None:
        signup = WorkshopSignup(workshop_id=workshop_id, participant_id=participant_id,
                                status=SignupStatus.declined, created_at=now)
        session.add(signup)
    was = signup.status
    if not yes:
        signup.status = SignupStatus.declined
        session.flush()
        promoted = _promote(session, workshop, now, promoted_text) if was == SignupStatus.going else None
        return Answer(workshop, SignupStatus.declined, promoted=promoted)
    if was in OPEN:
        return Answer(workshop, was, _position(session, workshop_id, signup))
    signup.created_at = now  # a changed mind joins the end of the queue
    going = len(_queue(session, workshop_id, SignupStatus.going))
    signup.status = SignupStatus.going if going < workshop.capacity else SignupStatus.waiting
    session.flush()
    return Answer(workshop, signup.status, _position(session, workshop_id, signup))


def _position(session: Session, workshop_id: int, signup: WorkshopSignup) -> int:
    if signup.status != SignupStatus.waiting:
        return 0
    queue = [s.id for s in _queue(session, workshop_id, SignupStatus.waiting)]
    return queue.index(signup.id) + 1


def _promote(session: Session, workshop: Workshop, now: datetime, text: str) -> int | None:
    """Move the first waiting person to going and queue a message for them."""
    if len(_queue(session, workshop.id, SignupStatus.going)) >= workshop.capacity:  # type: ignore[arg-type]
        return None
    waiting = _queue(session, workshop.id, SignupStatus.waiting)  # type: ignore[arg-type]
    if not waiting:
        return None
    first = waiting[0]
    first.status = SignupStatus.going
    person = session.get(Participant, first.participant_id)
    if person is not None and text:
        outbox.enqueue(session=session, dedupe_key=f"workshop:{workshop.id}:promoted:{person.id}",
                       kind="notice", text=text, due_at=now, participant=person,
                       expires_at=workshop.starts_at)
    return first.participant_id


def open_invitation(*, session: Session, participant_id: int, now: datetime) -> Workshop | None:
    """The newest future workshop this person was invited to (for SMS TAK/NIE)."""
    return session.exec(select(Workshop).join(Broadcast, Broadcast.workshop_id == Workshop.id)
                        .join(Delivery, Delivery.broadcast_id == Broadcast.id)
                        .where(Delivery.participant_id == participant_id,
                               Delivery.status == "sent", Workshop.status == WorkshopStatus.planned,
                               Workshop.starts_at > now)
                        .order_by(col(Broadcast.id).desc())).first()


def answer_workshop(*, session: Session, participant: Participant, yes: bool, now: datetime,
                    promoted_text: str = "") -> Answer:
    """SMS TAK/NIE: answer the person's latest open workshop invitation."""
    workshop = open_invitation(session=session, participant_id=participant.id,  # type: ignore[arg-type]
                               now=now)
    if workshop is None:
        raise DomainError("no_open_invitation")
    return answer(session=session, workshop_id=workshop.id, participant_id=participant.id,  # type: ignore[arg-type]
                  yes=yes, now=now, promoted_text=promoted_text)


def people(*, session: Session, workshop_id: int) -> list[tuple[WorkshopSignup, Participant]]:
    """Sign-ups with their participants: going/attended first, then waiting, by time."""
    order = {SignupStatus.going: 0, SignupStatus.attended: 0, SignupStatus.absent: 1,
             SignupStatus.waiting: 2, SignupStatus.declined: 3}
    rows = session.exec(select(WorkshopSignup, Participant)
                        .join(Participant, Participant.id == WorkshopSignup.participant_id)
                        .where(WorkshopSignup.workshop_id == workshop_id)
                        .order_by(WorkshopSignup.created_at, WorkshopSignup.id)).all()
    return sorted(rows, key=lambda row: order.get(row[0].status, 9))


def toggle_attendance(*, session: Session, workshop_id: int, participant_id: int,
                      staff_id: int, now: datetime) -> str:
    """After the start: mark a signed-up person present, or absent again. The new status."""
    workshop = get(session=session, workshop_id=workshop_id)
    if workshop.starts_at > now:
        raise DomainError("workshop_not_started")
    signup = session.exec(select(WorkshopSignup).where(
        WorkshopSignup.workshop_id == workshop_id,
        WorkshopSignup.participant_id == participant_id)).first()
    if signup is None or signup.status in (SignupStatus.declined, SignupStatus.waiting):
        raise NotFound("signup_not_found")
    signup.status = (SignupStatus.absent if signup.status == SignupStatus.attended
                     else SignupStatus.attended)
    if workshop.status == WorkshopStatus.planned:
        workshop.status = WorkshopStatus.held
    audit.record(session=session, at=now, actor=f"staff:{staff_id}", action="workshop_attendance",
                 target=f"participant:{participant_id}", workshop=workshop_id,
                 status=signup.status)
    return signup.status


def hours_by_participant(*, session: Session, start: date, end: date,
                         tz: ZoneInfo) -> dict[int, Decimal]:
    """Workshop hours of attended, held workshops per participant, start..end inclusive."""
    since = datetime.combine(start, time(0), tzinfo=tz)
    until = datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz)
    rows = session.exec(select(WorkshopSignup.participant_id, Workshop.hours)
                        .join(Workshop, Workshop.id == WorkshopSignup.workshop_id)
                        .where(WorkshopSignup.status == SignupStatus.attended,
                               Workshop.status == WorkshopStatus.held, Workshop.starts_at >= since,
                               Workshop.starts_at < until))
    totals: dict[int, Decimal] = {}
    for participant_id, hours in rows:
        totals[participant_id] = totals.get(participant_id, Decimal(0)) + Decimal(hours)
    return totals


def held_in_period(*, session: Session, start: date, end: date,
                   tz: ZoneInfo) -> list[tuple[Workshop, int]]:
    """Held workshops start..end inclusive with how many attended (for the period report)."""
    since = datetime.combine(start, time(0), tzinfo=tz)
    until = datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz)
    held = session.exec(select(Workshop).where(Workshop.status == WorkshopStatus.held,
                                               Workshop.starts_at >= since,
                                               Workshop.starts_at < until)
                        .order_by(Workshop.starts_at)).all()
    return [(w, len(session.exec(select(WorkshopSignup.id).where(
        WorkshopSignup.workshop_id == w.id, WorkshopSignup.status == SignupStatus.attended)).all()))
        for w in held]
