"""The identity cache: a full cache drops its oldest identities, not every one it holds."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from handlers import access
from storage.db import Database
from tests.auxil.factories import Factory


class CountingDb:
    """The database under test, counting the identities looked up."""

    def __init__(self, db: Database) -> None:
        self.db, self.lookups = db, 0

    async def run(self, fn: Any, /, **kwargs: Any) -> Any:
        self.lookups += 1
        return await self.db.run(fn, **kwargs)


async def test_a_full_cache_drops_the_oldest(db: Database, make: Factory,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(access, "IDENTITIES_KEPT", 3)
    for n in range(4):
        make.participant(str(n + 1), f"Osoba{n}", telegram_user_id=9000 + n)
    counting = CountingDb(db)
    context: Any = SimpleNamespace(bot_data={}, deps=SimpleNamespace(db=counting))
    for n in range(4):  # the fourth pushes out the first only
        who = await access.identity_of(context, 9000 + n)
        assert who.participant is not None and who.participant.first_name == f"Osoba{n}"
    assert list(context.bot_data["identities"]) == [9001, 9002, 9003]
    for n in (1, 2, 3):
        await access.identity_of(context, 9000 + n)
    assert counting.lookups == 4  # the three kept were not looked up again
    await access.identity_of(context, 9000)
    assert counting.lookups == 5 and list(context.bot_data["identities"]) == [9002, 9003, 9000]
