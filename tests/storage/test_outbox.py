"""The outbox store: queueing once even when two processes plan the same message at once."""

from __future__ import annotations

import threading
from datetime import date

from sqlmodel import Session, select

from storage import outbox
from storage.clock import ManualClock
from storage.db import Database
from storage.models import OutboxMessage, Participant


def person(db: Database) -> Participant:
    """One participant on Telegram."""
    with db.session() as s:
        row = Participant(number="1", first_name="A", last_name="B", gender="K",
                          telegram_user_id=1001, referred_on=date(2026, 11, 2))
        s.add(row)
    return row


def queue(session: Session, key: str, someone: Participant, clock: ManualClock) -> bool:
    """Queue one message; whether it was new."""
    return outbox.enqueue(session=session, dedupe_key=key, kind="notice", text="t",
                          due_at=clock.now(), participant=someone) is not None


def test_same_key_twice_is_queued_once(db: Database, clock: ManualClock) -> None:
    someone = person(db)
    with db.session() as s:
        assert queue(s, "k", someone, clock) and not queue(s, "k", someone, clock)
    with db.session() as s:
        assert not queue(s, "k", someone, clock) and queue(s, "other", someone, clock)
    with db.session() as s:
        assert sorted(s.exec(select(OutboxMessage.dedupe_key))) == ["k", "other"]


def test_a_concurrent_planner_gives_up_only_the_duplicate(pg_db: Database,
                                                          clock: ManualClock) -> None:
    """Process B queues 'same' while A's 'same' is uncommitted: B waits, then skips it only."""
    someone = person(pg_db)
    results: dict[str, object] = {}
    with pg_db.session() as first:
        assert queue(first, "same", someone, clock)
        first.flush()

        def second() -> None:
            try:
                with pg_db.session() as s:
                    results["same"] = queue(s, "same", someone, clock)  # blocks until A commits
                    results["own"] = queue(s, "own", someone, clock)
            except Exception as exc:  # reported by the assertion below
                results["error"] = exc

        other = threading.Thread(target=second)
        other.start()
        other.join(timeout=0.5)
        assert other.is_alive()  # waiting on the unique index
    other.join(timeout=10)
    assert results == {"same": False, "own": True}
    with pg_db.session() as s:
        assert sorted(s.exec(select(OutboxMessage.dedupe_key))) == ["own", "same"]
