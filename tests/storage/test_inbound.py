"""Inbound events: a claim is taken once, finished, released on failure, taken over when stale."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlmodel import select

from storage import inbound
from storage.clock import ManualClock
from storage.db import Database
from storage.inbound import Claim
from storage.models import InboundEvent

KEY = {"source": "smsapi", "kind": "sms", "external_id": "MO-1"}


def claim(db: Database, clock: ManualClock, **key: str) -> Claim:
    return db.call(inbound.claim, now=clock.now(), **(key or KEY))


def test_claim_finish_and_replay(db: Database, clock: ManualClock) -> None:
    assert claim(db, clock) is Claim.claimed
    assert claim(db, clock) is Claim.busy
    assert claim(db, clock, source="twilio", kind="sms", external_id="MO-1") is Claim.claimed
    assert claim(db, clock, source="smsapi", kind="report", external_id="MO-1") is Claim.claimed
    db.call(inbound.finish, **KEY)
    clock.advance(timedelta(hours=1))
    assert claim(db, clock) is Claim.done


def test_a_claim_handed_over_is_done_at_once_and_never_taken_over(
        db: Database, clock: ManualClock) -> None:
    update = {"source": "telegram", "kind": "update", "external_id": "77"}
    assert db.call(inbound.claim, now=clock.now(), done=True, **update) is Claim.claimed
    assert db.call(inbound.claim, now=clock.now(), done=True, **update) is Claim.done
    clock.advance(timedelta(hours=1))  # long past STALE_AFTER: still done, not taken over
    assert claim(db, clock, **update) is Claim.done
    with db.session() as s:
        assert s.exec(select(InboundEvent.state)).all() == ["done"]


def test_a_released_claim_can_be_taken_again(db: Database, clock: ManualClock) -> None:
    assert claim(db, clock) is Claim.claimed
    db.call(inbound.release, **KEY)
    assert claim(db, clock) is Claim.claimed


def test_a_stale_claim_is_taken_over_once(db: Database, clock: ManualClock) -> None:
    assert claim(db, clock) is Claim.claimed
    clock.advance(inbound.STALE_AFTER - timedelta(seconds=1))
    assert claim(db, clock) is Claim.busy
    clock.advance(timedelta(seconds=2))
    assert claim(db, clock) is Claim.claimed
    assert claim(db, clock) is Claim.busy


def test_old_events_are_pruned(db: Database, clock: ManualClock) -> None:
    assert claim(db, clock) is Claim.claimed
    clock.advance(timedelta(days=inbound.KEEP_DAYS - 1))
    assert claim(db, clock, source="telegram", kind="update", external_id="5") is Claim.claimed
    clock.advance(timedelta(days=2))
    assert db.call(inbound.prune, now=clock.now()) == 1
    with db.session() as s:
        assert s.exec(select(InboundEvent.external_id)).all() == ["5"]


def race(db: Database, clock: ManualClock, n: int = 8) -> list[Claim]:
    """n threads claim the same event at once."""
    barrier = threading.Barrier(n)

    def one() -> Claim:
        with db.session() as session:
            barrier.wait()
            return inbound.claim(session=session, now=clock.now(), **KEY)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(lambda _: one(), range(n)))


def test_concurrent_claims_one_wins_on_postgresql(pg_db: Database, clock: ManualClock) -> None:
    claims = race(pg_db, clock)
    assert claims.count(Claim.claimed) == 1 and claims.count(Claim.busy) == len(claims) - 1


def test_concurrent_claims_one_wins_on_sqlite(db: Database, clock: ManualClock) -> None:
    if db.dialect != "sqlite":
        pytest.skip("the PostgreSQL race has its own test")
    claims = race(db, clock, n=4)
    assert claims.count(Claim.claimed) == 1 and claims.count(Claim.busy) == len(claims) - 1
