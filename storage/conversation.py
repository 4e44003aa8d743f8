"""Short-lived conversation state (SMS numbered menus), kept in the database."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from storage.models import ConversationState, Language, Participant


def sms_key(phone: str) -> str:
    """The conversation state's key of an SMS number (the number itself is not stored)."""
    return "sms:" + hashlib.sha256(phone.encode()).hexdigest()[:24]


def unknown_key(phone: str) -> str:
    """The key remembering that an unknown number was answered today."""
    return "sms-unknown:" + sms_key(phone)[4:]


def get_state(*, session: Session, key: str, now: datetime) -> dict[str, Any]:
    """The state under a key, or {} when there is none or it expired."""
    row = session.get(ConversationState, key)
    return dict(row.data) if row is not None and row.expires_at > now else {}


def set_state(*, session: Session, key: str, data: dict[str, Any], now: datetime,
              ttl: timedelta = timedelta(minutes=30)) -> None:
    """Replace the state under a key (empty data removes it)."""
    row = session.get(ConversationState, key)
    if not data:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        session.add(ConversationState(key=key, data=data, expires_at=now + ttl))
    else:
        row.data, row.expires_at = data, now + ttl
        session.add(row)


def participant_by_phone(*, session: Session, phone: str) -> Participant | None:
    """The participant with this E.164 number (not anonymised)."""
    return session.exec(select(Participant).where(Participant.phone == phone)).first()


def set_name_help(*, session: Session, participant_id: int, named: bool) -> bool:
    """The person's choice: Telegram reminders that name the kind of help, or discreet ones."""
    person = session.get(Participant, participant_id)
    if person is None:
        return False
    person.name_help = named
    return True


def set_language(*, session: Session, participant_id: int, language: str) -> bool:
    """The person's choice of language (idempotent: choosing it again changes nothing)."""
    person = session.get(Participant, participant_id)
    if person is None:
        return False
    person.language = Language(language)
    return True


def set_opt_out(*, session: Session, participant_id: int, notices: bool | None = None,
                reminders: bool | None = None) -> None:
    """STOP / START: opt out of (or back into) notices and reminders."""
    person = session.get(Participant, participant_id)
    if person is None:
        return
    if notices is not None:
        person.sms_opt_out = notices
    if reminders is not None:
        person.reminders_opt_out = reminders
