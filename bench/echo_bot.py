"""The floor for bench/updates.py: a bare python-telegram-bot echo bot, same transport settings.

ECHO_CLIENT=kisbot: the echo bot talks to the Bot API through kisbot's own client
(bot/telegram_request.py, aiohttp) instead of PTB's default (httpx), so kisbot's shares can be
read against a floor with the same HTTP client as well as against the bare PTB one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters
from telegram.request import BaseRequest, HTTPXRequest


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with the same text."""
    assert update.effective_chat is not None and update.effective_message is not None
    await update.effective_chat.send_message(update.effective_message.text or "?")


def requests() -> tuple[BaseRequest, BaseRequest]:
    """The client for the bot's calls and the one for getUpdates (PTB's, or kisbot's)."""
    if os.environ.get("ECHO_CLIENT") == "kisbot":
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from bot.telegram_request import WatchedRequest

        def ignore(_status: int) -> None:
            return None

        return (WatchedRequest(on_answer=ignore, connection_pool_size=16),
                WatchedRequest(on_answer=ignore, connection_pool_size=2, read_timeout=40))
    return HTTPXRequest(connection_pool_size=16), HTTPXRequest(connection_pool_size=2,
                                                                 read_timeout=40)


def main() -> None:
    """Run until terminated."""
    root = os.environ["TELEGRAM_API_URL"]
    calls, updates = requests()
    app = (ApplicationBuilder().token(os.environ["TELEGRAM_BOT_TOKEN"])
           .base_url(f"{root}/bot").base_file_url(f"{root}/file/bot")
           .request(calls).get_updates_request(updates)
           .concurrent_updates(8).build())
    app.add_handler(MessageHandler(filters.ALL, echo))
    app.run_polling(poll_interval=0.0)


if __name__ == "__main__":
    main()
