"""The language a text is rendered in, and the catalogs that translate Polish into it.

gettext's way, read with Babel: a msgid is the Polish sentence itself (a str.format template
with named fields), Polish needs no catalog, and handlers/texts/locale/<lang>/LC_MESSAGES/
kisbot.po holds the Ukrainian and English ones. They are read from the .po files on first
use (no compile step; the README says how to extract and update them). The current language
is a ContextVar, set when a person's update is handled and when a message to a person is
rendered, so the text functions keep their signatures. A missing, empty, fuzzy or broken
translation (other placeholders than the msgid's) falls back to the Polish sentence.
"""

from __future__ import annotations

import functools
import string
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from storage.language import LANGUAGE, LANGUAGES, SOURCE, speaking, use

__all__ = ["LANGUAGE", "LANGUAGES", "SOURCE", "_", "speaking", "translated", "use"]
DOMAIN = "kisbot"
LOCALE_DIR = Path(__file__).with_name("locale")


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def catalog(language: str) -> Catalog | None:
    """The language's catalog as Babel reads it, or None (Polish, or no file)."""
    path = catalog_path(language)
    if language == SOURCE or not path.exists():
        return None
    with path.open("rb") as po:
        return read_po(po, locale=language, domain=DOMAIN)


def fields(template: str) -> set[str]:
    """The named placeholders of a str.format template."""
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def translated(msgid: str, language: str) -> str:
    """The msgid in the language, or the msgid itself when it has no sound translation."""
    found = catalog(language)
    message = found.get(msgid) if found is not None else None
    text = message.string if message is not None and not message.fuzzy else None
    if not isinstance(text, str) or not text or fields(text) != fields(msgid):
        return msgid
    return text


def _(msgid: str, **values: Any) -> str:
    """The Polish sentence in the current language, its placeholders filled."""
    text = translated(msgid, LANGUAGE.get())
    return text.format(**values) if values else text
