"""Joining (/start with an invite code), the main menu, /pomoc and the fallbacks."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, TypeHandler, filters

from handlers.access import EVERYONE, PARTICIPANT, allowed, client_language, forget, requires
from handlers.context import KisContext
from handlers.telegram.common import Buttons, CommandSpec, edit_or_say, say
from handlers.telegram.scopes import publish_commands_for
from handlers.texts import common as texts
from handlers.texts import languages as language_texts
from handlers.texts.errors import sentence
from handlers.texts.i18n import use
from storage import conversation
from storage.invites import redeem_invite
from storage.people import Identity

log = logging.getLogger(__name__)


def command_specs(context: KisContext) -> list[CommandSpec]:
    """Every command of the bot (set up by build_application)."""
    return context.application.bot_data["commands"]


def menu_for(context: KisContext, who: Identity) -> Buttons:
    """The main menu buttons the person may use, two to a row."""
    items = [(s.label(), s.menu_data) for s in command_specs(context)
             if s.menu_label and allowed(s.access, who) and EVERYONE not in s.access]
    items.append((texts.HELP_BUTTON, "cmd:pomoc"))
    return [items[i:i + 2] for i in range(0, len(items), 2)]


@requires(EVERYONE)
async def start(update: Update, context: KisContext) -> None:
    """Greet a known person with the menu, link an account by invite code, or explain joining."""
    who = context.identity
    code = context.args[0] if context.args else None
    if who.staff is not None:
        await say(update, texts.staff_welcome(who.staff.name), menu_for(context, who))
        return
    if who.participant is not None:
        text = texts.ALREADY_LINKED if code else texts.welcome_back(who.participant.first_name)
        await say(update, text, menu_for(context, who))
        return
    if code is None:
        await say(update, texts.STRANGER)
        return
    await _join(update, context, code)


async def _join(update: Update, context: KisContext, code: str) -> None:
    deps = context.deps
    user = update.effective_user
    assert user is not None
    outcome = await deps.db.run(
        redeem_invite, code=code[:64], telegram_user_id=user.id, now=deps.clock.now(),
        max_failures=deps.settings.invite_max_failures,
        lockout=timedelta(minutes=deps.settings.invite_lockout_minutes))
    if outcome.error is not None:
        log.info("invite refused: %s", outcome.error.code)
        await say(update, sentence(outcome.error))
        return
    participant = outcome.participant
    assert participant is not None
    log.info("telegram account linked to participant %s", participant.id)
    forget(context, user.id)
    who = Identity(participant=participant)
    use(participant.language)
    await say(update, texts.greeting(participant.first_name, participant.gender), menu_for(context, who))
    await publish_in_language(context, user.id, who, participant.language)
    offered = offered_language(user.language_code)
    if offered is not None and participant.language != offered:
        # Once, on joining: an offer in the language of the person's Telegram, never a switch.
        await say(update, language_texts.offer(offered),
                  [[(language_texts.LANGUAGE_NAMES[offered], f"lang:{offered}"),
                    (language_texts.keep_polish(offered), "lang:pl")]])


def offered_language(language_code: str | None) -> str | None:
    """The language to offer for a Telegram client's IETF tag ('uk', 'en-GB'), if any."""
    return client_language(language_code)


@requires(EVERYONE)
async def help_command(update: Update, context: KisContext) -> None:
    """List the commands the person may use."""
    who = context.identity
    if not who.known:
        await say(update, texts.STRANGER)
        return
    lines = [texts.HELP_HEADER]
    for spec in command_specs(context):
        if allowed(spec.access, who):
            # English aliases work for everyone; only staff see them listed.
            aliases = "".join(f" (/{a})" for a in spec.aliases) if who.staff else ""
            lines.append(f"/{spec.name}{aliases} – {spec.help_line()}")
    lines.append("")
    lines.append(texts.HELP_FOOTER)
    await say(update, "\n".join(lines), menu_for(context, who))


@requires(PARTICIPANT)
async def reminders_command(update: Update, context: KisContext) -> None:
    """/przypomnienia: choose discreet reminders (the default) or ones naming the kind of help."""
    who = context.identity.participant
    assert who is not None
    await edit_or_say(update, texts.reminders_choice(who.name_help),
                      [[(texts.DISCREET_BUTTON, "pv:0"), (texts.NAMED_BUTTON, "pv:1")]])


