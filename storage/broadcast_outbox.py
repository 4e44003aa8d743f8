"""A broadcast as outbox rows: one per recipient at confirm, its report, and when it is done.

Every recipient gets a row with the dedupe key `broadcast:{id}:{participant_id}`. A
recipient who cannot be reached (SMS opt-out, no Telegram and no phone) gets a row too,
status `skipped` with the reason in last_error, so the report counts everybody from the
outbox alone. A Telegram message refused because the person blocked the bot is `failed`
("blocked the bot"); its SMS fallback is a second row (key + ':sms', payload fallback).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert
from sqlmodel import Session, col, select, update

from storage import outbox
from storage.models import (
    OPEN_STATUSES,
    Broadcast,
    BroadcastStatus,
    Channel,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    Participant,
    Staff,
)


@dataclass(frozen=True)
class BroadcastTexts:
    """What every recipient gets: the Telegram text, the SMS text, Telegram buttons."""

    telegram: str
    sms: str | None = None
    buttons: list[list[tuple[str, str]]] | None = None


def key(broadcast_id: int, participant_id: int) -> str:
    """The dedupe key of one recipient's message."""
    return f"broadcast:{broadcast_id}:{participant_id}"


def _row(broadcast_id: int, person: Participant, texts: BroadcastTexts,
         due_at: datetime, now: datetime) -> dict[str, Any]:
    """One recipient's outbox row (as insert values)."""
    reach = outbox.channel_for(person, kind=OutboxKind.broadcast)
    sms = texts.sms or texts.telegram
    payload: dict[str, Any] = {}
    if reach == Channel.telegram:
        text = texts.telegram
        if sms != text:
            payload["sms_text"] = sms
        if texts.buttons:
            payload["buttons"] = [[list(b) for b in row] for row in texts.buttons]
    else:
        text = sms
    sendable = reach in (Channel.telegram, Channel.sms)
    return {"dedupe_key": key(broadcast_id, person.id),  # type: ignore[arg-type]
            "kind": OutboxKind.broadcast.value, "broadcast_id": broadcast_id,
            "channel": reach if sendable else Channel.none.value,
            "participant_id": person.id, "chat_id": person.telegram_user_id,
            "phone": person.phone, "text": text, "payload": payload or None,
            "due_at": due_at, "next_attempt_at": due_at, "created_at": now, "attempts": 0,
            "status": OutboxStatus.pending.value if sendable else OutboxStatus.skipped.value,
            "last_error": None if sendable else reach}


def version_for(person: Participant, texts: Mapping[str, BroadcastTexts]) -> str:
    """The language of the message a person gets: their own when there is a version in it,
    else Polish."""
    return person.language if person.language in texts else "pl"


def enqueue_recipients(*, session: Session, broadcast_id: int, people: Sequence[Participant],
                       texts: BroadcastTexts | Mapping[str, BroadcastTexts], due_at: datetime,
                       now: datetime) -> int:
    """One outbox row per recipient (one INSERT), each in the person's language when the
    notice has a version in it (`texts` by language, 'pl' always there), else Polish."""
    versions = {"pl": texts} if isinstance(texts, BroadcastTexts) else texts
    rows = [_row(broadcast_id, p, versions[version_for(p, versions)], due_at, now)
            for p in people]
    if rows:
        session.connection().execute(insert(OutboxMessage.__table__), rows)  # type: ignore[attr-defined]
    return len(rows)


def cancel_pending(*, session: Session, broadcast_id: int) -> int:
    """The broadcast's rows not yet sent are cancelled; how many."""
    result = session.exec(update(OutboxMessage)  # type: ignore[call-overload]
                          .where(OutboxMessage.broadcast_id == broadcast_id,
                                 OutboxMessage.status == OutboxStatus.pending)
                          .values(status=OutboxStatus.cancelled))
    return result.rowcount or 0


@dataclass(frozen=True)
class Report:
    """How a broadcast went, by recipient."""

    total: int = 0
    sent_telegram: int = 0
    sent_sms: int = 0
    sms_instead: int = 0
    failed: int = 0
    blocked: int = 0
    opted_out: int = 0
    unreachable: int = 0
    cancelled: int = 0
    open: int = 0

    @property
    def delivered(self) -> int:
        """Messages that left, on either channel."""
        return self.sent_telegram + self.sent_sms

    @property
    def handled(self) -> int:
        """Recipients whose message is finished (any outcome)."""
        return self.total - self.open


