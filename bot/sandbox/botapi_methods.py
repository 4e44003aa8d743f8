"""Bot API methods about messages, files and commands, served by `BotApiStandIn`."""

from __future__ import annotations

import html
import math
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.sandbox.botapi_models import (
    ApiFailure,
    SentMessage,
    StoredFile,
    UploadedFile,
    UserProfile,
)

# Telegram's limits and refusals, each with where it was checked. Descriptions are the exact
# strings the Bot API answers (tdlib/telegram-bot-api turns tdlib's "Message is too long" into
# "Bad Request: message is too long").

# Bot API docs, sendMessage: "Text of the message to be sent, 1-4096 characters after entities
# parsing"; tdlib td/telegram/MessageContent.cpp counts `utf8_length(text)` (code points, not
# UTF-16 units) against the option message_text_length_max = 4096. ../shared/TECH-NOTES.md:
# 4,096 emoji were accepted, 4,097 refused.
TEXT_MAX = 4096
TOO_LONG = "Bad Request: message is too long"  # sendMessage (tdlib-bot-api issue #353)
MESSAGE_TOO_LONG = "Bad Request: MESSAGE_TOO_LONG"  # editMessageText, answerCallbackQuery
EMPTY = "Bad Request: message text is empty"
# Bot API docs, sendDocument/sendPhoto: "caption: 0-1024 characters after entities parsing".
CAPTION_MAX = 1024
CAPTION_TOO_LONG = "Bad Request: message caption is too long"
# Bot API docs, InlineKeyboardButton: "callback_data: Data to be sent in a callback query to the
# bot when the button is pressed, 1-64 bytes".
CALLBACK_DATA_MAX_BYTES = 64
BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
# Not in the API docs: about 100 inline buttons per message is the community-documented limit
# (python-telegram-bot's constants.InlineKeyboardMarkupLimit.TOTAL_BUTTON_NUMBER = 100);
# beyond it Telegram answers "reply markup is too long" (LucaBernstein/beancount-bot-tg#219).
BUTTONS_MAX = 100
MARKUP_TOO_LONG = "Bad Request: reply markup is too long"
# Bot API docs, answerCallbackQuery: "text: 0-200 characters"; a longer one is refused with
# MESSAGE_TOO_LONG (eternnoir/pyTelegramBotAPI#500).
ANSWER_TEXT_MAX = 200
# A second answer, an unknown id or a late answer (docs: "Telegram clients will display a
# progress bar until you call answerCallbackQuery"; the lifetime is not documented, reports
# put it at 10-60 s: we allow CALLBACK_LIFETIME seconds of the stand-in's clock).
QUERY_TOO_OLD = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)
CALLBACK_LIFETIME = 15.0
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
# 403s: a person who blocked the bot, and one who never wrote to it (bots cannot start a
# conversation: Bot API FAQ / docs "Bots can't initiate conversations with users").
BLOCKED = "Forbidden: bot was blocked by the user"
NEVER_WROTE = "Forbidden: bot can't initiate conversation with a user"
# Bot API FAQ "My bot is hitting limits, how do I avoid this?": "avoid sending more than one
# message per second" in a chat ("We may allow short bursts that go over this limit, but
# eventually you'll begin receiving 429 errors") and "no more than 30 messages per second"
# overall. The algorithm is not published; the stand-in models a per-chat token bucket of
# CHAT_BURST messages refilled at one a second (a person's own message refills it: replying to
# someone is a short burst) and a sliding one-second window of OVERALL_PER_SECOND.
CHAT_BURST = 5
CHAT_PER_SECOND = 1.0
OVERALL_PER_SECOND = 30
COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
# Bot API docs, setMyCommands: language_code is "A two-letter ISO 639-1 language code. If
# empty, commands will be applied to all users from the given scope, for whose language there
# are no dedicated commands". The refusal's wording is tdlib's for a bad code (assumed here).
LANGUAGE_CODE_RE = re.compile(r"^[a-z]{2}$")
LANGUAGE_CODE_INVALID = "Bad Request: invalid language code specified"
# Bot API docs, "Determining list of commands": in a private chat the first of these with
# commands is shown (the scope's list for the user's language before the one without).
PRIVATE_CHAT_SCOPES = ("chat", "all_private_chats", "default")
Params = dict[str, Any]


