"""Invite codes (hashed, single use, expiring, lockout) and effective-dated rates."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from storage import invites, rates
from storage.clock import ManualClock
from storage.db import Database
from storage.errors import DomainError
from storage.models import AuditLog, InviteCode, Participant
from tests.auxil.factories import Factory


@pytest.fixture
def anna(db: Database, clock: ManualClock) -> Participant:
    return Factory(db, clock).participant("12", "Anna", last_name="Kowalska", phone="+48601234567")


def invite(db: Database, who: Participant, clock: ManualClock, ttl: int = 14) -> str:
    return db.call(invites.create_invite, participant=who, now=clock.now(), ttl_days=ttl,
                   actor="cli")


def redeem(db: Database, code: str, user: int, clock: ManualClock) -> invites.Redeemed:
    return db.call(invites.redeem_invite, code=code, telegram_user_id=user, now=clock.now())


def test_code_is_stored_hashed_and_links_once(db: Database, anna: Participant,
                                              clock: ManualClock) -> None:
    code = invite(db, anna, clock)
    with db.session() as s:
        stored = s.exec(select(InviteCode)).one()
    assert code not in stored.code_hash and stored.code_hash == invites.hash_code(code)
    outcome = redeem(db, code, 777, clock)
    assert outcome.participant is not None and outcome.participant.telegram_user_id == 777
    assert redeem(db, code, 778, clock).error.code == "invite_used"  # type: ignore[union-attr]
    with db.session() as s:
        assert s.exec(select(AuditLog.action)).all() == [
            "participant_add", "invite_create", "telegram_linked"]


def test_expired_code_is_refused(db: Database, anna: Participant, clock: ManualClock) -> None:
    code = invite(db, anna, clock, ttl=14)
    clock.advance(timedelta(days=14, seconds=1))
    assert redeem(db, code, 777, clock).error.code == "invite_expired"  # type: ignore[union-attr]
    with db.session() as s:
        assert s.get(Participant, anna.id).telegram_user_id is None  # type: ignore[union-attr]


def test_five_wrong_codes_lock_the_account_for_an_hour(db: Database, anna: Participant,
                                                       clock: ManualClock) -> None:
    good = invite(db, anna, clock)
    for _ in range(5):
        assert redeem(db, "wrong", 777, clock).error.code == "invite_invalid"  # type: ignore[union-attr]
        clock.advance(timedelta(minutes=1))
    locked = redeem(db, good, 777, clock).error
    assert locked is not None and locked.code == "invite_locked"
    assert locked.params["minutes"] == 55  # the first wrong code was 5 minutes ago
    assert redeem(db, good, 999, clock).participant is not None  # other users are not locked


def test_lock_ends_after_an_hour(db: Database, anna: Participant, clock: ManualClock) -> None:
    good = invite(db, anna, clock)
    for _ in range(5):
        redeem(db, "wrong", 777, clock)
    clock.advance(timedelta(minutes=59))
    assert redeem(db, good, 777, clock).error.code == "invite_locked"  # type: ignore[union-attr]
    clock.advance(timedelta(minutes=1))
    assert redeem(db, good, 777, clock).participant is not None


def test_rates_are_effective_dated(db: Database, clock: ManualClock) -> None:
    for amount, since in (("8.70", date(2021, 1, 1)), ("9.00", date(2021, 6, 1))):
        db.call(rates.set_rate, kind="psu", amount=Decimal(amount), valid_from=since,
                actor="cli", now=clock.now())
    table = db.call(rates.rate_periods, kind="psu")
    assert rates.rate_on(date(2020, 12, 31), table) is None
    assert rates.rate_on(date(2021, 5, 31), table) == Decimal("8.70")
    assert rates.rate_on(date(2021, 6, 1), table) == Decimal("9.00")
    assert table[0].until == date(2021, 6, 1) and table[1].until is None
    with pytest.raises(DomainError, match="unknown_rate_kind"):
        db.call(rates.set_rate, kind="lawyer", amount=Decimal(1), valid_from=date(2021, 1, 1),
                actor="cli", now=clock.now())
