"""The sandbox's JSON API over real HTTP, with the real bot running in-process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.sandbox import run_sandbox
from bot.sandbox.world import image_type
from storage.settings import load_settings

JSON = {"Content-Type": "application/json"}


class Page:
    """What the web page does, as plain HTTP calls."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session = session
        self.url = url

    async def get(self, path: str, status: int = 200) -> Any:
        async with self.session.get(self.url + path) as response:
            assert response.status == status, await response.text()
            return await response.json() if status == 200 else None

    async def post(self, path: str, body: Any, status: int = 200) -> None:
        async with self.session.post(self.url + path, json=body) as response:
            assert response.status == status, await response.text()

    async def wait(self, path: str, check: Callable[[Any], Any], timeout: float = 10.0) -> Any:
        """Long-poll /api/state until `check(GET path)` is truthy."""
        version = ""
        async with asyncio.timeout(timeout):
            while True:
                data = await self.get(path)
                if check(data):
                    return data
                state = await self.get(f"/api/state?version={version}")
                version = state["version"]


def bot_texts(chat: dict[str, Any]) -> list[str]:
    return [m["text"] for m in chat["messages"] if m["from"] == "bot"]


@pytest.fixture
async def page(tmp_path: Path) -> AsyncIterator[Page]:
    """The sandbox (bot, stand-in, demo data, web server on a free port) and an HTTP client."""
    settings = load_settings(None, telegram_bot_token=None, sandbox_port=0,
                             sandbox_db_file=str(tmp_path / "sandbox.db"))
    stop, started = asyncio.Event(), asyncio.get_running_loop().create_future()

    async def ready(url: str) -> None:
        started.set_result(url)

    task = asyncio.create_task(run_sandbox(settings, stop=stop, ready=ready))
    url = await asyncio.wait_for(asyncio.shield(started), 30)
    async with aiohttp.ClientSession() as session:
        yield Page(session, url)
    stop.set()
    await asyncio.wait_for(task, 30)
    assert not (tmp_path / "kis.db").exists()


async def test_people_are_listed_with_their_channel(page: Page) -> None:
    people = await page.get("/api/people")
    staff = [p for p in people if p["key"].startswith("s")]
    participants = [p for p in people if p["key"].startswith("p")]
    assert [p["label"] for p in staff] == ["psycholog", "doradca zawodowy",
                                           "pracownik socjalny, koordynator"]
    assert len(participants) == 12
    assert sum(p["telegram"] for p in participants) == 7
    assert sum(p["sms"] for p in participants) == 5
    assert people[3]["name"] == "Anna Kowalska" and people[3]["telegram"]


async def test_a_participant_chats_and_presses_a_button(page: Page) -> None:
    await page.post("/api/chat/p1/send", {"text": "/start"})
    chat = await page.wait("/api/chat/p1", lambda c: bot_texts(c))
    assert chat["messages"][0] == {"id": 1, "from": "me", "date": chat["messages"][0]["date"],
                                   "text": "/start"}
    greeting = chat["messages"][1]
    assert greeting["text"].startswith("Dzień dobry, Anna!")
    button = next(b for row in greeting["buttons"] for b in row if "Pomoc" in b["text"])
    await page.post("/api/chat/p1/press", {"message_id": greeting["id"], "data": button["data"]})
    chat = await page.wait("/api/chat/p1", lambda c: len(bot_texts(c)) >= 2)
    assert "Oto, co możesz zrobić" in bot_texts(chat)[-1]


async def test_staff_see_their_own_chat(page: Page) -> None:
    await page.post("/api/chat/s1/send", {"text": "/start"})
    chat = await page.wait("/api/chat/s1", bot_texts)
    assert bot_texts(chat)[0].startswith("Dzień dobry, Monika Sowa!")
    assert (await page.get("/api/chat/p1"))["messages"] == []


