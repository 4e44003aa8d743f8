"""A participant's exit from the club: the day and the outcome, recorded once and audited."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlmodel import Session, select

from storage import audit
from storage.errors import DomainError, NotFound
from storage.models import ExitOutcome, Participant


class ExitResult(enum.StrEnum):
    """What recording an exit did."""

    recorded = "recorded"
    unchanged = "unchanged"  # the same day and outcome were already there (a repeated press)
    changed = "changed"  # a correction of an earlier exit


def parse_outcome(value: str) -> ExitOutcome:
    """An outcome code as typed ('umowa_o_prace', 'UMOWA-O-PRACE'); ValueError otherwise."""
    code = value.strip().lower().replace("-", "_")
    if code not in ExitOutcome.__members__:
        raise ValueError(value)
    return ExitOutcome(code)


def check_exit(referred_on: date, left_on: date, today: date) -> None:
    """An exit day is not before the referral and not in the future."""
    if left_on < referred_on:
        raise DomainError("exit_before_referral", left_on=left_on, referred_on=referred_on)
    if left_on > today:
        raise DomainError("exit_in_future", left_on=left_on)


def record_exit(*, session: Session, participant_id: int, left_on: date, outcome: ExitOutcome,
                today: date, actor: str, now: datetime) -> tuple[Participant, ExitResult]:
    """Record (or correct) when and how a participant left; a repeat changes nothing.

    The participant's row is locked first (FOR UPDATE on PostgreSQL), so two presses at once
    record one exit and one audit entry.
    """
    person = session.exec(select(Participant).where(Participant.id == participant_id)
                          .with_for_update()).first()
    if person is None:
        raise NotFound("participant_not_found", number=str(participant_id))
    check_exit(person.referred_on, left_on, today)
    if person.left_on == left_on and person.exit_outcome == outcome:
        return person, ExitResult.unchanged
    result = ExitResult.recorded if person.left_on is None else ExitResult.changed
    details = {"left_on": left_on, "outcome": outcome}
    if result is ExitResult.changed:
        details |= {"before_left_on": person.left_on, "before_outcome": person.exit_outcome or ""}
    person.left_on, person.exit_outcome = left_on, outcome
    session.add(person)
    audit.record(session=session, at=now, actor=actor, action="participant_exit",
                 target=f"participant:{person.id}", **details)
    session.flush()
    return person, result
