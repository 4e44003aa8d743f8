"""Authorization by role, in one place: every handler callback declares who may use it."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update

from bot.deps import KisContext
from bot.i18n import common as texts
from storage.models import Role
from storage.people import Identity, identify

EVERYONE = "everyone"
PARTICIPANT = "participant"
STAFF = "staff"
ACCESS_ATTR = "__kis_access__"

Callback = Callable[[Update, KisContext], Awaitable[Any]]


def allowed(access: frozenset[str], who: Identity) -> bool:
    """Whether the identity may use something declared with `access`."""
    if EVERYONE in access:
        return True
    if PARTICIPANT in access and who.participant is not None:
        return True
    if STAFF in access and who.roles:
        return True
    return bool(access & {str(r) for r in who.roles})


def requires(*access: str | Role) -> Callable[[Callback], Callback]:
    """Decorate a handler callback: resolve the sender, refuse politely if not allowed."""
    wanted = frozenset(str(a) for a in access)
    if not wanted:
        raise ValueError("requires() needs at least one audience")

    def decorate(callback: Callback) -> Callback:
        @functools.wraps(callback)
        async def guarded(update: Update, context: KisContext) -> Any:
            user = update.effective_user
            if user is not None:
                context.identity = await context.deps.db.run(identify, telegram_user_id=user.id)
            if allowed(wanted, context.identity):
                return await callback(update, context)
            await refuse(update, context.identity)
            return None

        setattr(guarded, ACCESS_ATTR, wanted)
        return guarded

    return decorate


async def refuse(update: Update, who: Identity) -> None:
    """Tell the sender, without detail, that this is not for them."""
    text = texts.NOT_ALLOWED if who.known else texts.STRANGER
    if update.callback_query is not None:
        short = texts.NOT_ALLOWED if who.known else texts.STRANGER_CALLBACK
        await update.callback_query.answer(short, show_alert=True)
    elif update.effective_chat is not None:
        await update.effective_chat.send_message(text)
