"""The language a text is rendered in, and the catalogs that translate Polish into it.

gettext's way, read with Babel: a msgid is the Polish sentence itself (a str.format template
with named fields), Polish needs no catalog, and handlers/texts/locale/<lang>/LC_MESSAGES/
kisbot.po holds the Ukrainian and English ones. They are read from the .po files on first
use (no compile step; the README says how to extract and update them). The current language
is a ContextVar, set when a person's update is handled and when a message to a person is
rendered, so the text functions keep their signatures. A missing, empty, fuzzy or broken
translation (other placeholders than the msgid's) falls back to the Polish sentence.

Three markers, all extracted by Babel (README: `-k N_ -k n_:1,3`):
- `_("Polish {field}", field=…)`: translated when called.
- `N_("Polish")` for a module-level constant: the module calls `translate_on_access(__name__)`
  and every read of the constant (`texts.common.HELP_HEADER`) is translated then, in the
  language of that moment (a constant is read long after the module was imported).
- `n_(one, few, many, n)`: the plural form for n. Polish picks from its three forms by
  CLDR's rule; a catalog holds the forms of its language (msgid = one, msgid_plural = many),
  chosen by the same CLDR rule; a fraction takes the form for "few" (Polish "4,5 godziny",
  Ukrainian "4,5 години", English "4.5 hours").
"""

from __future__ import annotations

import functools
import string
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

# The ContextVar lives in storage (pure Python), so that the outbox renders a message in its
# recipient's language at enqueue (storage.outbox.render); re-exported here for the texts.
from storage.language import LANGUAGE as LANGUAGE
from storage.language import LANGUAGES as LANGUAGES
from storage.language import SOURCE as SOURCE
from storage.language import speaking as speaking
from storage.language import use as use

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


def sound(msgid: str | tuple[str, ...], string: str | tuple[str, ...] | None) -> bool:
    """Whether a translation can stand for its msgid: every form present, with the msgid's
    placeholders (a plural form may leave out the count itself: "one hour")."""
    if isinstance(msgid, str):
        return isinstance(string, str) and bool(string) and fields(string) == fields(msgid)
    if not isinstance(string, tuple) or not all(string):
        return False
    wanted = fields(msgid[-1])
    return all(fields(form) - {"n"} == wanted - {"n"} and fields(form) <= wanted
               for form in string)


def translation(msgid: str | tuple[str, str], language: str) -> str | tuple[str, ...] | None:
    """The catalog's sound, non-fuzzy translation of the msgid, or None."""
    found = catalog(language)
    message = found.get(msgid) if found is not None else None
    if message is None or message.fuzzy or message.id != msgid:
        return None
    return message.string if sound(msgid, message.string) else None


def translated(msgid: str, language: str) -> str:
    """The msgid in the language, or the msgid itself when it has no sound translation."""
    text = translation(msgid, language)
    return text if isinstance(text, str) else msgid


def _(msgid: str, **values: Any) -> str:
    """The Polish sentence in the current language, its placeholders filled."""
    text = translated(msgid, LANGUAGE.get())
    return text.format(**values) if values else text


class Marked(str):
    """A module-level Polish constant to be translated whenever it is read."""


def N_(msgid: str) -> str:  # gettext's name for "mark, translate later"
    return Marked(msgid)


class _Translating(ModuleType):
    def __getattribute__(self, name: str) -> Any:
        value = super().__getattribute__(name)
        return _(value) if type(value) is Marked else value


def translate_on_access(module_name: str) -> None:
    """Make the module's N_() constants read in the current language."""
    sys.modules[module_name].__class__ = _Translating


@functools.cache
def babel_locale(language: str) -> Locale:
    """Babel's locale data for one of our languages (an unknown one: Polish)."""
    return Locale.parse({"uk": "uk_UA", "en": "en_GB"}.get(language, "pl_PL"))


# CLDR's plural category → the index of the form (Polish one/few/many; gettext's order for
# Ukrainian one/few/many and English one/other). "other" is a fraction in Polish and Ukrainian.
FORM_INDEX = {"pl": {"one": 0, "few": 1, "many": 2, "other": 1},
              "uk": {"one": 0, "few": 1, "many": 2, "other": 1},
              "en": {"one": 0, "other": 1}}


def form_index(n: int | Decimal, language: str) -> int:
    """Which form of a plural message n takes in the language (CLDR's rules, from Babel)."""
    if isinstance(n, Decimal) and n == n.to_integral_value():
        n = int(n)  # 4.0 hours are 4 hours
    return _form_index(n, language)


@functools.lru_cache(maxsize=4096)
def _form_index(n: int | Decimal, language: str) -> int:
    """form_index of a whole number or a fraction, kept (Babel evaluates the rule in ~5 µs;
    a fraction's form never depends on how many decimals it is written with: it is "other")."""
    return FORM_INDEX[language].get(babel_locale(language).plural_form(n), 1)


def n_(one: str, few: str, many: str, count: int | Decimal, /, **values: Any) -> str:
    """The form for count in the current language, its placeholders filled (count itself as
    {n} unless n is given formatted: n_("{n} godzina", "{n} godziny", "{n} godzin", 5) →
    "5 godzin")."""
    language = LANGUAGE.get()
    forms: tuple[str, ...] = (one, few, many)
    if language != SOURCE:
        found = translation((one, many), language)
        if isinstance(found, tuple) and len(found) == len(set(FORM_INDEX[language].values())):
            forms = found
        else:
            language = SOURCE
    values.setdefault("n", count)
    return forms[form_index(count, language)].format(**values)
