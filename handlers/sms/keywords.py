"""The SMS keyword language: forgiving of case, Polish letters, spaces and small typos (pure)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from storage.hours_rules import in_half_hour_steps

KEYWORDS = {
    "POMOC": "help", "HELP": "help", "?": "help",
    "GODZINY": "hours", "GODZ": "hours", "GODZINA": "hours", "G": "hours",
    "WIZYTA": "book", "WIZYTE": "book", "MOJE": "mine", "ANULUJ": "cancel", "ODWOLAJ": "cancel",
    "STOP": "stop", "START": "start", "TAK": "yes", "NIE": "no",
    "DALEJ": "more", "WIECEJ": "more",
    "JEZYK": "language", "LANGUAGE": "language", "МОВА": "language",
    # Ukrainian and English beside the Polish (as normalise() leaves them: Ї → І, Й → И).
    "ДОПОМОГА": "help", "ГОДИНИ": "hours", "HOURS": "hours", "ЗАПИС": "book", "BOOK": "book",
    "МОІ": "mine", "MINE": "mine", "СКАСУВАТИ": "cancel", "CANCEL": "cancel", "СТОП": "stop",
    "СТАРТ": "start", "ТАК": "yes", "YES": "yes", "НІ": "no", "NO": "no",
    "ДАЛІ": "more", "MORE": "more",
}
# The language after JEZYK / МОВА / LANGUAGE, as normalise() leaves it (Ї loses its dots).
LANGUAGE_WORDS = {
    "PL": "pl", "POLSKI": "pl", "ПОЛЬСЬКА": "pl",
    "UK": "uk", "UA": "uk", "UKR": "uk", "UKRAINSKI": "uk", "UKRAINSKA": "uk",
    "UKRAINIAN": "uk", "УКР": "uk", "УКРАІНСЬКА": "uk",
    "EN": "en", "ENG": "en", "ENGLISH": "en", "ANGIELSKI": "en", "АНГЛІИСЬКА": "en",
}
# STOP PRZYPOMNIENIA / СТОП НАГАДУВАННЯ / STOP REMINDERS: reminders off too (word beginnings).
REMINDERS = ("PRZYPOM", "НАГАДУВ", "REMIND")
_DAY = re.compile(r"^(\d{1,2})[./-](\d{1,2})(?:[./-](\d{2,4}))?\.?$")
MAX_TEXT = 500


@dataclass(frozen=True)
class SmsCommand:
    """What an SMS asks for: kind, and its arguments; kind 'error' carries a code."""

    kind: str
    hours: Decimal | None = None
    day: tuple[int, int, int | None] | None = None
    number: int | None = None
    error: str | None = None
    words: tuple[str, ...] = ()


def normalise(text: str) -> list[str]:
    """Upper case, no Polish letters, punctuation as spaces: the words of an SMS."""
    text = unicodedata.normalize("NFKD", text[:MAX_TEXT]).replace("ł", "l").replace("Ł", "L")
    text = "".join(c for c in text if not unicodedata.combining(c)).upper()
    text = re.sub(r"[^\w.,/?-]+", " ", text)
    return [w.strip(",") for w in text.split() if w.strip(",")]


def _distance_one(a: str, b: str) -> bool:
    """Whether a and b differ by one edit (insert, delete or replace)."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def keyword(word: str) -> str | None:
    """The kind a word names; a single typo is forgiven in words of 5+ letters if unambiguous."""
    word = word.rstrip(".")
    if word in KEYWORDS:
        return KEYWORDS[word]
    if len(word) >= 5:
        kinds = {k for w, k in KEYWORDS.items() if len(w) >= 5 and _distance_one(word, w)}
        if len(kinds) == 1:
            return kinds.pop()
    return None


def language_word(word: str) -> str:
    """The language code a word names (one typo forgiven in 5+ letters), or '?'."""
    if word in LANGUAGE_WORDS:
        return LANGUAGE_WORDS[word]
    codes = {c for w, c in LANGUAGE_WORDS.items() if len(w) >= 5 and len(word) >= 5
             and _distance_one(word, w)}
    return codes.pop() if len(codes) == 1 else "?"


def _hours(word: str) -> Decimal | None:
    try:
        value = Decimal(word.replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _day(word: str) -> tuple[int, int, int | None] | None:
    if not (match := _DAY.match(word)):
        return None
    year = int(match[3]) if match[3] else None
    if year is not None and year < 100:
        year += 2000
    return int(match[1]), int(match[2]), year


def parse_sms(text: str) -> SmsCommand:
    """Parse any text into an SmsCommand; never raises."""
    words = normalise(text)
    if not words:
        return SmsCommand("unknown")
    if words[0].isdigit() and len(words) == 1:
        return SmsCommand("choice", number=int(words[0][:6]))
    kind = keyword(words[0])
    if kind is None and words[0].startswith("GODZ"):
        kind = "hours"
    if kind is None:
        return SmsCommand("unknown", words=tuple(words[:5]))
    rest = words[1:]
    if kind == "hours":
        return _parse_hours(rest)
    if kind == "cancel":
        if not rest:
            return SmsCommand("cancel")  # leaves an open list; else asks which booking
        if not rest[0].isdigit():
            return SmsCommand("error", error="cancel_missing_number")
        return SmsCommand("cancel", number=int(rest[0][:6]))
    if kind == "language":
        return SmsCommand("language", words=(language_word(rest[0]),) if rest else ())
    if kind == "stop" and rest and keyword(rest[0]) is None and rest[0].startswith(REMINDERS):
        return SmsCommand("stop", words=("reminders",))
    return SmsCommand(kind)


def _parse_hours(rest: list[str]) -> SmsCommand:
    if not rest:
        return SmsCommand("error", error="hours_missing")
    hours = _hours(rest[0])
    if hours is None:
        return SmsCommand("error", error="hours_missing")
    if not in_half_hour_steps(hours):
        return SmsCommand("error", error="hours_not_half_step")
    day = None
    if len(rest) > 1:
        day = _day(rest[1])
        if day is None:
            return SmsCommand("error", error="bad_date")
    return SmsCommand("hours", hours=hours, day=day)
