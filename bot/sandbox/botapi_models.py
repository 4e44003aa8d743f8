"""Data recorded by the Bot API stand-in and helpers to decode PTB's requests."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "scope",
        "allowed_updates",
        "commands",
        "link_preview_options",
        "reply_parameters",
        "media",
    }
)
INT_PARAMS = frozenset({"message_id", "offset", "limit", "user_id", "reply_to_message_id"})
FLOAT_PARAMS = frozenset({"timeout", "cache_time"})
BOOL_PARAMS = frozenset({"show_alert", "drop_pending_updates", "disable_notification"})

DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    403: "Forbidden: bot was blocked by the user",
    409: "Conflict: terminated by other getUpdates request",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class ApiFailure(Exception):
    """An error answer the stand-in sends back as `{"ok": false, ...}`."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(f"{status} {description}")
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.scripted = False  # set for faults a test scripted with fail_next

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram would send for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


@dataclass
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


@dataclass
class StoredFile:
    """A file the bot has sent; addressable by file_id and downloadable."""

    file_id: str
    file_unique_id: str
    filename: str
    data: bytes
    mime_type: str

    @property
    def file_path(self) -> str:
        """Path served under /file/bot<token>/."""
        return f"files/{self.file_id}/{self.filename}"


@dataclass(frozen=True)
class Button:
    """One keyboard button as the person sees it."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass
class Fault:
    """A scripted failure for the next call(s) of a method."""

    method: str
    status: int | None
    description: str
    retry_after: int | None
    delay: float | None
    times: int


@dataclass
class ApiError:
    """An error answer the stand-in has sent (injected, blocked, rate-limited...)."""

    method: str
    chat_id: int | None
    status: int
    description: str
    expected: bool = False  # scripted, declared, or a chat the test blocked


@dataclass
class SentMessage:
    """A message the bot has in a chat, updated in place by edits."""

    chat_id: int
    message_id: int
    date: int
    text: str | None = None
    caption: str | None = None
    parse_mode: str | None = None
    reply_markup: list[list[Button]] = field(default_factory=list)
    markup_kind: str | None = None
    raw_markup: dict[str, Any] | None = None
    document: StoredFile | None = None
    photo: StoredFile | None = None
    edits: list[dict[str, Any]] = field(default_factory=list)
    edit_date: int | None = None
    deleted: bool = False

    @property
    def content(self) -> str:
        """Text or caption, whichever the message carries."""
        return self.text if self.text is not None else (self.caption or "")

    @property
    def buttons(self) -> list[Button]:
        """All buttons, row by row."""
        return [button for row in self.reply_markup for button in row]

    @property
    def labels(self) -> list[str]:
        """Button texts, row by row."""
        return [button.text for button in self.buttons]

    @property
    def has_inline_keyboard(self) -> bool:
        """True if the message carries at least one inline button."""
        return self.markup_kind == "inline_keyboard" and bool(self.buttons)

    def snapshot(self) -> dict[str, Any]:
        """The editable state, as kept in `edits` history."""
        return {
            "text": self.text,
            "caption": self.caption,
            "parse_mode": self.parse_mode,
            "reply_markup": self.raw_markup,
            "edit_date": self.edit_date,
        }

    def set_markup(self, raw: dict[str, Any] | None) -> None:
        """Store a reply_markup and its parsed rows."""
        self.raw_markup = raw
        self.markup_kind, self.reply_markup = parse_markup(raw)


def parse_markup(raw: dict[str, Any] | None) -> tuple[str | None, list[list[Button]]]:
    """Parse any reply_markup into (kind, rows of buttons)."""
    if not raw:
        return None, []
    for kind in ("inline_keyboard", "keyboard"):
        if kind in raw:
            rows = [[_button(b) for b in row] for row in raw[kind]]
            return kind, rows
    return next(iter(raw)), []


def _button(raw: dict[str, Any] | str) -> Button:
    """Parse a keyboard button (a plain string is allowed in reply keyboards)."""
    if isinstance(raw, str):
        return Button(text=raw)
    return Button(text=raw["text"], callback_data=raw.get("callback_data"), url=raw.get("url"))


def decode_param(name: str, value: str) -> Any:
    """Turn one form value from PTB into a Python value."""
    if name in JSON_PARAMS:
        return json.loads(value)
    if name in INT_PARAMS or name == "chat_id":
        return _maybe_int(value)
    if name in FLOAT_PARAMS:
        return float(value)
    if name in BOOL_PARAMS:
        return value.lower() == "true"
    return value


def _maybe_int(value: str) -> int | str:
    """An int if the value looks like one, else the string (e.g. '@channel')."""
    return int(value) if value.lstrip("-").isdigit() else value


@dataclass
class UserProfile:
    """A Telegram person the tests act as."""

    user_id: int
    first_name: str = "Anna"
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "pl"

    def user_json(self) -> dict[str, Any]:
        """The `User` object Telegram sends for this person."""
        data: dict[str, Any] = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        optional = {
            "last_name": self.last_name,
            "username": self.username,
            "language_code": self.language_code,
        }
        data.update({key: value for key, value in optional.items() if value is not None})
        return data

    def chat_json(self) -> dict[str, Any]:
        """The private `Chat` object with this person."""
        data: dict[str, Any] = {"id": self.user_id, "type": "private"}
        data["first_name"] = self.first_name
        if self.last_name is not None:
            data["last_name"] = self.last_name
        if self.username is not None:
            data["username"] = self.username
        return data