async def test_forged_and_malformed_requests_are_refused(page: Page) -> None:
    await page.post("/api/chat/p1/send", {"text": "/start"})
    chat = await page.wait("/api/chat/p1", bot_texts)
    bot_message = chat["messages"][-1]["id"]
    await page.post("/api/chat/p1/press", {"message_id": bot_message, "data": "cmd:forged"}, 404)
    await page.post("/api/chat/p1/press", {"message_id": 999, "data": "cmd:pomoc"}, 404)
    await page.post("/api/chat/nobody/send", {"text": "hej"}, 404)
    await page.post("/api/chat/p1/send", {"text": "   "}, 400)
    await page.post("/api/chat/p1/send", {"text": "x" * 4097}, 400)
    await page.post("/api/chat/p1/press", {"message_id": "1", "data": 2}, 400)
    async with page.session.post(page.url + "/api/chat/p1/send", data="text=/start") as response:
        assert response.status == 415  # other sites' forms cannot drive the bot
    await page.get("/api/sms/p1", 404)  # Anna uses Telegram, not SMS
    await page.get("/api/file/nothing", 404)


async def test_an_sms_only_person_texts_and_the_bot_answers(page: Page) -> None:
    people = {p["key"]: p for p in await page.get("/api/people")}
    assert people["p8"]["sms"] and not people["p8"]["telegram"]
    await page.get("/api/chat/p8", 404)
    await page.post("/api/sms/p8/send", {"text": "POMOC"})
    thread = await page.get("/api/sms/p8")
    assert [(m["incoming"], m["text"][:10]) for m in thread["messages"]] == [
        (True, "POMOC"), (False, "Polecenia:")]


async def test_the_clock_moves_forward_only(page: Page) -> None:
    before = await page.get("/api/state")
    await page.post("/api/clock/advance", {"minutes": 1440})
    after = await page.get(f"/api/state?version={before['version']}")
    assert after["offset_hours"] == 24.0 and after["clock"] != before["clock"]
    for bad in (0, -60, 44641, "60"):
        await page.post("/api/clock/advance", {"minutes": bad}, 400)


async def test_the_page_and_its_assets_are_local(page: Page) -> None:
    async with page.session.get(page.url + "/") as response:
        html = await response.text()
    assert '<html lang="pl">' in html
    for asset in ("/static/app.js", "/static/style.css"):
        assert asset in html
        async with page.session.get(page.url + asset) as response:
            assert response.status == 200
            body = await response.text()
            assert "http://" not in body and "https://" not in body  # no CDN, works offline
    assert "https://" not in html


async def test_documents_and_pictures_come_through(page: Page) -> None:
    await page.post("/api/chat/s3/send", {"text": "/raport"})  # Jan Kos, the coordinator
    chat = await page.wait("/api/chat/s3", lambda c: any(m.get("buttons") for m in c["messages"]))
    offer = next(m for m in chat["messages"] if m.get("buttons"))
    first = offer["buttons"][0][0]
    await page.post("/api/chat/s3/press", {"message_id": offer["id"], "data": first["data"]})
    chat = await page.wait("/api/chat/s3", lambda c: any("photo" in m for m in c["messages"])
                           and any("document" in m for m in c["messages"]), timeout=30)
    document = next(m["document"] for m in chat["messages"] if "document" in m)
    photo = next(m["photo"] for m in chat["messages"] if "photo" in m)
    assert document["name"].endswith(".xlsx") and document["size"] > 1000
    async with page.session.get(f"{page.url}/api/file/{document['id']}") as response:
        assert response.headers["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
        assert (await response.read())[:2] == b"PK"
    async with page.session.get(f"{page.url}/api/file/{photo['id']}") as response:
        assert response.headers["Content-Disposition"] == "inline; filename*=UTF-8''obrazek.png"
        assert response.content_type == "image/png"
        assert (await response.read())[:4] == b"\x89PNG"


def test_pictures_are_recognised_by_their_first_bytes() -> None:
    assert image_type(b"\x89PNG\r\n") == "image/png"
    assert image_type(b"GIF89a") == "image/gif"
    assert image_type(b"\xff\xd8\xff") == "image/jpeg"
