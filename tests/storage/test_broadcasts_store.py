"""Broadcast and workshop store rules: audiences, claiming once, capacity, SMS TAK/NIE."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from storage import broadcast_outbox, broadcasts, outbox, workshops
from storage.clock import ManualClock
from storage.db import Database
from storage.errors import DomainError
from storage.models import Booking, WorkshopSignup, WorkSite
from tests.auxil.factories import Factory, coordinator, person

TZ = ZoneInfo("Europe/Warsaw")


def test_audiences(db: Database, clock: ManualClock) -> None:
    with db.session() as s:
        site = WorkSite(name="MOSiR")
        s.add(site)
        s.flush()
        site_id = site.id
    a = person(db, "1", telegram_user_id=1, work_site_id=site_id)
    b = person(db, "2", phone="+48601000002")
    person(db, "3", telegram_user_id=3, left_on=date(2026, 12, 1))
    with db.session() as s:
        s.add(Booking(participant_id=b.id, service="psychologist",
                      starts_at=clock.now() + timedelta(days=3)))
        s.add(Booking(participant_id=a.id, service="psychologist",
                      starts_at=clock.now() + timedelta(days=8)))  # next week
    def ids(audience: str, param: str | None = None) -> list[str]:
        found = db.call(broadcasts.recipients, audience=audience, param=param, now=clock.now(), tz=TZ)
        return [p.number for p in found]
    assert ids("all") == ["1", "2"]
    assert ids("psu") == ["1"]
    assert ids("site", str(site_id)) == ["1"] and ids("site", "999") == []
    assert ids("week") == ["2"]
    with pytest.raises(DomainError):
        ids("everybody")


def make_broadcast(db: Database, clock: ManualClock, n: int) -> int:
    for i in range(n):
        person(db, f"P{i}", telegram_user_id=100 + i)
    staff_id = coordinator(db)
    draft = db.call(broadcasts.start_draft, staff_id=staff_id, now=clock.now(), text="Hej")
    db.call(broadcasts.set_audience, broadcast_id=draft.id, staff_id=staff_id, audience="all")
    db.call(broadcasts.confirm, broadcast_id=draft.id, staff_id=staff_id, now=clock.now(), tz=TZ)
    return draft.id  # type: ignore[return-value]


def claim(db: Database, clock: ManualClock, limit: int, worker: str = "w") -> list[int]:
    """Claim due outbox rows; their ids."""
    return [m.id for m in db.call(outbox.claim_due, now=clock.now(), worker=worker, limit=limit)]  # type: ignore[misc]


def sent(db: Database, clock: ManualClock, ids: list[int]) -> None:
    db.call(outbox.finish_many, outcomes=[outbox.Outcome(i, "sent") for i in ids], now=clock.now())


def test_claim_takes_each_message_once_and_reclaim_returns_the_in_flight(
        db: Database, clock: ManualClock) -> None:
    bid = make_broadcast(db, clock, 10)
    first, second = claim(db, clock, 4), claim(db, clock, 100)
    assert len(first) == 4 and len(second) == 6
    assert not set(first) & set(second)
    assert claim(db, clock, 5) == []
    sent(db, clock, first)
    assert db.call(outbox.reclaim_stuck, now=clock.now(), older_than=timedelta(minutes=1)) == 0
    clock.advance(timedelta(seconds=61))
    assert db.call(outbox.reclaim_stuck, now=clock.now(), older_than=timedelta(minutes=1)) == 6
    report = db.call(broadcast_outbox.report, broadcast_id=bid)
    assert (report.total, report.open, report.sent_telegram) == (10, 6, 4)


def test_concurrent_claims_never_share_a_message(pg_db: Database, clock: ManualClock) -> None:
    make_broadcast(pg_db, clock, 200)
    with ThreadPoolExecutor(8) as pool:
        batches = list(pool.map(
            lambda n: [i for _ in range(10) for i in claim(pg_db, clock, 7, f"w{n}")], range(8)))
    taken = [i for batch in batches for i in batch]
    assert len(taken) == len(set(taken)) == 200


def test_cancel_only_before_sending(db: Database, clock: ManualClock) -> None:
    bid = make_broadcast(db, clock, 2)
    staff_id = db.call(broadcasts.get, broadcast_id=bid).created_by
    with pytest.raises(DomainError, match="broadcast_not_cancellable"):
        db.call(broadcasts.cancel, broadcast_id=bid, staff_id=staff_id, now=clock.now())
    with pytest.raises(DomainError, match="broadcast_not_found"):
        db.call(broadcasts.cancel, broadcast_id=bid, staff_id=staff_id + 1, now=clock.now())


def workshop(db: Database, clock: ManualClock, capacity: int) -> int:
    return db.call(workshops.create, title="W", starts_at=clock.now() + timedelta(days=2),
                   place="Sala", capacity=capacity, hours=Decimal(2), staff_id=coordinator(db),
                   now=clock.now()).id


def invite_everyone(db: Database, clock: ManualClock, wid: int) -> None:
    """The workshop's invitation sent to everybody."""
    Factory(db, clock, TZ).invite_everyone(wid)


def test_sms_answer_goes_to_the_latest_open_invitation(db: Database, clock: ManualClock) -> None:
    anna = person(db, "1", phone="+48601000001")
    wid = workshop(db, clock, 1)
    with pytest.raises(DomainError, match="no_open_invitation"):
        db.call(workshops.answer_workshop, participant=anna, yes=True, now=clock.now())
    invite_everyone(db, clock, wid)
    answer = db.call(workshops.answer_workshop, participant=anna, yes=True, now=clock.now())
    assert (answer.workshop.id, answer.status) == (wid, "going")
    clock.advance(timedelta(days=3))
    with pytest.raises(DomainError, match="no_open_invitation"):
        db.call(workshops.answer_workshop, participant=anna, yes=False, now=clock.now())


def test_capacity_holds_under_concurrent_sign_ups(pg_db: Database, clock: ManualClock) -> None:
    wid = workshop(pg_db, clock, 5)
    ids = [person(pg_db, f"C{i}", telegram_user_id=300 + i).id for i in range(20)]
    invite_everyone(pg_db, clock, wid)
    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda pid: pg_db.call(
            workshops.answer, workshop_id=wid, participant_id=pid, yes=True, now=clock.now()), ids))
    assert sorted(a.status for a in answers).count("going") == 5
    assert sorted(a.position for a in answers if a.status == "waiting") == list(range(1, 16))


def test_a_forged_answer_from_someone_never_invited_changes_nothing(db: Database,
                                                                     clock: ManualClock) -> None:
    invited_one = person(db, "1", telegram_user_id=401)
    wid = workshop(db, clock, 5)
    invite_everyone(db, clock, wid)
    stranger = person(db, "2", telegram_user_id=402)  # joined after the invitation went out
    for yes in (True, False):
        with pytest.raises(DomainError, match="workshop_not_invited"):
            db.call(workshops.answer, workshop_id=wid, participant_id=stranger.id, yes=yes,
                    now=clock.now())
    assert db.call(workshops.answer, workshop_id=wid, participant_id=invited_one.id, yes=True,
                   now=clock.now()).status == "going"
    with db.session() as s:
        assert [su.participant_id for su in s.exec(select(WorkshopSignup))] == [invited_one.id]
