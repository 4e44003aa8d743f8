"""The language a text is being rendered in (pure Python: a ContextVar).

It lives in storage, below the texts, so that the outbox can render a message in its
recipient's language at enqueue (`storage.outbox.enqueue` renders text functions inside
`speaking(person.language)`); handlers.texts.i18n reads it when it translates.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

SOURCE = "pl"
LANGUAGES = ("pl", "uk", "en")
LANGUAGE: ContextVar[str] = ContextVar("language", default=SOURCE)


def known(language: str | None) -> str:
    """The language itself when it is one of ours, else Polish."""
    return language if language in LANGUAGES else SOURCE  # type: ignore[return-value]


@contextmanager
def speaking(language: str | None) -> Iterator[None]:
    """Render the texts inside in this language (an unknown one: Polish)."""
    token = LANGUAGE.set(known(language))
    try:
        yield
    finally:
        LANGUAGE.reset(token)


def use(language: str | None) -> None:
    """Set the language for the rest of this task (one update being handled)."""
    LANGUAGE.set(known(language))


def current() -> str:
    """The language texts are rendered in now."""
    return LANGUAGE.get()
