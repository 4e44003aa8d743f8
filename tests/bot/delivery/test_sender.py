"""The one sender: a broadcast and reminders share one pace under Telegram's limits."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from bot.delivery.sender import deliver_due
from bot.sandbox.botapi import BotApiStandIn
from storage import broadcasts, outbox
from storage.models import OutboxMessage
from tests.auxil.harness import Harness

PEOPLE, STAFF = 30, 30


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandIn]:
    """The stand-in enforcing Telegram's limits (30/s overall, 1/s per chat → 429)."""
    async with BotApiStandIn(enforce_limits=True) as stand_in:
        yield stand_in
        assert stand_in.unknown_calls == [], stand_in.dump()


async def test_a_broadcast_and_reminders_share_the_pacer(bot: Harness) -> None:
    now = bot.clock.now()
    for n in range(PEOPLE):
        bot.participant(f"P{n}", "Osoba", telegram_user_id=3000 + n, phone=None)
    staff = [bot.staff(f"S{n}", "psychologist", telegram_user_id=4000 + n) for n in range(STAFF)]
    boss = bot.staff("Koordynatorka", "coordinator", telegram_user_id=5001)
    draft = bot.db.call(broadcasts.start_draft, staff_id=boss.id, now=now, text="Ogłoszenie")
    bot.db.call(broadcasts.set_audience, broadcast_id=draft.id, staff_id=boss.id, audience="all")
    bot.db.call(broadcasts.confirm, broadcast_id=draft.id, staff_id=boss.id, now=now,
                tz=bot.deps.settings.tz)
    with bot.db.session() as s:
        for member in staff:
            assert outbox.enqueue(session=s, dedupe_key=f"r:{member.id}", kind="reminder",
                                  text="Przypomnienie", due_at=now, staff=member) is not None
    limiter = bot.live.app.bot.rate_limiter
    before = limiter.bulk_requests  # type: ignore[union-attr]
    stats = await deliver_due(bot.live.app)
    assert stats.counts == {"sent": PEOPLE + STAFF}
    assert limiter.bulk_requests - before == PEOPLE + STAFF  # type: ignore[union-attr]
    assert bot.api.count_429 == 0  # one pace for both: two at 28/s each would earn 429s
    chats = Counter(m.chat_id for cid in [*range(3000, 3000 + PEOPLE), *range(4000, 4000 + STAFF)]
                    for m in bot.api.chat(cid))
    assert set(chats.values()) == {1} and len(chats) == PEOPLE + STAFF
    with bot.db.session() as s:
        assert {m.status for m in s.exec(select(OutboxMessage))} == {"sent"}
