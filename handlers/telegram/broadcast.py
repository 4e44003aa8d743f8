"""/ogloszenie: text → versions in other languages (when participants read them) → audience
→ preview (counts, SMS parts and cost per language) → send now or at a time; cancel.

Stateless: the draft Broadcast row is the state; every button carries the broadcast id.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from telegram import Update
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, MessageHandler, filters

from handlers.access import EVERYONE, requires
from handlers.context import KisContext
from handlers.sms.text import count_segments, prepare_sms
from handlers.telegram.common import Buttons, CommandSpec, button_day, edit_or_say, row_id, say
from handlers.texts import broadcasts as texts
from handlers.texts import common, fmt
from handlers.texts.errors import sentence
from storage import broadcast_outbox, broadcasts, notice_languages, sites, workshops
from storage.broadcast_outbox import BroadcastTexts
from storage.broadcasts import Preview
from storage.errors import DomainError
from storage.models import Broadcast, Role

FIRST_HOUR, LAST_HOUR, DAYS_AHEAD = 8, 20, 7


def audience_buttons(broadcast_id: int) -> Buttons:
    """The audience choices (no names anywhere)."""
    rows = [[(label, f"bc:aud:{broadcast_id}:{key}")] for key, label in texts.AUDIENCE_LABELS.items()]
    return [*rows, [(texts.CANCEL, f"bc:cancel:{broadcast_id}")]]


async def show_audience(update: Update, broadcast_id: int) -> None:
    """Ask who gets the notice."""
    await edit_or_say(update, texts.ASK_AUDIENCE, audience_buttons(broadcast_id))


@requires(Role.coordinator)
async def broadcast_command(update: Update, context: KisContext) -> None:
    """/ogloszenie [text]: open a draft; with text, go straight to the audience."""
    deps, staff = context.deps, context.identity.staff
    assert staff is not None
    message = update.effective_message
    raw = message.text if message is not None and message.text else ""
    text = raw.split(maxsplit=1)[1] if raw.startswith("/") and len(raw.split(maxsplit=1)) > 1 \
        else ""
    draft = await deps.db.run(broadcasts.start_draft, staff_id=staff.id, now=deps.clock.now())
    if not text:
        await say(update, texts.ASK_TEXT, [[(texts.CANCEL, f"bc:cancel:{draft.id}")]])
        return
    await _take_text(update, context, draft.id, text)


async def _take_text(update: Update, context: KisContext, broadcast_id: int, text: str) -> None:
    deps, staff = context.deps, context.identity.staff
    assert staff is not None
    try:
        await deps.db.run(broadcasts.set_text, broadcast_id=broadcast_id, staff_id=staff.id,
                          text=text)
    except DomainError as exc:
        await say(update, sentence(exc), [[(texts.CANCEL, f"bc:cancel:{broadcast_id}")]])
        return
    await _after_text(update, context, broadcast_id)


async def _after_text(update: Update, context: KisContext, broadcast_id: int) -> None:
    """Versions in other languages when participants read them, else the audience."""
    deps = context.deps
    spoken = await deps.db.run(notice_languages.languages_spoken, now=deps.clock.now(),
                               tz=deps.settings.tz)
    broadcast = await deps.db.run(broadcasts.get, broadcast_id=broadcast_id)
    translations = broadcast.translations or {}
    if not spoken and not translations:
        await edit_or_say(update, texts.ASK_AUDIENCE, audience_buttons(broadcast_id))
        return
    offered = [lang for lang in notice_languages.TRANSLATABLE if lang in spoken or lang in translations]
    rows = [[((texts.CHANGE_VERSION if translations.get(lang) else texts.ADD_VERSION)[lang],
              f"bc:tr:{broadcast_id}:{lang}")] for lang in offered]
    forward = texts.NEXT if translations else texts.SKIP_VERSIONS
    await edit_or_say(update, texts.versions_step(translations, spoken),
                      [*rows, [(forward, f"bc:next:{broadcast_id}")],
                       [(texts.CANCEL, f"bc:cancel:{broadcast_id}")]])


async def ask_version(update: Update, context: KisContext, broadcast_id: int,
                      language: str) -> None:
    """bc:tr:ID:LANG: the next plain message is the notice in that language."""
    deps, staff = context.deps, context.identity.staff
    assert staff is not None
    await deps.db.run(notice_languages.ask_translation, broadcast_id=broadcast_id,
                      staff_id=staff.id, language=language)
    await edit_or_say(update, texts.ASK_VERSION[language],
                      [[(texts.BACK, f"bc:ver:{broadcast_id}"),
                        (texts.CANCEL, f"bc:cancel:{broadcast_id}")]])


async def _take_version(update: Update, context: KisContext, broadcast_id: int, text: str) -> None:
    deps, staff = context.deps, context.identity.staff
    assert staff is not None
    try:
        await deps.db.run(notice_languages.set_translation, broadcast_id=broadcast_id,
                          staff_id=staff.id, text=text, now=deps.clock.now())
    except DomainError as exc:
        await say(update, sentence(exc), [[(texts.BACK, f"bc:ver:{broadcast_id}"),
                                           (texts.CANCEL, f"bc:cancel:{broadcast_id}")]])
        return
    await _after_text(update, context, broadcast_id)


async def versions_done(update: Update, context: KisContext, broadcast_id: int,
                        forward: bool) -> None:
    """bc:next:ID (on to the audience) or bc:ver:ID (back to the versions): no translation
    is awaited any more."""
    deps, staff = context.deps, context.identity.staff
    assert staff is not None
    await deps.db.run(notice_languages.stop_waiting, broadcast_id=broadcast_id, staff_id=staff.id)
    if forward:
        await show_audience(update, broadcast_id)
    else:
        await _after_text(update, context, broadcast_id)


@requires(EVERYONE)
async def draft_text(update: Update, context: KisContext) -> None:
    """A coordinator's plain message while a draft waits for its text (else: not ours)."""
    staff, message = context.identity.staff, update.effective_message
    if staff is None or not staff.has_role(Role.coordinator) or message is None:
        return
    deps = context.deps
    draft = await deps.db.run(broadcasts.open_draft, staff_id=staff.id, now=deps.clock.now())
    if draft is None:
        return
    if draft.pending_language is not None:
        await _take_version(update, context, draft.id, message.text or "")  # type: ignore[arg-type]
    else:
        await _take_text(update, context, draft.id, message.text or "")  # type: ignore[arg-type]
    raise ApplicationHandlerStop


