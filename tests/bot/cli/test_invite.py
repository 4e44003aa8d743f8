"""`kisbot invite` needs no Telegram once the bot has started, and rides out Telegram's stutters."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app, botname
from bot.sandbox.botapi import BotApiStandIn
from storage import facts
from storage.db import Database
from tests.auxil.factories import Factory, free_port
from tests.auxil.harness import Harness


async def invite(db_url: str, api_url: str, token: str, number: str = "5"):
    """`kisbot invite NUMBER` in a thread (it runs its own event loop), like an admin would."""
    env = {"DATABASE_URL": db_url, "TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": api_url,
           "BOT_USERNAME": ""}
    return await asyncio.to_thread(CliRunner().invoke, app, ["invite", number], env=env)


@pytest.fixture(autouse=True)
def _quick_backoff(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(botname, "FIRST_DELAY", 0.01)
    monkeypatch.chdir(tmp_path)  # no stray .env


async def test_invite_works_with_telegram_unreachable_once_the_bot_started(
        bot: Harness, db_url: str) -> None:
    bot.participant("5", "Ola")
    assert bot.db.call(facts.recall, key=facts.BOT_USERNAME) == "kisbot_test_bot"  # at start
    calls = len(bot.api.calls("getMe"))
    result = await invite(db_url, f"http://127.0.0.1:{free_port()}", bot.api.token)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("https://t.me/kisbot_test_bot?start=")
    assert len(bot.api.calls("getMe")) == calls


async def test_transient_failures_are_retried_and_the_name_kept(
        api: BotApiStandIn, db: Database, db_url: str, make: Factory) -> None:
    make.participant("5", "Ola")
    api.fail_next("getMe", status=502, description="Bad Gateway", times=2)
    result = await invite(db_url, api.url, api.token)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("https://t.me/kisbot_test_bot?start=")
    assert db.call(facts.recall, key=facts.BOT_USERNAME) == "kisbot_test_bot"
    asked = len(api.calls("getMe"))
    assert (await invite(db_url, api.url, api.token)).exit_code == 0
    assert len(api.calls("getMe")) == asked  # the second invite asks nobody


async def test_a_lasting_failure_is_one_line(db: Database, db_url: str, make: Factory) -> None:
    make.participant("5", "Ola")
    result = await invite(db_url, f"http://127.0.0.1:{free_port()}", "123:abc")
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert line.startswith("Błąd: nie udało się zapytać Telegrama") and "BOT_USERNAME" in line
