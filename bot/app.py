"""Wiring: one place that builds the PTB Application with every feature's handlers."""

from __future__ import annotations

import logging
from collections import deque
from types import ModuleType
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from bot.delivery.ratelimit import KisRateLimiter
from bot.delivery.sender import stop_sending, wake
from bot.health import TELEGRAM, Health
from bot.metrics import MeasuredUpdates, Metrics
from bot.scheduler import run_all_once
from bot.telegram_bot import KisBot
from bot.telegram_request import WatchedRequest
from handlers.context import Deps, KisContext
from handlers.telegram import (
    agenda,
    booking,
    broadcast,
    exits,
    hours,
    person_language,
    reports,
    start,
    summary,
    workshops,
)
from handlers.telegram.common import CommandSpec, is_not_modified
from handlers.telegram.scopes import publish_commands_for, publish_default
from handlers.texts import common as texts
from storage import facts
from storage.people import Identity, list_staff

log = logging.getLogger(__name__)

# Each feature module exports COMMANDS (list[CommandSpec]) and optionally HANDLERS
# (a handler, or (handler, group): a group below 0 sees updates before the commands and
# fallbacks and lets them through unless it raises ApplicationHandlerStop).
FEATURES: list[ModuleType] = [start, booking, agenda, hours, summary, reports, broadcast,
                              workshops, exits, person_language]


def collect(features: list[ModuleType]) -> tuple[list[CommandSpec], list[Any]]:
    """Every feature's commands and other handlers, in feature order."""
    commands: list[CommandSpec] = []
    handlers: list[Any] = []
    for feature in features:
        commands.extend(getattr(feature, "COMMANDS", []))
        handlers.extend(getattr(feature, "HANDLERS", []))
    return commands, handlers


def build_application(deps: Deps, *, update_processor: BaseUpdateProcessor | None = None,
                      features: list[ModuleType] | None = None,
                      webhook: bool = False) -> Application:
    """The bot: PTB Application talking to TELEGRAM_API_URL, with all handlers added."""
    settings = deps.settings
    token = settings.telegram_bot_token or "0:SANDBOX"
    root = settings.telegram_api_url
    health, metrics = Health.of(deps.clock, settings), Metrics()

    def on_answer(status: int) -> None:  # every answer from Telegram, replies and polls alike
        if status < 500:
            health.mark(TELEGRAM)
        if status == 429:
            metrics.throttled.labels("telegram").inc()

    kis_bot = KisBot(
        token, base_url=f"{root}/bot", base_file_url=f"{root}/file/bot",
        rate_limiter=KisRateLimiter(bulk_per_second=settings.telegram_bulk_rate),
        request=WatchedRequest(connection_pool_size=16, connect_timeout=10,
                               read_timeout=settings.telegram_timeout,
                               write_timeout=settings.telegram_timeout, on_answer=on_answer),
        get_updates_request=WatchedRequest(connection_pool_size=2, read_timeout=40,
                                           on_answer=on_answer))
    builder = (
        ApplicationBuilder()
        .bot(kis_bot)
        .context_types(ContextTypes(context=KisContext))
        .post_init(_post_init)
        .post_stop(_post_stop)
    )
    builder = builder.concurrent_updates(update_processor or MeasuredUpdates(8, metrics))
    if webhook:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data.update(deps=deps, health=health, metrics=metrics)
    if deps.wake_sender is None:
        deps.wake_sender = lambda: wake(application)
    if deps.run_scheduled is None:
        deps.run_scheduled = lambda: run_all_once(application)
    add_handlers(application, features if features is not None else FEATURES)
    application.add_error_handler(_on_error)
    return application


def add_handlers(application: Application, features: list[ModuleType]) -> None:
    """Commands (and their menu buttons), feature handlers, then the fallbacks."""
    commands, handlers = collect(features)
    application.bot_data["commands"] = commands
    for spec in commands:
        application.add_handler(CommandHandler([spec.name, *spec.aliases], spec.callback))
        application.add_handler(CallbackQueryHandler(spec.callback, pattern=f"^{spec.menu_data}$"))
    for handler in handlers:
        if isinstance(handler, tuple):
            application.add_handler(handler[0], group=handler[1])
        else:
            application.add_handler(handler)
    for handler in start.FALLBACKS:
        application.add_handler(handler)


async def _post_init(application: Application) -> None:
    """Listen for version changes (PostgreSQL: cached answers then need no trip to check
    theirs); tell Telegram the command lists: the public one and each staff member's."""
    deps: Deps = application.bot_data["deps"]
    if deps.db.versions is not None:
        deps.db.versions.start()
    commands = application.bot_data["commands"]
    me = await application.bot.get_me()
    deps.bot_username = me.username
    # Kept for `kisbot invite`, which then needs no call to Telegram (refreshed at every start).
    await deps.db.run(facts.remember, key=facts.BOT_USERNAME, value=me.username,
                      now=deps.clock.now())
    await publish_default(application.bot, commands)
    for member in await deps.db.run(list_staff):
        if member.telegram_user_id and member.active:
            await publish_commands_for(application.bot, member.telegram_user_id,
                                       Identity(staff=member), commands)


async def _post_stop(application: Application) -> None:
    """Stop the outbox passes and the version listener."""
    await stop_sending(application)
    deps: Deps = application.bot_data["deps"]
    if deps.db.versions is not None:
        deps.db.versions.stop()


async def _on_error(update: object, context: KisContext) -> None:
    """Log the failure with its traceback (no message text) and apologise to the person.

    An edit to what the message already shows (a double tap) is no failure: no apology. A
    press is acknowledged only if the handler had not answered it (Telegram refuses twice)."""
    update_id = update.update_id if isinstance(update, Update) else None
    if context.error is not None and is_not_modified(context.error):
        log.info("update %s changed nothing (a repeated press)", update_id)
        if isinstance(update, Update) and update.callback_query is not None:
            await _acknowledge(context, update.callback_query.id)
        return
    log.error("error while handling update %s", update_id, exc_info=context.error)
    if update_id is not None and not _first_failure(context, update_id):
        return  # a second handler group met the same failure: one apology is enough
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            if update.callback_query is not None:
                await _acknowledge(context, update.callback_query.id)
            await update.effective_chat.send_message(texts.INTERNAL_ERROR)
        except Exception:  # the apology itself may fail when Telegram is down
            log.warning("could not send the apology for update %s", update_id)


def _first_failure(context: KisContext, update_id: int) -> bool:
    """Whether this is the first failure seen for the update (the last 256 are kept)."""
    seen: deque[int] = context.bot_data.setdefault("failed_updates", deque(maxlen=256))
    if update_id in seen:
        return False
    seen.append(update_id)
    return True


async def _acknowledge(context: KisContext, query_id: str) -> None:
    """Answer a press unless it was answered already."""
    bot = context.bot
    if isinstance(bot, KisBot) and bot.answered(query_id):
        return
    try:
        await bot.answer_callback_query(query_id)
    except Exception:  # late: the apology below still tells the person
        log.warning("could not answer the press")
