"""A notice in several languages: the coordinator's translations and who reads which.

The Polish text is the notice; a draft may get a translation per language (uk, en), written
after the Polish one. Each recipient gets the version in their language, or the Polish one
when there is none (`broadcast_outbox.version_for`). The draft row is the state: while
`pending_language` is set, the coordinator's next plain message is that translation.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from storage import audit, outbox
from storage.broadcasts import Preview, active_filter, draft_of, recipients
from storage.errors import DomainError
from storage.language import LANGUAGES, SOURCE
from storage.models import Broadcast, OutboxKind, Participant

TRANSLATABLE = tuple(lang for lang in LANGUAGES if lang != SOURCE)
MAX_LENGTH = 1000


def languages_spoken(*, session: Session, now: datetime, tz: ZoneInfo) -> list[str]:
    """The languages besides Polish that participants in the club read today (in order)."""
    today = now.astimezone(tz).date()
    found = set(session.exec(select(Participant.language).distinct().where(
        *active_filter(today), col(Participant.language) != SOURCE)))
    return [lang for lang in TRANSLATABLE if lang in found]


def ask_translation(*, session: Session, broadcast_id: int, staff_id: int,
                    language: str) -> Broadcast:
    """The draft waits for its text in `language` (asking again changes nothing)."""
    if language not in TRANSLATABLE:
        raise ValueError(f"not a translation language: {language!r}")
    draft = draft_of(session, broadcast_id, staff_id)
    if not draft.text:
        raise DomainError("empty_text")
    draft.pending_language = language
    return draft


def set_translation(*, session: Session, broadcast_id: int, staff_id: int, text: str,
                    now: datetime) -> Broadcast:
    """Keep the text the draft was waiting for as its translation (1-1000 characters)."""
    text = text.strip()
    if not text:
        raise DomainError("empty_text")
    if len(text) > MAX_LENGTH:
        raise DomainError("text_too_long", length=len(text), limit=MAX_LENGTH)
    draft = draft_of(session, broadcast_id, staff_id)
    language = draft.pending_language
    if language is None:
        raise DomainError("broadcast_not_draft", status=draft.status)
    draft.translations = {**(draft.translations or {}), language: text}  # a new dict: saved
    draft.pending_language = None
    audit.record(session=session, at=now, actor=f"staff:{staff_id}",
                 action="broadcast_translation", target=f"broadcast:{draft.id}",
                 language=language, length=len(text))
    return draft


def stop_waiting(*, session: Session, broadcast_id: int, staff_id: int) -> Broadcast:
    """The draft no longer waits for a translation (the ones written are kept)."""
    draft = draft_of(session, broadcast_id, staff_id)
    draft.pending_language = None
    return draft


def preview_by_language(*, session: Session, broadcast: Broadcast, now: datetime,
                        tz: ZoneInfo) -> dict[str, Preview]:
    """Recipients per channel for each version of the notice: its languages with a
    translation, and Polish for everyone else."""
    versions = {SOURCE, *(lang for lang, text in (broadcast.translations or {}).items() if text)}
    counts: dict[str, dict[str, int]] = {}
    for person in recipients(session=session, audience=broadcast.audience,
                             param=broadcast.audience_param, now=now, tz=tz):
        version = person.language if person.language in versions else SOURCE
        reach = outbox.channel_for(person, kind=OutboxKind.broadcast)
        tally = counts.setdefault(version, {})
        tally[reach] = tally.get(reach, 0) + 1
    return {lang: Preview(**counts[lang]) for lang in sorted(counts, key=LANGUAGES.index)}
