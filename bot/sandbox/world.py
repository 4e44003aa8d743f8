"""The sandbox's world: demo people, their Telegram chats through the stand-in, their phones."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.sandbox.botapi import BotApiStandIn, SentMessage
from bot.sandbox.seed import Seeded
from bot.sandbox.sms import Phones
from handlers.context import Deps
from handlers.sms.conversation import handle_sms
from handlers.sms.text import count_segments, prepare_sms
from handlers.texts import sandbox as texts
from storage import sites
from storage.clock import OffsetClock
from storage.db import Database
from storage.models import OutboxMessage

_callback_ids = itertools.count(1)
SHOWN_SMS_STATUSES = ("pending", "sending", "sent", "delivered")  # queued ones marked so
# Moving the clock lives through the time: the scheduler's passes run at every quarter hour
# on the way (every hour beyond the first two days), as production would have run them.
STEP, COARSE_STEP, FINE_SPAN = timedelta(minutes=15), timedelta(hours=1), timedelta(days=2)


def clock_steps(start: datetime, end: datetime) -> list[datetime]:
    """The moments between start and end (end included) at which the passes run."""
    moments: list[datetime] = []
    step = STEP
    edge = start.replace(second=0, microsecond=0)
    edge += timedelta(minutes=-(edge.minute % 15)) + STEP
    while edge < end:
        moments.append(edge)
        if edge - start >= FINE_SPAN:
            step = COARSE_STEP
        edge += step
    return [*moments, end]


class UnknownPerson(LookupError):
    """No demo person has this key, or the person has no such channel."""


@dataclass(frozen=True)
class Person:
    """A demo person as the page lists them."""

    key: str            # "p<participant id>" or "s<staff id>"
    name: str
    label: str          # "uczestniczka, PSU: …", "psycholog"
    chat_id: int | None  # Telegram user id (= private chat id), None for SMS only
    phone: str | None
    participant_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        """For the page."""
        return {"key": self.key, "name": self.name, "label": self.label,
                "telegram": self.chat_id is not None, "sms": self.chat_id is None and
                bool(self.phone)}


@dataclass(frozen=True)
class UserMessage:
    """Something a demo person typed in their Telegram chat."""

    message_id: int
    date: int
    text: str


@dataclass
class World:
    """Everything the web page acts on."""

    api: BotApiStandIn
    clock: OffsetClock
    db: Database
    people: dict[str, Person]
    tz: ZoneInfo
    phones: Phones = field(default_factory=Phones)
    deps: Deps | None = None  # the running bot's, set when it is ready
    typed: dict[int, list[UserMessage]] = field(default_factory=dict)
    answers: dict[int, list[str]] = field(default_factory=dict)  # chat -> callback ids
    moving: asyncio.Lock = field(default_factory=asyncio.Lock)

    # ---- people -------------------------------------------------------------------------

    def person(self, key: str) -> Person:
        """A demo person by key."""
        try:
            return self.people[key]
        except KeyError:
            raise UnknownPerson(key) from None

    def telegram_person(self, key: str) -> Person:
        """A demo person who uses Telegram."""
        person = self.person(key)
        if person.chat_id is None:
            raise UnknownPerson(key)
        return person

    # ---- Telegram -----------------------------------------------------------------------

    def send_text(self, key: str, text: str) -> None:
        """The person types a message (a leading /command gets its bot_command entity)."""
        person = self.telegram_person(key)
        chat_id = person.chat_id
        assert chat_id is not None
        profile = self.api.users[chat_id]
        message: dict[str, Any] = {
            "message_id": self.api.next_message_id(chat_id), "date": self.api.now(),
            "chat": profile.chat_json(), "from": profile.user_json(), "text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": len(command.encode("utf-16-le")) // 2}]
        self.typed.setdefault(chat_id, []).append(
            UserMessage(message["message_id"], message["date"], text))
        self.api.push_update({"message": message})

    def press(self, key: str, message_id: int, data: str) -> None:
        """The person presses an inline button of one of the bot's messages in their chat."""
        person = self.telegram_person(key)
        chat_id = person.chat_id
        assert chat_id is not None
        target = self.api.message(chat_id, message_id)
        if target is None or target.deleted or data not in {
                b.callback_data for b in target.buttons}:
            raise UnknownPerson(f"{key}/{message_id}")
        callback_id = f"sandbox-{next(_callback_ids)}"
        self.answers.setdefault(chat_id, []).append(callback_id)
        profile = self.api.users[chat_id]
        self.api.push_update({"callback_query": {
            "id": callback_id, "from": profile.user_json(),
            "message": self.api.message_json(target),
            "chat_instance": f"sandbox-{chat_id}", "data": data}})

    def chat(self, key: str) -> list[dict[str, Any]]:
        """The whole chat as the page draws it: the person's and the bot's messages in order."""
        person = self.telegram_person(key)
        chat_id = person.chat_id
        assert chat_id is not None
        items = [_bot_json(m) for m in self.api.chat(chat_id) if not m.deleted]
        items += [{"id": u.message_id, "from": "me", "date": u.date, "text": u.text}
                  for u in self.typed.get(chat_id, [])]
        return sorted(items, key=lambda item: item["id"])

    def last_answer(self, key: str) -> dict[str, str] | None:
        """The newest answered button press's pop-up text (Telegram's toast), if it had one."""
        chat_id = self.telegram_person(key).chat_id
        for callback_id in reversed(self.answers.get(chat_id or 0, [])):
            answer = self.api.callback_answers.get(callback_id)
            if answer is not None:
                text = answer.get("text")
                return {"id": callback_id, "text": text} if text else None
        return None

    def file(self, file_id: str) -> tuple[str, bytes, str]:
        """(filename, data, mime type) of a file the bot sent."""
        stored = self.api.files.get(file_id)
        if stored is None:
            raise UnknownPerson(file_id)
        if stored.file_id.startswith("photo-"):  # PTB uploads photos as octet-stream
            mime = image_type(stored.data)
            return f"obrazek.{mime.removeprefix('image/')}", stored.data, mime
        return stored.filename, stored.data, stored.mime_type

    async def advance(self, delta: timedelta) -> int:
        """Move the clock forward by delta, running the scheduler's passes (plan, daily jobs,
        reclaim, send – production's order) at each step, so that everything which fell due
        on the way is sent when it was due. How many steps ran."""
        async with self.moving:  # two pages moving the clock at once take turns
            start = self.clock.now()
            steps = clock_steps(start, start + delta)
            for moment in steps:
                self.clock.advance(moment - self.clock.now())
                if self.deps is not None and self.deps.run_scheduled is not None:
                    await self.deps.run_scheduled()
        self.api.notify()
        return len(steps)

    @property
    def version(self) -> str:
        """Changes whenever anything a page shows may have changed."""
        return f"{self.api.change_mark}.{sum(map(len, self.typed.values()))}." \
               f"{self.phones.version}.{int(self.clock.offset.total_seconds())}"

    # ---- SMS ----------------------------------------------------------------------------

    async def send_sms(self, key: str, text: str) -> None:
        """The person sends an SMS to the club."""
        phone = self._phone_of(key)
        now = self.clock.now()
        self.phones.add(phone, now, text, incoming=True)
        if self.deps is not None:  # the bot is up: it answers through its outbox
            await handle_sms(self.deps, phone, text)
        self.api.notify()

    async def sms_thread(self, key: str) -> list[dict[str, Any]]:
        """The phone's thread: SMS the person sent, answers, and due outbox SMS for them."""
        person = self.person(key)
        phone = self._phone_of(key)
        rows = await self.db.run(_due_sms, participant_id=person.participant_id,
                                 now=self.clock.now())
        items = [{"id": f"o{row.id}", "at": row.sent_at or row.due_at, "incoming": False,
                  "status": row.status, **self.as_sent(row.text)} for row in rows]
        items += [{"id": f"t{s.id}", "at": s.at, "text": s.text, "incoming": s.incoming,
                   "status": s.status} for s in self.phones.thread(phone)]
        items.sort(key=lambda item: item["at"])
        return items

    def as_sent(self, text: str) -> dict[str, Any]:
        """An SMS as the provider gets it (the sender's own preparation: transliterated, cut
        to the segment limit), with its segments and encoding."""
        settings = self.deps.settings if self.deps is not None else None
        sms = prepare_sms(text, max_segments=settings.sms_max_segments if settings else 2,
                          transliterate=settings.sms_transliterate if settings else True)
        return {"text": sms.text, "segments": sms.segments, "cut": sms.cut,
                "encoding": count_segments(sms.text).encoding}

    def _phone_of(self, key: str) -> str:
        person = self.person(key)
        if not person.phone or person.chat_id is not None:
            raise UnknownPerson(key)
        return person.phone


