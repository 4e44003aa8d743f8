"""GET /metrics of a running bot (polling mode: the HEALTH_PORT listener), scraped like Prometheus."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.sandbox.botapi import BotApiStandIn
from storage import backup_schedule, outbox
from storage.clock import ManualClock
from storage.db import Database
from tests.auxil.factories import Factory, free_port
from tests.auxil.harness import make_settings, serving

LABEL_VALUES = {"telegram", "sms", "message", "callback_query", "edited_message", "other",
                "my_chat_member", "sent", "failed", "dropped", "retry", "database", "scheduler",
                "unknown"}


async def scrape(url: str) -> dict[tuple[str, tuple], float]:
    """Every sample: (name, sorted labels) -> value."""
    async with aiohttp.ClientSession() as http, http.get(f"{url}/metrics") as answer:
        assert answer.status == 200
        assert answer.headers["Content-Type"].startswith("text/plain; version=")
        text = await answer.text()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def eventually(check, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    """Wait for an async condition (the sender flushes its outcomes in the background)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


def command(api: BotApiStandIn, user_id: int, text: str) -> dict:
    """A private message carrying a command."""
    user = api.add_user(user_id, first_name="Ola")
    return {"message": {"message_id": 1, "date": api.now(), "text": text, "from": user.user_json(),
                        "chat": {"id": user_id, "type": "private", "first_name": "Ola"},
                        "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}]}}


async def test_metrics_count_updates_sends_throttling_segments_and_backups(
        api: BotApiStandIn, db: Database, db_url: str, clock: ManualClock, make: Factory) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    member = make.staff("Monika", "coordinator", telegram_user_id=5001)
    person = make.participant("12", "Anna", phone="+48601234567")
    async with serving(make_settings(api, db_url, health_port=port), clock):
        async def healthy() -> bool:
            async with aiohttp.ClientSession() as http, http.get(f"{url}/healthz") as answer:
                return answer.status == 200
        await eventually(healthy)

        api.push_update(command(api, 77, "/pomoc"))
        await api.wait_for(lambda: api.chat(77), what="the reply to /pomoc")
        api.fail_next("sendMessage", retry_after=1)  # the next send is refused once
        with db.session() as s:
            for key, who in (("m:staff", {"staff": member}), ("m:sms", {"participant": person})):
                outbox.enqueue(session=s, dedupe_key=key, kind="notice", text="Dzień dobry",
                               due_at=clock.now() - timedelta(minutes=5), **who)
        first = await scrape(url)
        assert first[("kisbot_outbox_due", (("channel", "telegram"),))] == 1
        assert first[("kisbot_outbox_oldest_due_seconds", ())] == 300

        async def both_sent() -> bool:
            found = await scrape(url)
            return all(found.get(("kisbot_outbox_sends_total",
                                  (("channel", c), ("outcome", "sent")))) == 1
                       for c in ("telegram", "sms"))
        await eventually(both_sent)
        db.call(backup_schedule.record_success, now=clock.now(), file="b.tar.gz", size=10)
        found = await scrape(url)

    assert found[("kisbot_updates_total", (("kind", "message"),))] >= 1
    assert found[("kisbot_update_seconds_count", (("kind", "message"),))] >= 1
    assert found[("kisbot_throttled_total", (("channel", "telegram"),))] == 1
    assert found[("kisbot_sms_segments_total", ())] == 1
    assert found[("kisbot_outbox_due", (("channel", "telegram"),))] == 0
    assert found[("kisbot_outbox_oldest_due_seconds", ())] == 0
    assert found[("kisbot_last_backup_timestamp_seconds", ())] == clock.now().timestamp()
    labels = {value for (_, pairs) in found for _, value in pairs}
    assert labels - {"+Inf"} - {str(b) for b in (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                                                 5.0, 10.0, 30.0)} <= LABEL_VALUES
