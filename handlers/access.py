"""Authorization by role, in one place: every handler callback declares who may use it."""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update

from handlers.context import KisContext
from handlers.texts import common as texts
from handlers.texts.i18n import use
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
                context.identity = await identity_of(context, user.id)
            use(language_for(context.identity, user.language_code if user else None))
            if allowed(wanted, context.identity):
                return await callback(update, context)
            await refuse(update, context.identity)
            return None

        setattr(guarded, ACCESS_ATTR, wanted)
        return guarded

    return decorate


def client_language(language_code: str | None) -> str | None:
    """The language we speak for a Telegram client's IETF tag ('uk', 'en-GB'), if any besides
    Polish."""
    base = (language_code or "").split("-")[0].lower()
    return base if base in ("uk", "en") else None


def language_for(who: Identity, language_code: str | None) -> str | None:
    """What to answer in: a participant's own language; a stranger's Telegram language (uk,
    en, else Polish); staff: Polish."""
    if who.participant is not None:
        return who.participant.language
    return None if who.known else client_language(language_code)


IDENTITY_SECONDS = 5.0  # how long a looked-up identity is reused (a burst of button presses)
IDENTITIES_KEPT = 256  # at most this many (each holds its ORM rows); the oldest go first


async def identity_of(context: KisContext, user_id: int) -> Identity:
    """Who the user is, looked up at most every IDENTITY_SECONDS (saves a query per update).

    Changes made by this process (linking an account) call `forget`; changes made elsewhere
    (the CLI adding staff) are seen within IDENTITY_SECONDS.
    """
    cache: dict[int, tuple[float, Identity]] = context.bot_data.setdefault("identities", {})
    now = time.monotonic()
    hit = cache.get(user_id)
    if hit is not None and hit[0] > now:
        return hit[1]
    who = await context.deps.db.run(identify, telegram_user_id=user_id)
    cache.pop(user_id, None)  # the cache in the order of expiry: the oldest first
    while len(cache) >= IDENTITIES_KEPT:
        del cache[next(iter(cache))]
    cache[user_id] = (now + IDENTITY_SECONDS, who)
    return who


def forget(context: KisContext, user_id: int) -> None:
    """Drop a cached identity (after it changed)."""
    context.bot_data.setdefault("identities", {}).pop(user_id, None)


async def refuse(update: Update, who: Identity) -> None:
    """Tell the sender, without detail, that this is not for them."""
    text = texts.NOT_ALLOWED if who.known else texts.STRANGER
    if update.callback_query is not None:
        short = texts.NOT_ALLOWED if who.known else texts.STRANGER_CALLBACK
        await update.callback_query.answer(short, show_alert=True)
    elif update.effective_chat is not None:
        await update.effective_chat.send_message(text)
