"""The bot's @username for invite links: from the settings, the database, or Telegram.

`kisbot run` stores the username at every start, so `kisbot invite` works with Telegram
unreachable once the bot has started once. Otherwise Telegram is asked (getMe), transient
failures (timeouts, 5xx, 429) are retried with backoff, and a lasting failure is one line.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError

from bot.cli.common import SANDBOX_BOT_USERNAME, fail, now
from bot.delivery.ratelimit import retry_seconds
from handlers.texts import cli as texts
from storage import facts
from storage.db import Database
from storage.settings import Settings

ATTEMPTS = 4
FIRST_DELAY = 1.0


def bot_username(cfg: Settings, db: Database, *,
                 sleep: Callable[[float], None] = time.sleep) -> str:
    """BOT_USERNAME, the sandbox's name, the name stored by `kisbot run`, or Telegram's."""
    if cfg.bot_username:
        return cfg.bot_username.lstrip("@")
    if cfg.sandbox:
        return SANDBOX_BOT_USERNAME
    stored = db.call(facts.recall, key=facts.BOT_USERNAME)
    if stored:
        return stored
    username = ask_telegram(cfg, sleep)
    db.call(facts.remember, key=facts.BOT_USERNAME, value=username, now=now())
    return username


def ask_telegram(cfg: Settings, sleep: Callable[[float], None]) -> str:
    """getMe, retrying transient failures; a lasting one ends the command with one line."""
    delay = FIRST_DELAY
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return asyncio.run(_get_me(cfg))
        except RetryAfter as exc:
            wait, problem = retry_seconds(exc), exc
        except InvalidToken as exc:
            fail(texts.BOT_NAME_UNKNOWN.format(reason=exc))
        except NetworkError as exc:  # timeouts, connection errors, 5xx
            wait, problem = delay, exc
        except TelegramError as exc:
            fail(texts.BOT_NAME_UNKNOWN.format(reason=exc))
        if attempt < ATTEMPTS:
            sleep(min(wait, 30))
            delay *= 2
    fail(texts.BOT_NAME_UNKNOWN.format(reason=problem))


async def _get_me(cfg: Settings) -> str:
    async with Bot(cfg.telegram_bot_token or "", base_url=f"{cfg.telegram_api_url}/bot") as bot:
        return bot.username