IMAGE_MAGIC = ((b"\x89PNG", "image/png"), (b"GIF8", "image/gif"), (b"RIFF", "image/webp"))


def image_type(data: bytes) -> str:
    """The MIME type of a picture from its first bytes (Telegram photos are JPEG otherwise)."""
    return next((mime for magic, mime in IMAGE_MAGIC if data.startswith(magic)), "image/jpeg")


def _bot_json(message: SentMessage) -> dict[str, Any]:
    """A bot message for the page."""
    item: dict[str, Any] = {"id": message.message_id, "from": "bot", "date": message.date,
                            "text": message.content, "edited": bool(message.edit_date),
                            "buttons": [[{"text": b.text, "data": b.callback_data, "url": b.url}
                                         for b in row] for row in message.reply_markup]
                            if message.markup_kind == "inline_keyboard" else []}
    for kind in ("document", "photo"):
        stored = getattr(message, kind)
        if stored is not None:
            item[kind] = {"id": stored.file_id, "name": stored.filename,
                          "size": len(stored.data)}
    return item


def _due_sms(*, session: Any, participant_id: int | None, now: datetime) -> list[OutboxMessage]:
    """Outbox SMS to a participant that are due (what their phone has received by now)."""
    if participant_id is None:
        return []
    query = (select(OutboxMessage)
             .where(OutboxMessage.participant_id == participant_id,
                    OutboxMessage.channel == "sms", OutboxMessage.due_at <= now,
                    col(OutboxMessage.status).in_(SHOWN_SMS_STATUSES))
             .order_by(col(OutboxMessage.due_at)))
    return list(session.exec(query))


def demo_people(seeded: Seeded, db: Database) -> dict[str, Person]:
    """The page's list: staff first, then participants by number."""
    site_names = {s.id: s.name for s in db.call(sites.list_sites)}
    found: dict[str, Person] = {}
    for member in seeded.staff:
        found[f"s{member.id}"] = Person(f"s{member.id}", member.name,
                                        texts.staff_label(member.role_set),
                                        member.telegram_user_id, member.phone)
    for p in seeded.participants:
        found[f"p{p.id}"] = Person(
            f"p{p.id}", f"{p.first_name} {p.last_name}",
            texts.participant_label(p.gender, site_names.get(p.work_site_id), str(p.language)),
            p.telegram_user_id, p.phone, participant_id=p.id)
    return found