async def show_preview(update: Update, context: KisContext, broadcast_id: int) -> None:
    """Counts per channel, SMS segments and cost (per language), then send now / schedule /
    cancel."""
    deps = context.deps
    settings = deps.settings
    broadcast = await deps.db.run(broadcasts.get, broadcast_id=broadcast_id)
    now = deps.clock.now()
    counts = await deps.db.run(broadcasts.preview, broadcast=broadcast, now=now, tz=settings.tz)
    by_language = await deps.db.run(notice_languages.preview_by_language, broadcast=broadcast,
                                    now=now, tz=settings.tz)
    messages = await _messages(context, broadcast)
    versions = []
    for language, message in messages.items():
        sms = prepare_sms(message.sms or message.telegram, max_segments=settings.sms_max_segments,
                          transliterate=settings.sms_transliterate)
        text = broadcast.text if language == "pl" else (broadcast.translations or {})[language]
        versions.append(texts.Version(language, text, by_language.get(language, Preview()),
                                      sms.segments, count_segments(sms.text).encoding, sms.cut))
    polish = versions[0]
    text = texts.preview(broadcast.text, broadcast.audience, counts, polish.segments,
                         settings.sms_price_pln, settings.sms_max_segments, cut=polish.cut,
                         versions=versions if len(versions) > 1 else ())
    if counts.telegram + counts.sms == 0:
        await edit_or_say(update, f"{text}\n\n{texts.NOBODY}", audience_buttons(broadcast_id))
        return
    await edit_or_say(update, text, [
        [(texts.SEND_NOW, f"bc:now:{broadcast_id}"), (texts.SCHEDULE, f"bc:plan:{broadcast_id}")],
        [(texts.BACK, f"bc:back:{broadcast_id}"), (texts.CANCEL, f"bc:cancel:{broadcast_id}")]])


