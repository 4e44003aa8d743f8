"""A notice's versions per language in the store: who reads which, validation, the rows."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from storage import broadcasts, notice_languages
from storage.clock import ManualClock
from storage.db import Database
from storage.errors import DomainError
from storage.models import OutboxMessage
from tests.auxil.factories import coordinator, person

TZ = ZoneInfo("Europe/Warsaw")


def draft(db: Database, clock: ManualClock, staff_id: int, text: str = "Zebranie jutro.") -> int:
    made = db.call(broadcasts.start_draft, staff_id=staff_id, now=clock.now())
    db.call(broadcasts.set_text, broadcast_id=made.id, staff_id=staff_id, text=text)
    return made.id  # type: ignore[return-value]


def test_versions_reach_their_readers_and_everyone_else_gets_polish(db: Database,
                                                                    clock: ManualClock) -> None:
    staff_id = coordinator(db)
    person(db, "1", telegram_user_id=1, language="uk")
    person(db, "2", phone="+48601000002", language="uk")
    person(db, "3", telegram_user_id=3, language="en")
    person(db, "4", telegram_user_id=4)
    assert db.call(notice_languages.languages_spoken, now=clock.now(), tz=TZ) == ["uk", "en"]
    notice = draft(db, clock, staff_id)
    with pytest.raises(DomainError):  # nothing asked for yet
        db.call(notice_languages.set_translation, broadcast_id=notice, staff_id=staff_id,
                text="Збори завтра.", now=clock.now())
    db.call(notice_languages.ask_translation, broadcast_id=notice, staff_id=staff_id, language="uk")
    assert db.call(broadcasts.open_draft, staff_id=staff_id, now=clock.now()).id == notice
    for bad in ("   ", "ж" * 1001):
        with pytest.raises(DomainError):
            db.call(notice_languages.set_translation, broadcast_id=notice, staff_id=staff_id,
                    text=bad, now=clock.now())
    db.call(notice_languages.set_translation, broadcast_id=notice, staff_id=staff_id,
            text=" Збори завтра. ", now=clock.now())
    assert db.call(broadcasts.open_draft, staff_id=staff_id, now=clock.now()) is None
    with pytest.raises(ValueError):
        db.call(notice_languages.ask_translation, broadcast_id=notice, staff_id=staff_id,
                language="pl")
    db.call(broadcasts.set_audience, broadcast_id=notice, staff_id=staff_id, audience="all")
    found = db.call(broadcasts.get, broadcast_id=notice)
    by_language = db.call(notice_languages.preview_by_language, broadcast=found, now=clock.now(),
                          tz=TZ)
    assert {lang: (p.telegram, p.sms) for lang, p in by_language.items()} == {
        "pl": (2, 0), "uk": (1, 1)}  # the English reader has no version: Polish
    db.call(broadcasts.confirm, broadcast_id=notice, staff_id=staff_id, now=clock.now(), tz=TZ)
    with db.session() as s:
        texts = {m.phone or m.chat_id: m.text for m in s.exec(
            select(OutboxMessage).where(col(OutboxMessage.broadcast_id) == notice))}
    assert texts == {1: "Збори завтра.", "+48601000002": "Збори завтра.",
                     3: "Zebranie jutro.", 4: "Zebranie jutro."}


def test_another_coordinators_draft_cannot_be_translated(db: Database, clock: ManualClock) -> None:
    mine, theirs = coordinator(db), coordinator(db)
    notice = draft(db, clock, mine)
    with pytest.raises(DomainError):
        db.call(notice_languages.ask_translation, broadcast_id=notice, staff_id=theirs,
                language="uk")


def test_choosing_the_audience_stops_waiting_for_a_translation(db: Database,
                                                               clock: ManualClock) -> None:
    """From an older keyboard, say: the coordinator's next message is not taken as one."""
    staff_id = coordinator(db)
    person(db, "1", telegram_user_id=1, language="uk")
    notice = draft(db, clock, staff_id)
    db.call(notice_languages.ask_translation, broadcast_id=notice, staff_id=staff_id, language="uk")
    db.call(broadcasts.set_audience, broadcast_id=notice, staff_id=staff_id, audience="all")
    assert db.call(broadcasts.open_draft, staff_id=staff_id, now=clock.now()) is None
    assert db.call(broadcasts.get, broadcast_id=notice).translations is None