def _count(counts: dict[str, int], name: str, n: int) -> None:
    counts[name] = counts.get(name, 0) + n


def _tally(counts: dict[str, int], status: str, channel: str, error: str | None,
           fallback: bool, n: int) -> None:
    """Add one group of rows to the per-recipient counts."""
    if status in OPEN_STATUSES:
        _count(counts, "open", n)
    elif status in (OutboxStatus.sent, OutboxStatus.delivered):
        _count(counts, "sent_telegram" if channel == Channel.telegram else "sent_sms", n)
        if fallback:
            _count(counts, "sms_instead", n)
    elif status == OutboxStatus.skipped and error in (outbox.OPTED_OUT, outbox.UNREACHABLE):
        _count(counts, error, n)
    elif status == OutboxStatus.cancelled:
        _count(counts, "cancelled", n)
    elif error == outbox.BLOCKED and not fallback:
        _count(counts, "blocked", n)  # less those with an SMS fallback row (below)
    else:
        _count(counts, "failed", n)
    if fallback:
        _count(counts, "blocked", -n)
    else:
        _count(counts, "total", n)


def report(*, session: Session, broadcast_id: int) -> Report:
    """Counts per outcome, read from the outbox (one query)."""
    fallback = col(OutboxMessage.dedupe_key).endswith(outbox.FALLBACK_SUFFIX)
    rows = session.exec(select(OutboxMessage.status, OutboxMessage.channel,
                               OutboxMessage.last_error, fallback, func.count())
                        .where(OutboxMessage.broadcast_id == broadcast_id)
                        .group_by(OutboxMessage.status, OutboxMessage.channel,
                                  OutboxMessage.last_error, fallback)).all()
    counts: dict[str, int] = {}
    for status, channel, error, is_fallback, n in rows:
        _tally(counts, status, channel, error, bool(is_fallback), n)
    return Report(**counts)


def start_due(*, session: Session, now: datetime) -> list[int]:
    """Scheduled broadcasts whose time has come become 'sending'; their ids."""
    # One conditional UPDATE: a broadcast cancelled a moment ago is not started.
    started = session.execute(update(Broadcast).where(
        col(Broadcast.status) == BroadcastStatus.scheduled, col(Broadcast.send_at) <= now)
        .values(status=BroadcastStatus.sending, started_at=now).returning(Broadcast.id)
        .execution_options(synchronize_session=False))
    return sorted(row[0] for row in started)


def finish_if_done(*, session: Session, broadcast_id: int, now: datetime,
                   report_text: Callable[[Report], str]) -> Report | None:
    """Mark the broadcast done once no row is pending or sending, and queue the report.

    Only the caller that changes the status gets the report (so it is sent once); the
    report to the coordinator is an outbox row in the same transaction.
    """
    left = session.exec(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.broadcast_id == broadcast_id,
        col(OutboxMessage.status).in_(OPEN_STATUSES))).one()
    if left:
        return None
    changed = session.exec(update(Broadcast)  # type: ignore[call-overload]
                           .where(col(Broadcast.id) == broadcast_id,
                                  Broadcast.status == BroadcastStatus.sending)
                           .values(status=BroadcastStatus.done, finished_at=now))
    if not changed.rowcount:
        return None
    result = report(session=session, broadcast_id=broadcast_id)
    broadcast = session.get(Broadcast, broadcast_id)
    staff = session.get(Staff, broadcast.created_by) if broadcast and broadcast.created_by else None
    if broadcast is not None and staff is not None and broadcast.progress_chat_id:
        session.add(OutboxMessage(
            dedupe_key=f"broadcast:{broadcast_id}:report", kind=OutboxKind.notice,
            channel=Channel.telegram, staff_id=staff.id, chat_id=broadcast.progress_chat_id,
            text=report_text(result), due_at=now, next_attempt_at=now))
    return result


def open_ids(*, session: Session, broadcast_ids: Sequence[int]) -> list[int]:
    """Which of these broadcasts are still being sent."""
    if not broadcast_ids:
        return []
    return list(session.exec(select(Broadcast.id).where(
        col(Broadcast.id).in_(broadcast_ids), Broadcast.status == BroadcastStatus.sending)))  # type: ignore[arg-type]


def sending_ids(*, session: Session) -> list[int]:
    """Broadcasts being sent (after a restart: the ones whose rows are still going out)."""
    return list(session.exec(select(Broadcast.id).where(
        Broadcast.status == BroadcastStatus.sending).order_by(Broadcast.id)))  # type: ignore[arg-type]
