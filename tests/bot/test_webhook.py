"""Webhook mode (PUBLIC_URL set): Telegram's secret_token is checked on every update."""

from __future__ import annotations

import asyncio

import aiohttp

from bot.sandbox.botapi import BotApiStandIn
from bot.webhook import SECRET_HEADER
from storage.clock import ManualClock
from tests.auxil.factories import free_port
from tests.auxil.harness import make_settings, serving


def start_update(api: BotApiStandIn, user_id: int, text: str) -> dict:
    user = api.add_user(user_id, first_name="Obcy")
    return {"update_id": 10, "message": {
        "message_id": 1, "date": api.now(), "text": text, "from": user.user_json(),
        "chat": {"id": user_id, "type": "private", "first_name": "Obcy"},
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]}}


async def test_webhook_accepts_only_updates_with_the_secret(api: BotApiStandIn, db_url: str,
                                                            clock: ManualClock) -> None:
    port = free_port()
    settings = make_settings(api, db_url, public_url=f"http://127.0.0.1:{port}",
                             webhook_port=port, webhook_secret="s3cret-Token_1")
    async with serving(settings, clock):
        [registered] = api.calls("setWebhook")
        assert registered["url"] == f"http://127.0.0.1:{port}/telegram"
        assert registered["secret_token"] == "s3cret-Token_1"
        url = f"http://127.0.0.1:{port}/telegram"
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {SECRET_HEADER: "wrong"}):
                async with http.post(url, json=start_update(api, 77, "/start"), headers=headers) as r:
                    assert r.status == 403
            async with http.post(url, data=b"not json",
                                 headers={SECRET_HEADER: "s3cret-Token_1"}) as r:
                assert r.status == 400
            assert api.chat(77) == []
            async with http.post(url, json=start_update(api, 78, "/pomoc"),
                                 headers={SECRET_HEADER: "s3cret-Token_1"}) as r:
                assert r.status == 200
        await api.wait_for(lambda: api.chat(78), what="the reply to a genuine update")
        assert api.chat(77) == [] and not api.calls("getUpdates")

async def test_a_redelivered_update_is_handled_once(api: BotApiStandIn, db_url: str,
                                                    clock: ManualClock) -> None:
    port = free_port()
    settings = make_settings(api, db_url, public_url=f"http://127.0.0.1:{port}",
                             webhook_port=port, webhook_secret="s3cret-Token_1")
    async with serving(settings, clock):
        url, headers = f"http://127.0.0.1:{port}/telegram", {SECRET_HEADER: "s3cret-Token_1"}
        update = start_update(api, 78, "/pomoc")
        sentinel = {**start_update(api, 79, "/pomoc"), "update_id": 11}
        async with aiohttp.ClientSession() as http:
            for body in (update, update, sentinel):
                async with http.post(url, json=body, headers=headers) as r:
                    assert (r.status, await r.text()) == (200, "ok")
        await api.wait_for(lambda: api.chat(79), what="the reply to the update after the replay")
    assert len(api.chat(78)) == 1  # whatever was queued before the sentinel is handled by now


async def test_the_webhook_server_answers_health_and_metrics(api: BotApiStandIn, db_url: str,
                                                             clock: ManualClock) -> None:
    port = free_port()
    settings = make_settings(api, db_url, public_url=f"http://127.0.0.1:{port}",
                             webhook_port=port, webhook_secret="s3cret-Token_1")
    async with serving(settings, clock), aiohttp.ClientSession() as http:
        for _ in range(200):  # the scheduler's catch-up run marks it alive
            async with http.get(f"http://127.0.0.1:{port}/healthz") as r:
                status, body = r.status, await r.json()
            if status == 200:
                break
            await asyncio.sleep(0.05)
        assert (status, body["status"]) == (200, "ok")
        async with http.get(f"http://127.0.0.1:{port}/metrics") as r:
            assert r.status == 200 and "kisbot_outbox_due" in await r.text()
