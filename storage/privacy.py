"""RODO (GDPR): a person's data on request, anonymisation, and retention after leaving.

Both walk the schema (SQLModel.metadata) rather than a list of tables, so a new table or
column is covered by itself:

- rows ABOUT the person: every table with a column referring to participants.id (a foreign
  key or a column named participant_id), their SMS conversation state, their wrong start
  codes, the audit rows they did or that are about them or their rows;
- rows that MENTION the person: any text or JSON column of any other table holding their
  full name or phone number (a marking prompt or a daily summary sent to staff, a notice).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, String, Table, Text, or_
from sqlmodel import Session, SQLModel, col, delete, select, update

from storage import audit
from storage.conversation import sms_key, unknown_key
from storage.models import (
    AuditLog,
    BookingStatus,
    ConversationState,
    InviteCode,
    OutboxMessage,
    Participant,
    StartAttempt,
    WaitlistEntry,
)

ERASED = "—"
# Columns that are keys, never free text about a person (left as they are).
# How audit rows name a row of a table that belongs to a person (target="booking:12").
AUDIT_TARGETS = {"bookings": "booking", "hour_entries": "hour_entry"}
NOT_TEXT = {"dedupe_key", "code_hash", "external_id", "key", "status", "kind", "channel"}


def _plain(row: SQLModel | dict[str, Any]) -> dict[str, Any]:
    """A row as JSON-ready values."""
    out = {}
    items = row.items() if isinstance(row, dict) else row.model_dump().items()
    for key, value in items:
        if isinstance(value, date | datetime):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        out[key] = value
    return out


def person_tables() -> list[tuple[Table, str]]:
    """Every table with a column referring to a participant, and that column."""
    found = []
    for table in SQLModel.metadata.sorted_tables:
        if table.name == Participant.__tablename__:
            continue
        for column in table.columns:
            refers = any(fk.column.table.name == Participant.__tablename__
                         for fk in column.foreign_keys)
            if refers or column.name == "participant_id":
                found.append((table, column.name))
    return found


def _identifiers(participant: Participant) -> list[str]:
    """How the person appears in texts: full name (with the club number as staff texts
    show it, "Anna Kowalska (12)"), both ways round, phone, national number; longest first."""
    full = f"{participant.first_name} {participant.last_name}"
    names = [f"{full} ({participant.number})", full,
             f"{participant.last_name} {participant.first_name}"]
    phones = [participant.phone, participant.phone[3:]] if participant.phone else []
    return [s for s in (*names, *phones)
            if s and s.strip() and ERASED not in s]


def _text_columns(table: Table) -> list[Any]:
    """Columns that hold text or JSON (AutoString and other decorated types included)."""
    def stored(column: Any) -> Any:
        return getattr(column.type, "impl_instance", column.type)
    return [c for c in table.columns if isinstance(stored(c), String | Text | JSON)
            and c.name not in NOT_TEXT and not c.primary_key]


def _mentions(session: Session, participant: Participant) -> list[tuple[Table, dict[str, Any]]]:
    """Rows of other tables whose text or JSON holds the person's name or phone."""
    words = _identifiers(participant)
    if not words:
        return []
    found = []
    for table in SQLModel.metadata.sorted_tables:
        if table.name == Participant.__tablename__:
            continue
        columns = _text_columns(table)
        if not columns:
            continue
        # JSON is stored with non-ASCII letters escaped ("\\u0141"): look for both spellings.
        conditions = [c.cast(String).contains(form) if isinstance(c.type, JSON) else c.contains(w)
                      for c in columns for w in words
                      for form in ({w, json.dumps(w)[1:-1]} if isinstance(c.type, JSON) else {w})]
        for row in session.execute(select(table).where(or_(*conditions))).mappings():
            found.append((table, dict(row)))
    return found


def _own_rows(session: Session, participant: Participant) -> dict[str, list[dict[str, Any]]]:
    """Rows about the person in every table that refers to participants."""
    out: dict[str, list[dict[str, Any]]] = {}
    for table, column in person_tables():
        rows = session.execute(select(table).where(table.c[column] == participant.id)
                               .order_by(*table.primary_key.columns)).mappings()
        out.setdefault(table.name, []).extend(dict(r) for r in rows)
    return out


def _their_audit(session: Session, participant: Participant,
                 own: dict[str, list[dict[str, Any]]]) -> list[AuditLog]:
    """Audit rows the person did, about them, or about one of their rows."""
    me = f"participant:{participant.id}"
    targets = {me} | {f"{AUDIT_TARGETS[name]}:{r['id']}" for name, rows in own.items()
                      if name in AUDIT_TARGETS for r in rows}
    return list(session.exec(select(AuditLog).where(
        or_(AuditLog.actor == me, col(AuditLog.target).in_(sorted(targets))))
        .order_by(AuditLog.id)))


