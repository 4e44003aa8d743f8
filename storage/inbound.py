"""Inbound events taken in once: SMS callbacks, delivery reports, Telegram updates.

A callback is claimed before it is processed: the claim inserts a row (source, kind,
external_id) unless the key is there (`INSERT … ON CONFLICT DO NOTHING`, one statement built
once), and the unique constraint settles a race, so of two identical callbacks arriving at
once exactly one is processed. The rule after the claim:

- processing succeeded: `finish` marks the row done; every replay is acknowledged and skipped;
- processing failed: `release` deletes the claim, so the provider's retry is processed;
- the process died before either: a 'processing' claim older than STALE_AFTER may be taken
  again by the next retry (until then a retry hears 'busy' and should be asked to come back).

Rows older than KEEP_DAYS are pruned by the daily jobs (`prune`).
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, delete, select, update

from storage.db import short
from storage.models import InboundEvent

STALE_AFTER = timedelta(minutes=5)
KEEP_DAYS = 30


class Claim(enum.StrEnum):
    """What a claim found: ours to process, already done, or being processed right now."""

    claimed = "claimed"
    done = "done"
    busy = "busy"


def _same(source: Any, kind: Any, external_id: Any) -> tuple:
    """The conditions on an event's key (values, or bind parameters)."""
    if isinstance(external_id, str):
        external_id = external_id[:200]
    return (InboundEvent.source == source, InboundEvent.kind == kind,
            InboundEvent.external_id == external_id)


def _insert_new(dialect: str) -> Any:
    """INSERT of a claim that does nothing when the key is taken, returning the new id."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = InboundEvent.__table__  # type: ignore[attr-defined]
    return (insert(table).values(source=bindparam("event_source"), kind=bindparam("event_kind"),
                                 external_id=bindparam("event_id"), state=bindparam("state"),
                                 received_at=bindparam("at"), claimed_at=bindparam("at"))
            .on_conflict_do_nothing().returning(table.c.id))


_CLAIMS = {dialect: _insert_new(dialect) for dialect in ("postgresql", "sqlite")}
_FINISH = (update(InboundEvent.__table__)  # type: ignore[attr-defined]
           .where(*_same(bindparam("event_source"), bindparam("event_kind"), bindparam("event_id")))
           .values(state="done"))


@short
def claim(*, session: Session, source: str, kind: str, external_id: str, now: datetime,
          stale_after: timedelta = STALE_AFTER, done: bool = False) -> Claim:
    """Claim an event for processing, atomically; a second claim of the same key is refused.

    done: record it as done at once (the caller hands it on and cannot fail; no `finish`)."""
    new = session.execute(_CLAIMS[session.get_bind().dialect.name], {
        "event_source": source, "event_kind": kind, "event_id": external_id[:200],
        "state": "done" if done else "processing", "at": now}).first()
    if new is None:  # the key was there (or a claim of it committed while we waited)
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


@short
def finish(*, session: Session, source: str, kind: str, external_id: str) -> None:
    """The claimed event was processed: replays are skipped from now on."""
    session.execute(_FINISH, {"event_source": source, "event_kind": kind,
                              "event_id": external_id[:200]})


def release(*, session: Session, source: str, kind: str, external_id: str) -> None:
    """Processing failed: give the claim up, so the provider's retry is processed."""
    session.exec(delete(InboundEvent).where(*_same(source, kind, external_id),  # type: ignore[call-overload]
                                            InboundEvent.state == "processing"))


def prune(*, session: Session, now: datetime, keep_days: int = KEEP_DAYS) -> int:
    """Forget events received more than keep_days ago; returns how many."""
    result = session.exec(delete(InboundEvent).where(  # type: ignore[call-overload]
        col(InboundEvent.received_at) < now - timedelta(days=keep_days)))
    return result.rowcount or 0
