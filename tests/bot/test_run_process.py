"""`kisbot run` as a real process against the Bot API stand-in."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from bot.sandbox.botapi import BotApiStandIn
from storage import invites, people
from storage.db import Database

CODE = str(Path(__file__).resolve().parents[2])  # the child runs this checkout's code


def participant_with_code(db: Database) -> str:
    """Add a participant and return an invite code for them."""
    now = datetime.now(UTC)
    new = people.NewParticipant(number="7", first_name="Ola", last_name="Lis", gender="K",
                                phone=None, referred_on=date(2026, 1, 5))
    added = db.call(people.add_participant, new=new, actor="cli", now=now)
    return db.call(invites.create_invite, participant=added, now=now, ttl_days=14, actor="cli")


async def test_kisbot_run_serves_until_terminated(api: BotApiStandIn, db_url: str,
                                                  tmp_path: Path) -> None:
    url = db_url
    env = {**os.environ, "PYTHONPATH": CODE, "TELEGRAM_BOT_TOKEN": api.token,
           "TELEGRAM_API_URL": api.url, "DATABASE_URL": url, "HEALTH_PORT": "0", "PYTHONUNBUFFERED": "1"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        await api.wait_for(lambda: api.calls("getUpdates"), timeout=30, what="the bot polls")
        db = Database(url)  # `kisbot run` has migrated it
        code = participant_with_code(db)
        db.dispose()
        ola = api.add_user(4242, first_name="Ola")
        api.push_update({"message": {
            "message_id": api.next_message_id(4242), "date": api.now(),
            "chat": {"id": 4242, "type": "private", "first_name": "Ola"},
            "from": ola.user_json(),
            "text": f"/start {code}",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}})
        greeting = await api.wait_for(
            lambda: [m for m in api.chat(4242) if m.text and m.text.startswith("Dzień dobry, Ola")],
            timeout=15, what="the greeting")
        assert greeting
    finally:
        proc.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(proc.communicate(), timeout=20)
    log = output.decode()
    assert proc.returncode == 0, log
    assert "kisbot is running as @kisbot_test_bot" in log
    assert "Ola" not in log and code not in log  # no names or codes in the log
    assert api.token not in log and "TEST-TOKEN" not in log
    assert all(line.startswith("{") for line in log.splitlines() if line.strip()), log