async def _messages(context: KisContext, broadcast: Broadcast) -> dict[str, BroadcastTexts]:
    """What each recipient gets, per language (an invitation carries the workshop and its
    buttons, in the language of its version)."""
    deps = context.deps
    workshop = None
    if broadcast.workshop_id is not None:
        workshop = await deps.db.run(workshops.get, workshop_id=broadcast.workshop_id)
    return texts.messages(broadcast.text, broadcast.translations or {}, workshop, deps.settings.tz)


async def choose_audience(update: Update, context: KisContext, broadcast_id: int,
                          rest: list[str]) -> None:
    """bc:aud:ID:KEY[:SITE]: a work site first asks which one."""
    deps, staff = context.deps, context.identity.staff
    assert staff is not None
    if rest == ["site"]:
        found = await deps.db.run(sites.list_sites, active_only=True)
        rows = [[(s.name[:60], f"bc:aud:{broadcast_id}:site:{s.id}")] for s in found]
        await edit_or_say(update, texts.ASK_SITE if found else texts.NO_SITES,
                          [*rows, [(texts.BACK, f"bc:back:{broadcast_id}")]])
        return
    if len(rest) not in (1, 2):
        raise ValueError("bad audience data")
    await deps.db.run(broadcasts.set_audience, broadcast_id=broadcast_id, staff_id=staff.id,
                      audience=rest[0], param=rest[1] if len(rest) == 2 else None)
    await show_preview(update, context, broadcast_id)


def day_buttons(broadcast_id: int, now: datetime, context: KisContext) -> Buttons:
    """The next days that still have a sending hour left."""
    tz = context.deps.settings.tz
    today = now.astimezone(tz).date()
    days = [today + timedelta(days=n) for n in range(DAYS_AHEAD + 1)]
    days = [d for d in days if hour_choices(d, now, context)]
    rows = [[(fmt.short_day(d), f"bc:day:{broadcast_id}:{d:%Y%m%d}")] for d in days]
    return [*rows, [(texts.BACK, f"bc:back:{broadcast_id}")]]


def hour_choices(day: date, now: datetime, context: KisContext) -> list[datetime]:
    """Full hours 8-20 of a day that are still ahead."""
    tz = context.deps.settings.tz
    moments = [datetime.combine(day, time(h), tzinfo=tz) for h in range(FIRST_HOUR, LAST_HOUR + 1)]
    return [m for m in moments if m > now]


async def choose_day(update: Update, context: KisContext, broadcast_id: int, stamp: str) -> None:
    """bc:day:ID:YYYYMMDD → the hours of that day."""
    day = button_day(stamp)
    now = context.deps.clock.now()
    hours = hour_choices(day, now, context)
    if not hours or day > now.date() + timedelta(days=DAYS_AHEAD + 1):
        raise ValueError("day out of range")
    row = [(f"{m:%H:%M}", f"bc:at:{broadcast_id}:{m:%Y%m%d%H%M}") for m in hours]
    rows = [row[i:i + 4] for i in range(0, len(row), 4)]
    await edit_or_say(update, texts.ASK_HOUR.format(day=fmt.day(day)),
                      [*rows, [(texts.BACK, f"bc:plan:{broadcast_id}")]])


