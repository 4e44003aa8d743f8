"""The outbox at a glance (kisbot status, /metrics): due, later, sent and failed by channel."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import update

from storage import outbox
from storage.clock import ManualClock
from storage.db import Database
from storage.models import OutboxMessage
from storage.ops_status import queue_state
from tests.auxil.factories import Factory


def test_queue_state_counts_by_channel_and_window(db: Database, clock: ManualClock,
                                                  make: Factory) -> None:
    on_telegram = make.participant("1", "Anna", telegram_user_id=1001)
    on_sms = make.participant("2", "Ola", phone="+48601234567")
    now = clock.now()
    plan = [("late", on_telegram, -timedelta(minutes=10)), ("due", on_sms, -timedelta(minutes=1)),
            ("later", on_sms, timedelta(hours=3)), ("sent", on_telegram, -timedelta(hours=2)),
            ("failed", on_sms, -timedelta(hours=2)), ("old", on_sms, -timedelta(days=3))]
    with db.session() as s:
        for key, who, offset in plan:
            outbox.enqueue(session=s, dedupe_key=key, kind="notice", text="t", due_at=now + offset,
                           participant=who)
    with db.session() as s:
        for key, values in (
                ("sent", {"status": "sent", "sent_at": now - timedelta(hours=1)}),
                ("failed", {"status": "failed", "claimed_at": now - timedelta(hours=1),
                            "last_error": "blocked the bot"}),
                ("old", {"status": "failed", "claimed_at": now - timedelta(days=2),
                         "last_error": "ancient"})):
            s.exec(update(OutboxMessage).where(OutboxMessage.dedupe_key == key).values(**values))
    state = db.call(queue_state, now=now)
    assert (state.due, state.later, state.sending) == ({"telegram": 1, "sms": 1}, 1, 0)
    assert state.oldest_due_seconds(now) == 600
    assert (state.sent, state.failed) == ({"telegram": 1}, {"sms": 1})
    assert state.last_sent_at == now - timedelta(hours=1)
    assert state.reasons == [("blocked the bot", 1)]
