"""The floor for bench/updates.py: a bare python-telegram-bot echo bot, same transport settings."""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters
from telegram.request import HTTPXRequest


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with the same text."""
    assert update.effective_chat is not None and update.effective_message is not None
    await update.effective_chat.send_message(update.effective_message.text or "?")


def main() -> None:
    """Run until terminated."""
    root = os.environ["TELEGRAM_API_URL"]
    app = (ApplicationBuilder().token(os.environ["TELEGRAM_BOT_TOKEN"])
           .base_url(f"{root}/bot").base_file_url(f"{root}/file/bot")
           .request(HTTPXRequest(connection_pool_size=16))
           .get_updates_request(HTTPXRequest(connection_pool_size=2, read_timeout=40))
           .concurrent_updates(8).build())
    app.add_handler(MessageHandler(filters.ALL, echo))
    app.run_polling(poll_interval=0.0)


if __name__ == "__main__":
    main()