async def send(update: Update, context: KisContext, broadcast_id: int, stamp: str | None) -> None:
    """bc:now:ID or bc:at:ID:YYYYMMDDHHMM: freeze the recipients and send / schedule."""
    deps, staff, chat = context.deps, context.identity.staff, update.effective_chat
    assert staff is not None and chat is not None
    tz = deps.settings.tz
    at = datetime.strptime(stamp, "%Y%m%d%H%M").replace(tzinfo=tz) if stamp else None
    message = await _messages(context, await deps.db.run(broadcasts.get,
                                                         broadcast_id=broadcast_id))
    query = update.callback_query
    preview_id = query.message.message_id if query is not None and query.message else None
    draft = await deps.db.run(broadcasts.confirm, broadcast_id=broadcast_id, staff_id=staff.id,
                              now=deps.clock.now(), tz=tz, send_at=at, chat_id=chat.id,
                              texts=message, message_id=None if at else preview_id)
    if at is None:  # the preview becomes the progress message the sender edits
        await edit_or_say(update, texts.progress(await _report(context, broadcast_id)))
        deps.wake()
        return
    report = await _report(context, broadcast_id)
    await edit_or_say(update, texts.scheduled(at, tz, report.total),
                      [[(texts.CANCEL, f"bc:cancel:{draft.id}")]])


async def _report(context: KisContext, broadcast_id: int) -> broadcast_outbox.Report:
    return await context.deps.db.run(broadcast_outbox.report, broadcast_id=broadcast_id)


async def cancel(update: Update, context: KisContext, broadcast_id: int) -> None:
    """bc:cancel:ID: a draft or a scheduled broadcast is dropped."""
    deps, staff = context.deps, context.identity.staff
    assert staff is not None
    await deps.db.run(broadcasts.cancel, broadcast_id=broadcast_id, staff_id=staff.id,
                      now=deps.clock.now())
    await edit_or_say(update, texts.CANCELLED)


@requires(Role.coordinator)
async def broadcast_button(update: Update, context: KisContext) -> None:
    """Every bc: button; forged or stale data gets a polite answer."""
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split(":")
    try:
        action, broadcast_id, rest = parts[1], row_id(parts[2]), parts[3:]
        if action == "aud":
            await choose_audience(update, context, broadcast_id, rest)
        elif action == "back":
            await _back(update, context, broadcast_id)
        elif action == "plan":
            await edit_or_say(update, texts.ASK_DAY,
                              day_buttons(broadcast_id, context.deps.clock.now(), context))
        elif action == "day" and len(rest) == 1:
            await choose_day(update, context, broadcast_id, rest[0])
        elif action in ("now", "at") and len(rest) == (action == "at"):
            await send(update, context, broadcast_id, rest[0] if rest else None)
        elif action == "tr" and len(rest) == 1 and rest[0] in notice_languages.TRANSLATABLE:
            await ask_version(update, context, broadcast_id, rest[0])
        elif action in ("next", "ver") and not rest:
            await versions_done(update, context, broadcast_id, forward=action == "next")
        elif action == "cancel":
            await cancel(update, context, broadcast_id)
        else:
            raise ValueError(action)
    except DomainError as exc:
        await query.answer(sentence(exc), show_alert=True)
    except (IndexError, ValueError):
        await query.answer(common.STALE_BUTTON, show_alert=True)


async def _back(update: Update, context: KisContext, broadcast_id: int) -> None:
    """Back to the preview when an audience is chosen, else to the audience."""
    broadcast = await context.deps.db.run(broadcasts.get, broadcast_id=broadcast_id)
    if broadcast.status != "draft" or broadcast.created_by != context.identity.staff.id:  # type: ignore[union-attr]
        raise DomainError("broadcast_not_draft", status=broadcast.status)
    if broadcast.audience:
        await show_preview(update, context, broadcast_id)
    else:
        await show_audience(update, broadcast_id)


COMMANDS = [
    CommandSpec("ogloszenie", broadcast_command, texts.DESCRIPTION, aliases=("broadcast",),
                menu_label=texts.MENU_LABEL),
]

HANDLERS = [
    CallbackQueryHandler(broadcast_button, pattern=r"^bc:"),
    (MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, draft_text), -1),
]
