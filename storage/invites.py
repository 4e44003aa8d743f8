"""One-time invite codes that link a Telegram account to a participant."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from storage import audit
from storage.errors import DomainError
from storage.locks import lock, lock_name
from storage.models import InviteCode, Participant, StartAttempt

START_ATTEMPTS = 1  # the advisory-lock namespace of one Telegram user's start codes


def hash_code(code: str) -> str:
    """The stored form of a code."""
    return hashlib.sha256(code.strip().encode()).hexdigest()


def create_invite(*, session: Session, participant: Participant, now: datetime, ttl_days: int,
                  actor: str) -> str:
    """A new code for the participant (the plain code is returned once, never stored)."""
    code = secrets.token_urlsafe(12)
    session.add(InviteCode(participant_id=participant.id, code_hash=hash_code(code),  # type: ignore[arg-type]
                           created_at=now, expires_at=now + timedelta(days=ttl_days)))
    audit.record(session=session, at=now, actor=actor, action="invite_create",
                 target=f"participant:{participant.id}")
    return code


def _locked_until(session: Session, user_id: int, now: datetime, max_failures: int,
                  window: timedelta) -> datetime | None:
    recent = session.exec(
        select(StartAttempt.attempted_at).where(StartAttempt.telegram_user_id == user_id,
                                                StartAttempt.attempted_at > now - window)
        .order_by(col(StartAttempt.attempted_at).desc())).all()
    if len(recent) < max_failures:
        return None
    return recent[max_failures - 1] + window


@dataclass(frozen=True)
class Redeemed:
    """The outcome of a code: the linked participant, or why not (a failure is recorded)."""

    participant: Participant | None = None
    error: DomainError | None = None


def redeem_invite(*, session: Session, code: str, telegram_user_id: int, now: datetime,
                  max_failures: int = 5, lockout: timedelta = timedelta(hours=1)) -> Redeemed:
    """Link the account to the code's participant, or say why not.

    Wrong codes are counted per Telegram user (the count is written, so this returns rather
    than raises); `max_failures` within `lockout` lock the user out until the oldest of them
    is `lockout` old.
    """
    lock_name(session, START_ATTEMPTS, telegram_user_id)  # one attempt of a user at a time
    until = _locked_until(session, telegram_user_id, now, max_failures, lockout)
    if until is not None:
        minutes = max(1, -int(-(until - now).total_seconds() // 60))
        return Redeemed(error=DomainError("invite_locked", minutes=minutes))
    # Locked: the same code sent twice at once links one account, the other hears it is used.
    invite = lock(session, InviteCode, hash_code(code), key="code_hash")
    problem = None
    if invite is None:
        problem = "invite_invalid"
    elif invite.used_at is not None:
        problem = "invite_used"
    elif invite.expires_at <= now:
        problem = "invite_expired"
    if problem:
        session.add(StartAttempt(telegram_user_id=telegram_user_id, attempted_at=now))
        return Redeemed(error=DomainError(problem))
    assert invite is not None
    participant = lock(session, Participant, invite.participant_id)
    assert participant is not None
    other = session.exec(select(Participant).where(
        Participant.telegram_user_id == telegram_user_id, Participant.id != participant.id)).first()
    if other is not None:
        return Redeemed(error=DomainError("account_taken"))
    try:
        with session.begin_nested():  # two codes of two people, one account, at once
            participant.telegram_user_id = telegram_user_id
            participant.blocked_bot = False
            session.flush()
    except IntegrityError:
        return Redeemed(error=DomainError("account_taken"))
    invite.used_at = now
    session.exec(delete(StartAttempt).where(col(StartAttempt.telegram_user_id) == telegram_user_id))
    audit.record(session=session, at=now, actor=f"participant:{participant.id}",
                 action="telegram_linked", target=f"participant:{participant.id}")
    return Redeemed(participant=participant)
