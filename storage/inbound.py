"""Inbound events taken in once: SMS callbacks, delivery reports, Telegram updates.

A callback is claimed before it is processed: the claim inserts a row (source, kind,
external_id) in a savepoint, and the unique constraint settles a race, so of two identical
callbacks arriving at once exactly one is processed. The rule after the claim:

- processing succeeded: `finish` marks the row done; every replay is acknowledged and skipped;
- processing failed: `release` deletes the claim, so the provider's retry is processed;
- the process died before either: a 'processing' claim older than STALE_AFTER may be taken
  again by the next retry (until then a retry hears 'busy' and should be asked to come back).

Rows older than KEEP_DAYS are pruned by the daily jobs (`prune`).
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select, update

from storage.models import InboundEvent

STALE_AFTER = timedelta(minutes=5)
KEEP_DAYS = 30


class Claim(enum.StrEnum):
    """What a claim found: ours to process, already done, or being processed right now."""

    claimed = "claimed"
    done = "done"
    busy = "busy"


def _same(source: str, kind: str, external_id: str) -> tuple:
    return (InboundEvent.source == source, InboundEvent.kind == kind,
            InboundEvent.external_id == external_id[:200])


def claim(*, session: Session, source: str, kind: str, external_id: str, now: datetime,
          stale_after: timedelta = STALE_AFTER) -> Claim:
    """Claim an event for processing, atomically; a second claim of the same key is refused."""
    event = InboundEvent(source=source, kind=kind, external_id=external_id[:200],
                         received_at=now, claimed_at=now)
    try:
        with session.begin_nested():
            session.add(event)
    except IntegrityError as exc:
        if "inbound_events" not in str(exc.orig):
            raise
        return _take_over(session, _same(source, kind, external_id), now, stale_after)
    return Claim.claimed


def _take_over(session: Session, key: tuple, now: datetime, stale_after: timedelta) -> Claim:
    """The key exists: take a stale 'processing' claim over (one taker wins), else say why not."""
    taken = session.exec(update(InboundEvent).where(  # type: ignore[call-overload]
        *key, InboundEvent.state == "processing",
        col(InboundEvent.claimed_at) < now - stale_after).values(claimed_at=now))
    if taken.rowcount:
        return Claim.claimed
    state = session.exec(select(InboundEvent.state).where(*key)).first()
    return Claim.done if state == "done" else Claim.busy


def finish(*, session: Session, source: str, kind: str, external_id: str) -> None:
    """The claimed event was processed: replays are skipped from now on."""
    session.exec(update(InboundEvent).where(*_same(source, kind, external_id))  # type: ignore[call-overload]
                 .values(state="done"))


def release(*, session: Session, source: str, kind: str, external_id: str) -> None:
    """Processing failed: give the claim up, so the provider's retry is processed."""
    session.exec(delete(InboundEvent).where(*_same(source, kind, external_id),  # type: ignore[call-overload]
                                            InboundEvent.state == "processing"))


def prune(*, session: Session, now: datetime, keep_days: int = KEEP_DAYS) -> int:
    """Forget events received more than keep_days ago; returns how many."""
    result = session.exec(delete(InboundEvent).where(  # type: ignore[call-overload]
        col(InboundEvent.received_at) < now - timedelta(days=keep_days)))
    return result.rowcount or 0
