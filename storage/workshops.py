"""Group workshops: create, sign up within capacity (waiting list), attendance, hours for reports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from storage import audit, outbox
from storage.errors import DomainError, NotFound
from storage.locks import lock
from storage.models import (
    Broadcast,
    OutboxMessage,
    OutboxStatus,
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
    """The workshop, locked: places, answers and attendance change one at a time."""
    found = lock(session, Workshop, workshop_id)
    if found is None:
        raise NotFound("workshop_not_found")
    return found


INVITATION_REACHED = (OutboxStatus.sending, OutboxStatus.sent, OutboxStatus.delivered)


def invited(*, session: Session, workshop_id: int, participant_id: int) -> bool:
    """Whether an invitation to the workshop went (or is going) out to this person."""
    return session.exec(select(OutboxMessage.id)
                        .join(Broadcast, col(Broadcast.id) == OutboxMessage.broadcast_id)
                        .where(Broadcast.workshop_id == workshop_id,
                               OutboxMessage.participant_id == participant_id,
                               col(OutboxMessage.status).in_(INVITATION_REACHED))).first() is not None


def _queue(session: Session, workshop_id: int, status: str) -> list[WorkshopSignup]:
    return list(session.exec(select(WorkshopSignup).where(
        WorkshopSignup.workshop_id == workshop_id, WorkshopSignup.status == status)
        .order_by(WorkshopSignup.created_at, WorkshopSignup.id)))


def answer(*, session: Session, workshop_id: int, participant_id: int, yes: bool,
           now: datetime, promoted_text: outbox.Text = "") -> Answer:
    """Będę / Nie będę: going within capacity, else waiting; a decline promotes the next."""
    workshop = _lock(session, workshop_id)
    if workshop.status != WorkshopStatus.planned or workshop.starts_at <= now:
        raise DomainError("workshop_closed")
    signup = session.exec(select(WorkshopSignup).where(
        WorkshopSignup.workshop_id == workshop_id,
        WorkshopSignup.participant_id == participant_id)).first()
    if signup is None:
        if not invited(session=session, workshop_id=workshop_id, participant_id=participant_id):
            raise DomainError("workshop_not_invited")  # a forged ws:yes:<id>
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


def _promote(session: Session, workshop: Workshop, now: datetime,
             text: outbox.Text) -> int | None:
    """Move the first waiting person to going and queue a message for them (a text function
    is rendered in their language; a plain text is sent as it is)."""
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
                        .join(OutboxMessage, OutboxMessage.broadcast_id == Broadcast.id)
                        .where(OutboxMessage.participant_id == participant_id,
                               col(OutboxMessage.status).in_((OutboxStatus.sent,
                                                              OutboxStatus.delivered)),
                               Workshop.status == WorkshopStatus.planned,
                               Workshop.starts_at > now)
                        .order_by(col(Broadcast.id).desc())).first()


def answer_workshop(*, session: Session, participant: Participant, yes: bool, now: datetime,
                    promoted_text: outbox.Text = "") -> Answer:
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
    workshop = _lock(session, workshop_id)
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
