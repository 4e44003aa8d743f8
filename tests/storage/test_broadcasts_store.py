"""Broadcast and workshop store rules: audiences, claiming once, capacity, SMS TAK/NIE."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from storage import broadcasts, deliveries, people, workshops
from storage.clock import ManualClock
from storage.db import Database
from storage.errors import DomainError
from storage.models import Booking, Participant, WorkSite

TZ = ZoneInfo("Europe/Warsaw")


def person(db: Database, number: str, **fields: object) -> Participant:
    new = people.NewParticipant(number=number, first_name="Osoba", last_name="Testowa",
                                gender="K", phone=None, referred_on=date(2026, 11, 2))
    added = db.call(people.add_participant, new=new, actor="cli",
                    now=datetime(2026, 12, 1, tzinfo=TZ))
    with db.session() as s:
        row = s.get(Participant, added.id)
        for key, value in fields.items():
            setattr(row, key, value)
        return row  # type: ignore[return-value]


def coordinator(db: Database) -> int:
    return db.call(people.add_staff, name="K", roles=["coordinator"], telegram_user_id=None,
                   phone=None, actor="cli", now=datetime(2026, 12, 1, tzinfo=TZ)).id


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


def test_claim_takes_each_delivery_once_and_resume_returns_the_in_flight(
        db: Database, clock: ManualClock) -> None:
    bid = make_broadcast(db, clock, 10)
    first = db.call(deliveries.claim, broadcast_id=bid, channel="telegram", limit=4)
    second = db.call(deliveries.claim, broadcast_id=bid, channel="telegram", limit=100)
    assert len(first) == 4 and len(second) == 6
    assert not {c.delivery_id for c in first} & {c.delivery_id for c in second}
    assert db.call(deliveries.claim, broadcast_id=bid, channel="telegram", limit=5) == []
    for c in first:
        db.call(deliveries.mark_sent, delivery_ids=[c.delivery_id], now=clock.now())
    assert db.call(deliveries.resume, broadcast_id=bid) == 6
    assert db.call(deliveries.report, broadcast_id=bid).open == 6


def test_concurrent_claims_never_share_a_delivery(pg_db: Database, clock: ManualClock) -> None:
    bid = make_broadcast(pg_db, clock, 200)
    with ThreadPoolExecutor(8) as pool:
        batches = list(pool.map(
            lambda _: [c.delivery_id for _ in range(10) for c in pg_db.call(
                deliveries.claim, broadcast_id=bid, channel="telegram", limit=7)], range(8)))
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


def test_sms_answer_goes_to_the_latest_open_invitation(db: Database, clock: ManualClock) -> None:
    anna = person(db, "1", phone="+48601000001")
    wid = workshop(db, clock, 1)
    with pytest.raises(DomainError, match="no_open_invitation"):
        db.call(workshops.answer_workshop, participant=anna, yes=True, now=clock.now())
    boss = db.call(workshops.get, workshop_id=wid).created_by
    draft = db.call(broadcasts.start_draft, staff_id=boss, now=clock.now(), text="Zaproszenie",
                    workshop_id=wid)
    db.call(broadcasts.set_audience, broadcast_id=draft.id, staff_id=boss, audience="all")
    db.call(broadcasts.confirm, broadcast_id=draft.id, staff_id=boss, now=clock.now(), tz=TZ)
    for claimed in db.call(deliveries.claim, broadcast_id=draft.id, channel="sms", limit=5):
        db.call(deliveries.mark_sent, delivery_ids=[claimed.delivery_id], now=clock.now())
    answer = db.call(workshops.answer_workshop, participant=anna, yes=True, now=clock.now())
    assert (answer.workshop.id, answer.status) == (wid, "going")
    clock.advance(timedelta(days=3))
    with pytest.raises(DomainError, match="no_open_invitation"):
        db.call(workshops.answer_workshop, participant=anna, yes=False, now=clock.now())


def test_capacity_holds_under_concurrent_sign_ups(pg_db: Database, clock: ManualClock) -> None:
    wid = workshop(pg_db, clock, 5)
    ids = [person(pg_db, f"C{i}").id for i in range(20)]
    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda pid: pg_db.call(
            workshops.answer, workshop_id=wid, participant_id=pid, yes=True, now=clock.now()), ids))
    assert sorted(a.status for a in answers).count("going") == 5
    assert sorted(a.position for a in answers if a.status == "waiting") == list(range(1, 16))
