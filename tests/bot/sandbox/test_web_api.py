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
    assert len(participants) == 13
    assert sum(p["telegram"] for p in participants) == 7
    assert sum(p["sms"] for p in participants) == 6
    ukrainian = next(p for p in participants if p["name"] == "Solomiia Hnatiuk")
    assert ukrainian["sms"] and ukrainian["label"] == "uczestniczka, czyta po ukraińsku"
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
        (True, "POMOC"), (False, "Napisz: GO")]


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


async def press(page: Page, key: str, label: str) -> None:
    """Press the button with this label on the newest bot message that has it; wait for the answer."""
    chat = await page.get(f"/api/chat/{key}")
    found = [(message["id"], button["data"]) for message in chat["messages"]
             for row in message.get("buttons", []) for button in row if button["text"] == label]
    assert found, f"no button {label!r} in {bot_texts(chat)[-1:]}"
    message_id, data = found[-1]
    await page.post(f"/api/chat/{key}/press", {"message_id": message_id, "data": data})
    await page.wait(f"/api/chat/{key}", lambda now, before=chat["messages"]: now["messages"] != before)


async def test_moving_the_clock_runs_what_fell_due(page: Page) -> None:
    """Issue 19: a day forward, the promised reminder arrives; SMS show as the provider sent them."""
    await page.post("/api/chat/p1/send", {"text": "/wizyta"})
    await page.wait("/api/chat/p1", bot_texts)
    await press(page, "p1", "🧠 Psycholog")
    chat = await page.get("/api/chat/p1")
    day = chat["messages"][-1]["buttons"][0][0]["text"]
    await press(page, "p1", day)
    chat = await page.get("/api/chat/p1")
    await press(page, "p1", chat["messages"][-1]["buttons"][0][0]["text"])
    await press(page, "p1", "✅ Tak, umawiam")
    booked = bot_texts(await page.get("/api/chat/p1"))[-1]
    assert booked.startswith("Umówione!") and "Przypomnimy Ci" in booked
    answer = None
    for _ in range(14):  # a day at a time until the reminder comes (the first slot may be days off)
        async with page.session.post(page.url + "/api/clock/advance", json={"minutes": 1440}) as r:
            answer = await r.json()
        texts = bot_texts(await page.get("/api/chat/p1"))
        if any(t.startswith("⏰ Przypomnienie:") for t in texts):
            break
    assert answer is not None and answer["steps"] >= 96  # every quarter hour of the day
    reminder = next(t for t in texts if t.startswith("⏰ Przypomnienie:"))
    assert "psycholog" not in reminder.lower()


async def test_an_sms_phone_shows_what_the_provider_was_given(page: Page) -> None:
    await page.post("/api/sms/p8/send", {"text": "WIZYTA"})
    thread = await page.wait("/api/sms/p8", lambda t: len(t["messages"]) >= 2)
    reply = thread["messages"][-1]
    assert reply["text"].startswith("Z kim chcesz porozmawiac?")  # transliterated, as sent
    assert (reply["segments"], reply["encoding"]) == (1, "GSM-7")


async def test_a_notice_reaches_the_sms_phones(page: Page) -> None:
    """Issue 19: notices the console provider sent are on the SMS phones, as sent."""
    await page.post("/api/chat/s3/send", {"text": "/ogloszenie Jutro zebranie o 10:00 w świetlicy."})
    await page.wait("/api/chat/s3", bot_texts)
    # The demo club has a participant who reads Ukrainian: a Ukrainian version is offered.
    await press(page, "s3", "🇺🇦 Dodaj wersję po ukraińsku")
    await page.post("/api/chat/s3/send", {"text": "Завтра збори о 10:00 у світлиці."})
    await page.wait("/api/chat/s3", lambda c: "ukraińska ✓" in bot_texts(c)[-1])
    await press(page, "s3", "➡️ Dalej")
    await press(page, "s3", "👥 Wszyscy aktywni")
    preview = bot_texts(await page.get("/api/chat/s3"))[-1]
    assert "Po ukraińsku: Telegram 0, SMS 1 – 1 część na SMS (UCS-2)" in preview
    await press(page, "s3", "✅ Wyślij teraz")
    thread = await page.wait("/api/sms/p8", lambda t: any(
        "zebranie" in m["text"] for m in t["messages"]), timeout=20)
    notice = next(m for m in thread["messages"] if "zebranie" in m["text"])
    assert notice["text"] == "Jutro zebranie o 10:00 w swietlicy." and notice["segments"] == 1
    thread = await page.wait("/api/sms/p13", lambda t: any(
        "збори" in m["text"] for m in t["messages"]), timeout=20)
    notice = next(m for m in thread["messages"] if "збори" in m["text"])
    assert notice["text"] == "Завтра збори о 10:00 у світлиці."  # Cyrillic kept, as sent
    assert (notice["segments"], notice["encoding"]) == (1, "UCS-2")


def test_the_clock_lives_through_every_quarter_hour() -> None:
    from datetime import UTC, datetime, timedelta

    from bot.sandbox.world import clock_steps
    start = datetime(2026, 12, 7, 8, 7, 30, tzinfo=UTC)
    steps = clock_steps(start, start + timedelta(hours=1))
    assert [f"{s:%H:%M}" for s in steps] == ["08:15", "08:30", "08:45", "09:00", "09:07"]
    day = clock_steps(start, start + timedelta(days=1))
    assert len(day) == 97 and day[-1] == start + timedelta(days=1)
    month = clock_steps(start, start + timedelta(days=31))
    assert len(month) < 31 * 24 + 2 * 96  # hourly after the first two days
