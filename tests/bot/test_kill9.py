"""kill -9 of `kisbot run` at any moment loses no acknowledged action and leaves no half-done one."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.sandbox.botapi import BotApiStandIn
from storage import consultations, people
from storage.consultation_rules import parse_slot_request
from storage.db import Database
from storage.models import Booking, BookingStatus, HourEntry, HourStatus, WorkSite

WAW = ZoneInfo("Europe/Warsaw")
CODE = str(Path(__file__).resolve().parents[2])  # the child runs this checkout's code


async def start_bot(api: BotApiStandIn, url: str, cwd: Path) -> asyncio.subprocess.Process:
    """`python -m bot run` against the stand-in; returns once it polls."""
    polls = len(api.calls("getUpdates"))
    env = {**os.environ, "PYTHONPATH": CODE, "TELEGRAM_BOT_TOKEN": api.token,
           "TELEGRAM_API_URL": api.url, "DATABASE_URL": url, "HEALTH_PORT": "0"}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=cwd,
                                                env=env, stdout=asyncio.subprocess.DEVNULL,
                                                stderr=asyncio.subprocess.DEVNULL)
    await api.wait_for(lambda: len(api.calls("getUpdates")) > polls, timeout=30, what="polling")
    return proc


def kill(proc: asyncio.subprocess.Process) -> None:
    proc.send_signal(signal.SIGKILL)


async def restart(api: BotApiStandIn, url: str, cwd: Path,
                  last_update: int) -> asyncio.subprocess.Process:
    """Start the bot again; an update the killed one never confirmed comes again, so wait for
    its answer (updates are handled concurrently: the next one must not overtake it)."""
    replayed, answered = not api.confirmed(last_update), len(api.chat(1001))
    proc = await start_bot(api, url, cwd)
    if replayed:
        await api.wait_for(lambda: len(api.chat(1001)) > answered, timeout=20,
                           what="the answer to the update the killed bot left unconfirmed")
    return proc


def message(api: BotApiStandIn, user_id: int, text: str) -> dict:
    user = api.users.get(user_id) or api.add_user(user_id, first_name="Anna")
    return {"message": {"message_id": api.next_message_id(user_id), "date": api.now(),
                        "text": text, "from": user.user_json(),
                        "chat": {"id": user_id, "type": "private", "first_name": "Anna"},
                        "entities": [{"type": "bot_command", "offset": 0,
                                      "length": len(text.split()[0])}]}}


def press(api: BotApiStandIn, user_id: int, data: str) -> dict:
    user = api.users[user_id]
    last = api.chat(user_id)[-1]
    return {"callback_query": {"id": f"cb{random.random()}", "from": user.user_json(),
                               "chat_instance": "1", "data": data,
                               "message": api.message_json(last)}}


def seed(url: str) -> int:
    db = Database(url)
    now = datetime.now(UTC)
    with db.session() as s:
        s.add(WorkSite(name="Park"))
    anna = db.call(people.add_participant, new=people.NewParticipant(
        number="1", first_name="Anna", last_name="T", gender="K", phone=None,
        referred_on=date(2020, 1, 1), work_site="Park"), actor="cli", now=now)
    with db.session() as s:
        s.get(type(anna), anna.id).telegram_user_id = 1001  # type: ignore[union-attr]
    monika = db.call(people.add_staff, name="K", roles=["psychologist"], telegram_user_id=None,
                    phone=None, actor="cli", now=now)
    tomorrow = (now.astimezone(WAW) + timedelta(days=3)).date()
    [slot, *_] = db.call(consultations.publish_slots, staff=monika,
                         request=parse_slot_request([f"{tomorrow:%d.%m.%Y}", "10:00-12:00",
                                                     "swieto"], tomorrow), now=now, tz=WAW,
                         default_minutes=60).created
    db.dispose()
    return slot.id  # type: ignore[return-value]


async def test_acknowledged_actions_survive_kill_9(api: BotApiStandIn, db_url: str,
                                                   tmp_path: Path) -> None:
    slot_id = seed(db_url)
    proc = await start_bot(api, db_url, tmp_path)
    db = Database(db_url)
    stored = None
    for hours in ("4", "4.5", "5"):  # kill at a random moment after each request
        seen = len(api.chat(1001))
        last = api.push_update(message(api, 1001, f"/godziny {hours.replace('.', ',')}"))
        await asyncio.sleep(random.uniform(0, 0.08))
        kill(proc)
        await proc.wait()
        acknowledged = any(m.text and m.text.startswith(("Zapisano", "Zmieniono"))
                           for m in api.chat(1001)[seen:])
        with db.session() as s:
            now_stored = [Decimal(e.hours) for e in s.exec(select(HourEntry))]
        # Acknowledged: saved. Not acknowledged: saved or not, but never anything else.
        allowed = [[Decimal(hours)]] if acknowledged else [[Decimal(hours)],
                                                            [stored] if stored else []]
        assert now_stored in allowed, (hours, acknowledged, now_stored)
        proc = await restart(api, db_url, tmp_path, last)
        with db.session() as s:  # what the replayed update (if any) left
            stored = next((Decimal(e.hours) for e in s.exec(select(HourEntry))), stored)
    answered = len(api.chat(1001))
    api.push_update(message(api, 1001, "/godziny 6"))  # then one that surely completes

    def six_saved() -> bool:  # its own answer, not an earlier one ("… w tym miesiącu: 36 godzin")
        if len(api.chat(1001)) <= answered:
            return False
        first_line = (api.chat(1001)[-1].text or "").split("\n")[0]
        return (
            first_line.startswith("Zapisano 6 godzin") or first_line.endswith("jest 6 godzin."))

    await api.wait_for(six_saved, timeout=20)
    api.push_update(press(api, 1001, f"bk:ok:{slot_id}"))
    await api.wait_for(lambda: (api.chat(1001)[-1].text or "").startswith("Umówione"), timeout=20)
    kill(proc)  # right after the acknowledgement
    await proc.wait()
    with db.session() as s:
        entries = s.exec(select(HourEntry)).all()
        bookings = s.exec(select(Booking)).all()
    db.dispose()
    assert [(e.hours, e.status) for e in entries] == [(6, HourStatus.submitted)]  # one entry, never half
    assert [(b.slot_id, b.status) for b in bookings] == [(slot_id, BookingStatus.booked)]