@dataclass
class _Bucket:
    """A chat's allowance: `tokens` messages may go now; refills at CHAT_PER_SECOND."""

    tokens: float
    at: float


def text_length(text: str, parse_mode: str | None) -> int:
    """Characters Telegram counts: code points after entity parsing (HTML tags removed)."""
    if (parse_mode or "").upper() == "HTML":
        text = html.unescape(re.sub(r"<[^>]*>", "", text))
    return len(text)


class BotApiMethods:
    """Message, file and command state plus the methods that change it."""

    bot_id: int
    bot_first_name: str
    bot_username: str
    enforce_limits: bool
    now: Callable[[], int]
    count_429: int
    users: dict[int, UserProfile]
    blocked: set[int]
    files: dict[str, StoredFile]
    callback_answers: dict[str, Params]
    _chats: dict[int, list[SentMessage]]
    _next_mid: dict[int, int]
    _log: list[tuple[int, int]]
    _my_commands: dict[str, list[tuple[str, str]]]
    _sent_times: deque[float]
    _buckets: dict[int, _Bucket]
    clock: Callable[[], float]
    wrote: set[int]
    _queries: dict[str, float]
    _answered: set[str]

    def _init_methods_state(self) -> None:
        """Create the empty stores."""
        self.users, self.blocked, self.files, self.callback_answers = {}, set(), {}, {}
        self._chats, self._next_mid, self._log, self._my_commands = {}, {}, [], {}
        self._sent_times, self._buckets = deque(), {}
        self.wrote: set[int] = set()  # people who wrote to the bot (it may write to them)
        self._queries, self._answered = {}, set()  # callback query id -> when it was sent
        self.on_message: list[Callable[[SentMessage], None]] = []  # observers (benchmarks)

    @property
    def bot_user(self) -> Params:
        """The bot's own `User` object."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def next_message_id(self, chat_id: int) -> int:
        """Allocate the next message id in a chat (shared by the person and the bot)."""
        self._next_mid[chat_id] = self._next_mid.get(chat_id, 0) + 1
        return self._next_mid[chat_id]

    def chat(self, chat_id: int) -> list[SentMessage]:
        """Messages the bot has sent to a chat, oldest first (deleted ones flagged)."""
        return self._chats.setdefault(chat_id, [])

    def message(self, chat_id: int, message_id: int) -> SentMessage | None:
        """One bot message by id, or None."""
        return next((m for m in self.chat(chat_id) if m.message_id == message_id), None)

    @property
    def change_mark(self) -> int:
        """A position in the change log; pass it to `changed_since`."""
        return len(self._log)

    def changed_since(self, chat_id: int, mark: int) -> list[SentMessage]:
        """Bot messages in a chat sent, edited or deleted after `mark`, in order."""
        ids = dict.fromkeys(mid for cid, mid in self._log[mark:] if cid == chat_id)
        return [m for m in self.chat(chat_id) if m.message_id in ids]

    def chat_json(self, chat_id: int) -> Params:
        """The `Chat` object for an id (a known person, or a generic chat)."""
        if chat_id in self.users:
            return self.users[chat_id].chat_json()
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "type": kind, "title": f"Chat {chat_id}"}

    def message_json(self, msg: SentMessage) -> Params:
        """The `Message` object Telegram returns for a stored message."""
        data: Params = {
            "message_id": msg.message_id,
            "date": msg.date,
            "chat": self.chat_json(msg.chat_id),
            "from": self.bot_user,
        }
        if msg.text is not None:
            data["text"] = msg.text
        if msg.caption:
            data["caption"] = msg.caption
        if msg.markup_kind == "inline_keyboard":
            data["reply_markup"] = msg.raw_markup
        if msg.edit_date:
            data["edit_date"] = msg.edit_date
        if msg.document:
            data["document"] = self._file_json(msg.document) | {
                "file_name": msg.document.filename,
                "mime_type": msg.document.mime_type,
            }
        if msg.photo:
            data["photo"] = [self._file_json(msg.photo) | {"width": 320, "height": 240}]
        return data

    @staticmethod
    def _file_json(stored: StoredFile) -> Params:
        """The common part of file objects."""
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
        }

    # ---- checks ---------------------------------------------------------------------------

    def _target_chat(self, params: Params) -> int:
        """The chat a call writes to; 400 if unusable, 403 if the person blocked the bot."""
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            raise ApiFailure(400, "Bad Request: chat not found")
        if chat_id in self.blocked:
            raise ApiFailure(403, BLOCKED)
        if chat_id > 0 and chat_id not in self.wrote:
            raise ApiFailure(403, NEVER_WROTE)
        return chat_id

    def _check_limits(self, chat_id: int) -> None:
        """In enforce mode: OVERALL_PER_SECOND overall and the chat's bucket, else 429."""
        if not self.enforce_limits:
            return
        now = self.clock()
        while self._sent_times and now - self._sent_times[0] >= 1.0:
            self._sent_times.popleft()
        wait = 0.0
        if len(self._sent_times) >= OVERALL_PER_SECOND:
            wait = 1.0 - (now - self._sent_times[0])
        bucket = self._refilled(chat_id, now)
        if bucket.tokens < 1.0:
            wait = max(wait, (1.0 - bucket.tokens) / CHAT_PER_SECOND)
        if wait > 0:
            after = max(1, math.ceil(wait))
            raise ApiFailure(429, f"Too Many Requests: retry after {after}", retry_after=after)
        self._sent_times.append(now)
        bucket.tokens -= 1.0

    def _refilled(self, chat_id: int, now: float) -> _Bucket:
        """The chat's bucket topped up for the time since it was last used."""
        bucket = self._buckets.setdefault(chat_id, _Bucket(float(CHAT_BURST), now))
        gained = (now - bucket.at) * CHAT_PER_SECOND
        bucket.tokens, bucket.at = min(float(CHAT_BURST), bucket.tokens + gained), now
        return bucket

    def person_wrote(self, user_id: int) -> None:
        """A person wrote (or pressed a button): the bot may write back, with a fresh burst."""
        self.wrote.add(user_id)
        self._buckets.pop(user_id, None)

    @staticmethod
    def _check_markup(raw: Params | None) -> None:
        """Reject what Telegram rejects in inline keyboards."""
        rows = (raw or {}).get("inline_keyboard", [])
        if sum(len(row) for row in rows) > BUTTONS_MAX:
            raise ApiFailure(400, MARKUP_TOO_LONG)
        for row in rows:
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= CALLBACK_DATA_MAX_BYTES:
                    raise ApiFailure(400, BUTTON_DATA_INVALID)

    # ---- sending --------------------------------------------------------------------------

    def _new_message(self, params: Params, **content: Any) -> SentMessage:
        """Store a new bot message after the checks a real send goes through."""
        chat_id = self._target_chat(params)
        self._check_markup(params.get("reply_markup"))
        self._check_limits(chat_id)
        msg = SentMessage(
            chat_id=chat_id,
            message_id=self.next_message_id(chat_id),
            date=int(self.now()),
            parse_mode=params.get("parse_mode"),
            **content,
        )
        msg.set_markup(params.get("reply_markup"))
        self.chat(chat_id).append(msg)
        self._log.append((chat_id, msg.message_id))
        for observer in self.on_message:
            observer(msg)
        return msg

    async def _send_message(self, params: Params) -> Params:
        """sendMessage."""
        text = params.get("text") or ""
        if not text.strip():
            raise ApiFailure(400, EMPTY)
        if text_length(text, params.get("parse_mode")) > TEXT_MAX:
            raise ApiFailure(400, TOO_LONG)
        return self.message_json(self._new_message(params, text=text))

    async def _send_document(self, params: Params) -> Params:
        """sendDocument."""
        self._target_chat(params)
        stored = self._store_file(params, "document")
        caption = self._caption(params)
        return self.message_json(self._new_message(params, caption=caption, document=stored))

    async def _send_photo(self, params: Params) -> Params:
        """sendPhoto."""
        self._target_chat(params)
        stored = self._store_file(params, "photo")
        caption = self._caption(params)
        return self.message_json(self._new_message(params, caption=caption, photo=stored))

    async def _send_chat_action(self, params: Params) -> bool:
        """sendChatAction."""
        self._target_chat(params)
        return True

    @staticmethod
    def _caption(params: Params) -> str | None:
        """A checked caption."""
        caption = params.get("caption")
        if caption is not None and text_length(caption, params.get("parse_mode")) > CAPTION_MAX:
            raise ApiFailure(400, CAPTION_TOO_LONG)
        return caption

    def _store_file(self, params: Params, name: str) -> StoredFile:
        """Store an uploaded file, or find a file_id the bot already sent."""
        value = params.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value.removeprefix("attach://"))
        if isinstance(value, str) and value in self.files:
            return self.files[value]
        if not isinstance(value, UploadedFile):
            raise ApiFailure(400, "Bad Request: wrong file identifier/HTTP URL specified")
        number = len(self.files) + 1
        stored = StoredFile(
            file_id=f"{name}-{number}",
            file_unique_id=f"u{number}",
            filename=value.filename,
            data=value.data,
            mime_type=value.content_type,
        )
        self.files[stored.file_id] = stored
        return stored

    async def _get_file(self, params: Params) -> Params:
        """getFile."""
        stored = self.files.get(params.get("file_id", ""))
        if stored is None:
            raise ApiFailure(400, "Bad Request: invalid file_id")
        return self._file_json(stored) | {"file_path": stored.file_path}

    # ---- editing --------------------------------------------------------------------------

    def _editable(self, params: Params) -> SentMessage:
        """The live message an edit or delete call targets."""
        chat_id = self._target_chat(params)
        msg = self.message(chat_id, params.get("message_id", 0))
        if msg is None or msg.deleted:
            raise ApiFailure(400, "Bad Request: message to edit not found")
        return msg

    def _apply_edit(self, msg: SentMessage, markup: Params | None, **changes: Any) -> Params:
        """Edit a message in place, keeping its previous state in `edits`."""
        self._check_markup(markup)
        current = {key: getattr(msg, key) for key in changes}
        if current == changes and msg.raw_markup == markup:
            raise ApiFailure(400, NOT_MODIFIED)
        msg.edits.append(msg.snapshot())
        for key, value in changes.items():
            setattr(msg, key, value)
        msg.set_markup(markup)
        msg.edit_date = int(self.now())
        self._log.append((msg.chat_id, msg.message_id))
        return self.message_json(msg)

    async def _edit_message_text(self, params: Params) -> Params | bool:
        """editMessageText (an edit without reply_markup removes the keyboard)."""
        if "inline_message_id" in params:
            return True
        msg = self._editable(params)
        if msg.text is None:
            raise ApiFailure(400, "Bad Request: there is no text in the message to edit")
        text = params.get("text") or ""
        if not text.strip():
            raise ApiFailure(400, EMPTY)
        if text_length(text, params.get("parse_mode")) > TEXT_MAX:
            raise ApiFailure(400, MESSAGE_TOO_LONG)
        changes = {"text": text, "parse_mode": params.get("parse_mode")}
        return self._apply_edit(msg, params.get("reply_markup"), **changes)

    async def _edit_message_reply_markup(self, params: Params) -> Params | bool:
        """editMessageReplyMarkup."""
        if "inline_message_id" in params:
            return True
        return self._apply_edit(self._editable(params), params.get("reply_markup"))

    async def _delete_message(self, params: Params) -> bool:
        """deleteMessage."""
        chat_id = self._target_chat(params)
        msg = self.message(chat_id, params.get("message_id", 0))
        if msg is None or msg.deleted:
            raise ApiFailure(400, "Bad Request: message to delete not found")
        msg.deleted = True
        self._log.append((chat_id, msg.message_id))
        return True

    def callback_sent(self, query_id: str) -> None:
        """A callback query went to the bot now; it may be answered once, within its lifetime."""
        self._queries[query_id] = self.clock()

    async def _answer_callback_query(self, params: Params) -> bool:
        """answerCallbackQuery: once per query, within CALLBACK_LIFETIME, text ≤ 200."""
        query_id = str(params.get("callback_query_id", ""))
        sent = self._queries.get(query_id)
        late = sent is None or self.clock() - sent > CALLBACK_LIFETIME
        if late or query_id in self._answered:
            raise ApiFailure(400, QUERY_TOO_OLD)
        if len(params.get("text") or "") > ANSWER_TEXT_MAX:
            raise ApiFailure(400, MESSAGE_TOO_LONG)
        self._answered.add(query_id)
        self.callback_answers[query_id] = params
        return True

    # ---- commands -------------------------------------------------------------------------

    @staticmethod
    def scope_key(scope: Params | None = None, language_code: str = "") -> str:
        """The key commands are stored under, e.g. 'default' or 'chat:42/pl'."""
        scope = scope or {"type": "default"}
        ids = [str(scope[k]) for k in ("chat_id", "user_id") if k in scope]
        key = ":".join([scope["type"], *ids])
        return f"{key}/{language_code}" if language_code else key

    def commands(
        self, scope: Params | None = None, language_code: str = ""
    ) -> list[tuple[str, str]]:
        """Commands set for a scope as (command, description) pairs."""
        return self._my_commands.get(self.scope_key(scope, language_code), [])

    def shown_commands(self, chat_id: int, language_code: str | None) -> list[tuple[str, str]]:
        """What a private chat's menu shows, by Telegram's rules: the chat's own list, then the
        one for all private chats, then the default, each for the user's language first (the
        two letters of its tag) and then without; a scope with no commands is skipped."""
        language = (language_code or "")[:2].lower()
        for kind in PRIVATE_CHAT_SCOPES:
            scope = {"type": kind, "chat_id": chat_id} if kind == "chat" else {"type": kind}
            for code in ([language] if language else []) + [""]:
                if found := self._my_commands.get(self.scope_key(scope, code)):
                    return found
        return []

    def _params_scope_key(self, params: Params) -> str:
        """The scope key of a *MyCommands call (a language_code that is not two small letters
        is refused)."""
        language_code = params.get("language_code", "") or ""
        if language_code and not LANGUAGE_CODE_RE.match(language_code):
            raise ApiFailure(400, LANGUAGE_CODE_INVALID)
        return self.scope_key(params.get("scope"), language_code)

    async def _set_my_commands(self, params: Params) -> bool:
        """setMyCommands."""
        pairs = [(c["command"], c["description"]) for c in params.get("commands", [])]
        for command, description in pairs:
            if not COMMAND_RE.match(command) or not 1 <= len(description) <= 256:
                raise ApiFailure(400, "Bad Request: BOT_COMMAND_INVALID")
        self._my_commands[self._params_scope_key(params)] = pairs
        return True

    async def _delete_my_commands(self, params: Params) -> bool:
        """deleteMyCommands."""
        self._my_commands.pop(self._params_scope_key(params), None)
        return True

    async def _get_my_commands(self, params: Params) -> list[Params]:
        """getMyCommands."""
        pairs = self._my_commands.get(self._params_scope_key(params), [])
        return [{"command": c, "description": d} for c, d in pairs]