def export_person(*, session: Session, participant: Participant) -> dict[str, Any]:
    """Everything kept about a participant (art. 15 RODO), as a JSON-ready dict."""
    own = _own_rows(session, participant)
    data: dict[str, Any] = {"participant": _plain(participant)}
    for name, rows in own.items():
        data[name] = [_plain(r) for r in rows]
    data["messages"] = data.pop(OutboxMessage.__tablename__, [])
    data["audit_log"] = [_plain(r) for r in _their_audit(session, participant, own)]
    keys = [sms_key(participant.phone), unknown_key(participant.phone)] if participant.phone else []
    data["conversation_state"] = [_plain(r) for r in session.exec(
        select(ConversationState).where(col(ConversationState.key).in_(keys)))]
    data["start_attempts"] = [_plain(r) for r in session.exec(select(StartAttempt).where(
        StartAttempt.telegram_user_id == participant.telegram_user_id))] \
        if participant.telegram_user_id else []
    seen = {(name, r.get("id")) for name, rows in own.items() for r in rows}
    words = _identifiers(participant)
    data["mentions"] = [_mention(t, r, words) for t, r in _mentions(session, participant)
                        if (t.name, r.get("id")) not in seen]
    return data


def _mention(table: Table, row: dict[str, Any], words: list[str]) -> dict[str, Any]:
    """Where another row names the person, with only the lines that do (a staff summary also
    names other people, who are not the person's to see)."""
    lines = []
    for column in _text_columns(table):
        value = row[column.name]
        texts = [value] if isinstance(value, str) else \
            [json.dumps(value, ensure_ascii=False)] if value is not None else []
        lines += [line for text in texts for line in text.splitlines()
                  if any(w in line for w in words)]
    at = next((row[k] for k in ("created_at", "at") if k in row), None)
    return _plain({"table": table.name, "id": row.get("id"), "kind": row.get("kind"),
                   "at": at, "lines": lines})


def _scrub(value: Any, words: list[str]) -> Any:
    """The value with every identifier replaced by ERASED (strings and JSON alike)."""
    if isinstance(value, str):
        for word in words:
            value = value.replace(word, ERASED)
        return value
    if isinstance(value, dict | list):
        return json.loads(_scrub(json.dumps(value, ensure_ascii=False), words))
    return value


def anonymize(*, session: Session, participant: Participant, actor: str, now: datetime) -> None:
    """Remove what identifies the person; keep what the reports count (gender, dates, hours)."""
    pid, phone, telegram_id = participant.id, participant.phone, participant.telegram_user_id
    words = _identifiers(participant)
    for table, row in _mentions(session, participant):  # before the names are gone
        changes = {c.name: _scrub(row[c.name], words) for c in _text_columns(table)
                   if row[c.name] is not None and _scrub(row[c.name], words) != row[c.name]}
        keys = [table.c[k.name] == row[k.name] for k in table.primary_key.columns]
        if changes:
            session.execute(update(table).where(*keys).values(changes))
    participant.first_name = participant.last_name = ERASED
    participant.number = f"anon-{pid}"
    participant.phone = None
    participant.telegram_user_id = None
    participant.anonymized_at = now
    session.exec(delete(InviteCode).where(col(InviteCode.participant_id) == pid))
    session.exec(delete(WaitlistEntry).where(col(WaitlistEntry.participant_id) == pid))
    keys = [col(ConversationState.key).endswith(f":{pid}")]
    if phone:
        keys.append(col(ConversationState.key).in_([sms_key(phone), unknown_key(phone)]))
    session.exec(delete(ConversationState).where(or_(*keys)))
    if telegram_id is not None:
        session.exec(delete(StartAttempt).where(col(StartAttempt.telegram_user_id) == telegram_id))
    mine = col(OutboxMessage.participant_id) == pid
    session.exec(update(OutboxMessage).where(mine, col(OutboxMessage.status) == "pending")  # type: ignore[call-overload]
                 .values(status=BookingStatus.cancelled))
    session.exec(update(OutboxMessage).where(mine)  # type: ignore[call-overload]
                 .values(text=ERASED, phone=None, chat_id=None, payload=None))
    audit.record(session=session, at=now, actor=actor, action="participant_erase",
                 target=f"participant:{pid}")


def anonymize_expired(*, session: Session, today: date, retention_days: int, now: datetime) -> int:
    """Anonymise everyone who left more than retention_days ago; returns how many."""
    cutoff = today - timedelta(days=retention_days)
    due = session.exec(select(Participant).where(
        col(Participant.left_on).is_not(None), col(Participant.left_on) < cutoff,
        col(Participant.anonymized_at).is_(None))).all()
    for participant in due:
        anonymize(session=session, participant=participant, actor="system:retention", now=now)
    return len(due)
