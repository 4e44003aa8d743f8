"""The bot's ExtBot: answers each callback query at most once (Telegram refuses a second)."""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from telegram.ext import ExtBot

log = logging.getLogger(__name__)
REMEMBERED = 10_000  # answered query ids kept (a query lives seconds; this is hours of taps)


class KisBot(ExtBot[Any]):
    """ExtBot that remembers which callback queries it has answered.

    Telegram answers a second answerCallbackQuery with "query is too old … or query ID is
    invalid". A handler that acknowledges a press and then replies through a helper that also
    acknowledges, or the error handler after a handler that already answered, would draw that
    refusal: a second *plain* acknowledgement (no text, alert or URL) is therefore skipped. A
    second answer that carries text still goes to Telegram, so a real mistake stays visible.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._answered: OrderedDict[str, None] = OrderedDict()

    def answered(self, callback_query_id: str) -> bool:
        """Whether this process already answered (or tried to answer) the query."""
        return callback_query_id in self._answered

    async def answer_callback_query(self, callback_query_id: str, *args: Any,
                                    **kwargs: Any) -> bool:
        """answerCallbackQuery once; a repeated plain acknowledgement is a no-op."""
        plain = not args and not any(kwargs.get(k) for k in ("text", "show_alert", "url"))
        if plain and self.answered(callback_query_id):
            return True
        self._answered[callback_query_id] = None
        if len(self._answered) > REMEMBERED:
            self._answered.popitem(last=False)
        return await super().answer_callback_query(callback_query_id, *args, **kwargs)

