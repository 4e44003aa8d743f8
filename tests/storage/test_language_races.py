"""A participant's language set by two staff at once, and a notice's translation written while
it is being sent: interleaved on purpose (tests/auxil/races.py), on PostgreSQL and SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import func, select

from storage import broadcasts, notice_languages, people
from storage.clock import ManualClock
from storage.db import Database
from storage.models import AuditLog, Broadcast
from tests.auxil.factories import Factory
from tests.auxil.races import interleave, race_backends

WAW = ZoneInfo("Europe/Warsaw")


@pytest.fixture(params=["postgresql", "sqlite"])
def rdb(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The store on each backend."""
    yield from race_backends(request, tmp_path)


def audits(db: Database, action: str) -> int:
    with db.session() as s:
        return s.exec(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == action)).one()


def test_two_staff_setting_the_same_language_at_once_change_it_once(
        rdb: Database, clock: ManualClock) -> None:
    olena = Factory(rdb, clock).participant("1", "Olena")

    def set_uk(actor: str):  # type: ignore[no-untyped-def]
        return lambda s: people.change_language(session=s, participant_id=olena.id,
                                                language="uk", actor=actor, now=clock.now())[1]

    race = interleave(rdb, set_uk("staff:1"), set_uk("staff:2"))
    assert race.second_waited and (race.first, race.second) == (True, False)
    assert audits(rdb, "participant_language") == 1


def test_a_translation_after_the_confirm_is_refused(rdb: Database, clock: ManualClock) -> None:
    make = Factory(rdb, clock)
    staff_id = make.staff("K", "coordinator").id
    make.participant("1", "Olena", telegram_user_id=11, language="uk")
    draft = rdb.call(broadcasts.start_draft, staff_id=staff_id, now=clock.now())
    rdb.call(broadcasts.set_text, broadcast_id=draft.id, staff_id=staff_id, text="Zebranie.")
    rdb.call(notice_languages.ask_translation, broadcast_id=draft.id, staff_id=staff_id,
             language="uk")
    rdb.call(broadcasts.set_audience, broadcast_id=draft.id, staff_id=staff_id, audience="all")
    race = interleave(
        rdb, lambda s: broadcasts.confirm(session=s, broadcast_id=draft.id, staff_id=staff_id,
                                          now=clock.now(), tz=WAW).status,
        lambda s: notice_languages.set_translation(session=s, broadcast_id=draft.id,
                                                   staff_id=staff_id, text="Збори.",
                                                   now=clock.now()))
    assert race.second_waited and race.second_refused == "broadcast_not_draft"
    with rdb.session() as s:
        sent = s.get(Broadcast, draft.id)
        assert sent is not None and not sent.translations  # what was confirmed is what goes