@requires(PARTICIPANT)
async def reminders_choose(update: Update, context: KisContext) -> None:
    """A choice of reminder style was pressed (idempotent: pressing twice changes nothing)."""
    who = context.identity.participant
    assert who is not None and who.id is not None
    named = context.match[1] == "1"  # type: ignore[index]
    await context.deps.db.run(conversation.set_name_help, participant_id=who.id, named=named)
    forget(context, update.effective_user.id if update.effective_user else 0)
    await edit_or_say(update, texts.reminders_set(named))


@requires(PARTICIPANT)
async def language_command(update: Update, context: KisContext) -> None:
    """/jezyk: the languages as buttons, each named in itself."""
    who = context.identity.participant
    assert who is not None
    await edit_or_say(update, language_texts.choose(who.language),
                      [[(name, f"lang:{code}")] for code, name in language_texts.LANGUAGE_NAMES.items()])


@requires(PARTICIPANT)
async def language_choose(update: Update, context: KisContext) -> None:
    """A language was pressed (idempotent; the pattern admits only the three codes): the
    answer, the menu and the command list from now on in that language."""
    who = context.identity.participant
    assert who is not None and who.id is not None
    language = context.match[1]  # type: ignore[index]
    await context.deps.db.run(conversation.set_language, participant_id=who.id, language=language)
    user_id = update.effective_user.id if update.effective_user else 0
    forget(context, user_id)
    use(language)
    await edit_or_say(update, f"{language_texts.chosen(language)}\n{texts.MENU_PROMPT}",
                      menu_for(context, context.identity))
    await publish_in_language(context, user_id, context.identity, language)


PUBLISHED = "command_languages"  # bot_data: user id → the language of the list published


async def publish_in_language(context: KisContext, user_id: int, who: Identity,
                              language: str) -> None:
    """Publish a participant's command list in a language (unless this process already did)."""
    published: dict[int, str] = context.bot_data.setdefault(PUBLISHED, {})
    if published.get(user_id) == language:
        return
    if await publish_commands_for(context.bot, user_id, who, command_specs(context), language):
        published[user_id] = language


@requires(EVERYONE)
async def follow_language(update: Update, context: KisContext) -> None:
    """Before any other handler: keep a participant's command list in their language, which
    staff, an SMS or the CSV may have changed since it was published (checked once per person
    and process; the identity is the cached one the update's own handler uses)."""
    who, user = context.identity, update.effective_user
    if who.participant is not None and user is not None:
        await publish_in_language(context, user.id, who, who.participant.language)


@requires(EVERYONE)
async def unknown_command(update: Update, context: KisContext) -> None:
    """A command the bot does not have."""
    await say(update, texts.UNKNOWN_COMMAND if context.identity.known else texts.STRANGER)


@requires(EVERYONE)
async def plain_text(update: Update, context: KisContext) -> None:
    """Text that no conversation expects: point to the menu."""
    who = context.identity
    if not who.known:
        await say(update, texts.STRANGER)
        return
    await say(update, texts.NOT_UNDERSTOOD, menu_for(context, who))


@requires(EVERYONE)
async def stale_button(update: Update, context: KisContext) -> None:
    """A button no handler knows (an old message, a removed feature, forged data)."""
    assert update.callback_query is not None
    await update.callback_query.answer(texts.STALE_BUTTON, show_alert=True)


COMMANDS = [
    CommandSpec("start", start, texts.START_DESCRIPTION),
    CommandSpec("pomoc", help_command, texts.HELP_DESCRIPTION, aliases=("help",)),
    CommandSpec("przypomnienia", reminders_command, texts.REMINDERS_DESCRIPTION),
    CommandSpec("jezyk", language_command, texts.LANGUAGE_DESCRIPTION,
                aliases=("language", "mova")),
]

HANDLERS: list[BaseHandler | tuple[BaseHandler, int]] = [
    CallbackQueryHandler(reminders_choose, pattern=r"^pv:([01])$"),
    CallbackQueryHandler(language_choose, pattern=r"^lang:(pl|uk|en)$"),
    (TypeHandler(Update, follow_language), -2),  # a group of its own: every update, first
]

FALLBACKS: list[BaseHandler] = [
    MessageHandler(filters.COMMAND, unknown_command),
    MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND, plain_text),
    CallbackQueryHandler(stale_button),
]
