"""Every template in handlers/texts, rendered with realistic values, against the editor's rules.

Nothing is listed by hand: every public function and every string constant of every module
in handlers/texts is found here and rendered (functions seven times, once for each weekday,
for each channel and gender, with and without optional values); every error code is
rendered for every channel that receives it. A new template is checked the day it is
written; one whose parameters cannot be sampled fails until a sample is added below.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import inspect
import pkgutil
import re
import string
import types
import typing
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

import handlers.texts as texts_package
from handlers.sms.keywords import KEYWORDS
from handlers.sms.text import count_segments, transliterate_pl
from handlers.texts import broadcasts as broadcast_texts
from handlers.texts import errors, fmt, i18n
from storage.broadcasts import Preview
from storage.errors import DomainError
from storage.models import (
    Booking,
    BookingStatus,
    Participant,
    SignupStatus,
    Slot,
    SlotMode,
    Workshop,
    WorkshopSignup,
)
from storage.settings import Settings

WAW = ZoneInfo("Europe/Warsaw")
MONDAY = date(2026, 12, 7)
VARIANTS = range(7)  # variant v: the day MONDAY + v, channel, gender, optional values
# Not templates: the formatting helpers themselves and the error table's machinery.
HELPERS = {"handlers.texts.fmt", "handlers.texts.i18n"}
SKIPPED = {("handlers.texts.errors", n) for n in ("template", "error_text", "sentence",
                                                   "row_sentence", "cli")}

# --- realistic values ---------------------------------------------------------------------


def moment(v: int, hour: int = 10) -> datetime:
    """10:00 in Warsaw on MONDAY + v."""
    return datetime.combine(MONDAY + timedelta(days=v), time(hour), WAW).astimezone(UTC)


def participant(v: int) -> Participant:
    return Participant(id=7, number="12", first_name="Anna" if v % 3 != 1 else "Jan",
                       last_name="Testowa" if v % 3 != 1 else "Próbny",
                       gender=("K", "M", "K")[v % 3], phone="+48601000111" if v % 2 else None,
                       referred_on=date(2026, 1, 5), telegram_user_id=1001)


def slot(v: int) -> Slot:
    return Slot(id=3, staff_id=2, service=("psychologist", "career_advisor")[v % 2],
                starts_at=moment(v), minutes=60, mode=(SlotMode.phone, SlotMode.video)[v % 2],
                video_link="https://meet.example/abc" if v % 4 == 1 else None)


def booking(v: int) -> Booking:
    return Booking(id=5, slot_id=3, participant_id=7, staff_id=2,
                   service=("psychologist", "career_advisor")[v % 2], starts_at=moment(v),
                   minutes=60, mode=(SlotMode.phone, SlotMode.video)[v % 2],
                   status=(BookingStatus.booked, BookingStatus.attended, BookingStatus.no_show)[v % 3],
                   created_at=moment(v) - timedelta(days=3))


def workshop(v: int) -> Workshop:
    return Workshop(id=4, title="Gotowanie", place="Sala 2", starts_at=moment(v, 12),
                    capacity=20, hours=Decimal("2.5"), created_by=1)


def signup(v: int) -> WorkshopSignup:
    return WorkshopSignup(id=9, workshop_id=4, participant_id=7,
                          status=list(SignupStatus)[v % len(SignupStatus)])


OBJECTS: dict[type, Callable[[int], object]] = {
    Participant: participant, Slot: slot, Booking: booking, Workshop: workshop,
    WorkshopSignup: signup, ZoneInfo: lambda v: WAW, datetime: moment,
    date: lambda v: MONDAY + timedelta(days=v), time: lambda v: time(10, 30),
    Decimal: lambda v: [Decimal(1), Decimal(2), Decimal(5), Decimal("4.5"), Decimal(22),
                        Decimal("0.5"), Decimal(12)][v],
    DomainError: lambda v: DomainError("slot_gone"),
}
STRINGS: dict[str, Callable[[int], str | None]] = {
    "channel": lambda v: ("telegram", "sms")[v % 2],
    "gender": lambda v: ("K", "M", None)[v % 3],
    "prep": lambda v: (None, "w", "z", "od", "do", "za", "na")[v],
    "club_phone": lambda v: "77 483 20 10" if v % 2 else None,
    "link": lambda v: "https://meet.example/abc" if v % 2 else None,
    "url": lambda v: "https://t.me/kis_klub_bot?start=ABC123",
    "service": lambda v: ("psychologist", "career_advisor")[v % 2],
    "audience": lambda v: ("all", "psu", "site", "week")[v % 4],
    "kind": lambda v: ("day", "week", "month")[v % 3],
    "state": lambda v: ("submitted", "confirmed", "rejected")[v % 3],
    "first_name": lambda v: "Anna", "last_name": lambda v: "Testowa", "name": lambda v: "Anna",
    "staff_name": lambda v: "Monika Nowak", "idle": lambda v: ("12", "Jan Próbny")[v % 2],
    "number": lambda v: "12", "person_number": lambda v: "12",
    "holiday": lambda v: "Wigilia Bożego Narodzenia", "site": lambda v: "Biblioteka",
    "where": lambda v: "Kędzierzyn-Koźle", "host": lambda v: "127.0.0.1",
    "path": lambda v: "raport-2026.xlsx", "label": lambda v: "Kobiety",
    "roles": lambda v: "psycholog, doradca", "code": lambda v: "slot_gone",
    "word": lambda v: "wtorek", "command": lambda v: "/moje",
    "one": lambda v: "godzina", "few": lambda v: "godziny", "many": lambda v: "godzin",
    "female": lambda v: "pracowałaś", "male": lambda v: "pracowałeś", "neutral": lambda v: "praca",
    "expected": lambda v: "Odpisz numerem dnia od 1 do 6.", "tail": lambda v: "Odpisz numerem.",
    "what": lambda v: "dnia", "summary": lambda v: "Podsumowanie miesiąca: 3 osoby.",
    "when_text": lambda v: fmt.when(moment(v), WAW), "day_text": lambda v: fmt.day(MONDAY),
    "text": lambda v: "Zapraszamy na wspólne śniadanie w piątek.",
    "current": lambda v: "umowa o pracę", "result": lambda v: ("created", "changed", "unchanged")[v % 3],
    "source": lambda v: "budżet gminy", "reason": lambda v: "OSError: brak miejsca na dysku",
    "file": lambda v: "kisbot-20261201-020000.tar.gz.enc", "reasons": lambda v: "limit czasu",
    "parts": lambda v: ("database", "scheduler", "telegram")[v % 3],
}
# Parameters whose values have a shape their type does not say.
BY_NAME: dict[str, Callable[[int], object]] = {
    "half": lambda v: ((2026, 1), (2026, 2), (2026, 0), None)[v % 4],
    "status": lambda v: ("going", "waiting", "declined", "submitted", "confirmed")[v % 5],
}
# Parameters of one template (function name, parameter).
BY_FUNCTION: dict[tuple[str, str], Callable[[int], object]] = {
    ("numbered", "items"): lambda v: ["wt. 08.12", "śr. 09.12", "pt. 11.12"][: 1 + v % 3],
    ("choose", "current"): lambda v: LANGUAGES[v % 3],
    ("chosen", "language"): lambda v: LANGUAGES[v % 3],
    ("chosen", "channel"): lambda v: ("telegram", "sms")[v % 2],
    ("offer", "language"): lambda v: ("uk", "en")[v % 2],
    ("keep_polish", "language"): lambda v: ("uk", "en")[v % 2],
    ("messages", "translations"): lambda v: (
        {}, {"uk": "Запрошуємо на спільний сніданок у п'ятницю."})[v % 2],
    ("saved", "language"): lambda v: LANGUAGES[v % 3],
    ("participant_label", "language"): lambda v: LANGUAGES[v % 3],
    ("question", "current"): lambda v: LANGUAGES[v % 3],
    ("versions_step", "translations"): lambda v: ({}, {"uk": "Запрошуємо на сніданок."})[v % 2],
    ("versions_step", "spoken"): lambda v: (["uk"], ["uk", "en"], ["en"], [])[v % 4],
    ("preview", "versions"): lambda v: [] if v % 3 == 0 else [
        broadcast_texts.Version("pl", "Zapraszamy na wspólne śniadanie w piątek.",
                                Preview(telegram=3, sms=v % 3), 1 + v % 2),
        broadcast_texts.Version("uk", "Запрошуємо на спільний сніданок у п'ятницю.",
                                Preview(telegram=1, sms=2), 1 + v % 3, "UCS-2", cut=v % 2 == 0)],
}
LANGUAGES = ("pl", "uk", "en")
# Modules whose tables hold a sentence per language: each rendered in its language, the
# Polish editor's rules applied to Polish only.
MULTILINGUAL = {"handlers.texts.languages"}
INTS: dict[str, int] = {"year": 2026, "port": 8080, "month": 12, "minutes": 60,
                        "max_segments": 10, "limit": 1000, "half": 2}


UNRENDERABLE: list[str] = []


class NoSample(LookupError):
    """A parameter this test cannot fill in: add a sample above."""


def sample(tp: object, name: str, v: int) -> object:
    """A realistic value of type `tp` for a parameter called `name` in variant v."""
    v %= len(VARIANTS)
    if name in BY_NAME and tp is not int:
        return BY_NAME[name](v)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        if type(None) in args and v % 3 == 2 and name != "channel" and not name.endswith("id"):
            return None
        return sample(next(a for a in args if a is not type(None)), name, v)
    if tp is str or (name in STRINGS and tp in (str, object)):
        if name in STRINGS:
            return STRINGS[name](v)
        raise NoSample(f"str parameter {name!r}")
    if tp is bool:
        return v % 2 == 0
    if tp is float:
        return [0.0, 42.0, 3600.0, 90000.0, 1.5, 600.0, 7200.0][v]
    if tp is int:
        return INTS.get(name, [1, 2, 3, 5, 12, 22, 0][v])
    if origin in (list, Sequence, typing.Sequence) or tp in (list,):
        item = args[0] if args else str
        return [sample(item, name, v + i) for i in range(3 if v % 3 else 1)]
    if origin is tuple:
        if len(args) == 2 and args[1] is not Ellipsis:
            return tuple(sample(a, name, v) for a in args)
        return tuple(sample(args[0], name, v + i) for i in range(2))
    if origin is dict:
        return {STRINGS["site"](v): sample(args[1], "hours", v)}
    if origin is frozenset:
        return frozenset(list(args[0])[: 1 + v % 3]) if isinstance(args[0], enum.EnumMeta) else frozenset()
    if isinstance(tp, enum.EnumMeta):
        members = list(tp)
        return members[v % len(members)]
    if tp in OBJECTS:
        return OBJECTS[tp](v)  # type: ignore[index]
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        return tp(**{f.name: sample(hints[f.name], f.name, v) for f in dataclasses.fields(tp)
                     if f.init})
    raise NoSample(f"{tp!r} for parameter {name!r}")


# --- every template -------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Rendered:
    """One rendered text, where it came from, and for which channel it was written."""

    where: str
    text: str
    channel: str | None  # 'sms', 'telegram', or None (not channel-specific)
    language: str = "pl"  # 'mixed': several languages in one text (the language question)


def modules() -> list[types.ModuleType]:
    return [importlib.import_module(f"{texts_package.__name__}.{m.name}")
            for m in pkgutil.iter_modules(texts_package.__path__)
            if f"{texts_package.__name__}.{m.name}" not in HELPERS]


def strings_in(value: object) -> Iterator[str]:
    """Every string a rendered value holds (texts, button labels, nested tables)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from strings_in(getattr(value, f.name))


def module_channel(module: types.ModuleType) -> str | None:
    """SMS replies, the admin's command line (identifiers such as 'career_advisor' allowed)."""
    return {"sms": "sms", "cli": "cli"}.get(module.__name__.rsplit(".", 1)[1])


def render_function(module: types.ModuleType, name: str, func: Callable[..., object],
                    for_channel: str | None = None) -> Iterator[Rendered]:
    hints = typing.get_type_hints(func)
    params = inspect.signature(func).parameters
    for v in VARIANTS:
        try:
            kwargs = {p: BY_FUNCTION[(name, p)](v) if (name, p) in BY_FUNCTION
                      else sample(hints.get(p, str), p, v) for p, spec in params.items()
                      if spec.default is inspect.Parameter.empty or v % 2 or p in ("channel",)}
            result = func(**kwargs)
        except Exception as exc:
            UNRENDERABLE.append(f"{module.__name__}.{name} (variant {v}): {exc!r}")
            return
        channel = for_channel or (kwargs.get("channel") if "channel" in kwargs
                                  else module_channel(module))
        where = name if for_channel else f"{module.__name__}.{name}"
        language = (str(kwargs.get("language", "mixed")) if module.__name__ in MULTILINGUAL
                    else "pl")
        for text in strings_in(result):
            yield Rendered(f"{where}{kwargs}", text, channel, language)  # type: ignore[arg-type]


def format_fields(template: str) -> list[str]:
    return [field.split("!")[0].split(":")[0].split(".")[0]
            for _, field, _, _ in string.Formatter().parse(template) if field]


def render_format(where: str, template: str, channel: str | None) -> Iterator[Rendered]:
    """A str.format template (e.g. 'Ile godzin wpisać za {day}?') with sampled fields."""
    fields = format_fields(template)
    dated = {field.split(":")[0] for _, field, spec, _ in string.Formatter().parse(template)
             if field and spec and "%" in spec}
    for v in VARIANTS if fields else [0]:
        values = {f: MONDAY + timedelta(days=v) if f in dated else
                  FIELD_SAMPLES.get(f, lambda v, f=f: STRINGS.get(f, lambda v: "12")(v))(v)
                  for f in fields}
        yield Rendered(where, template.format(**values), channel)


FIELD_SAMPLES: dict[str, Callable[[int], object]] = {
    "day": lambda v: fmt.day(MONDAY + timedelta(days=v)), "days": lambda v: 7,
    "n": lambda v: v + 1, "title": lambda v: "Gotowanie", "when": lambda v: fmt.when(moment(v), WAW),
    "limit": lambda v: 500, "value": lambda v: "x1", "column": lambda v: "telefon",
    "first_line": lambda v: 3, "date": lambda v: "31.12.2026", "max": lambda v: 8,
    "missing": lambda v: "telefon",
    "required": lambda v: "numer, imię", "reason": lambda v: "brak pliku", "kind": lambda v: "PSU",
    "kinds": lambda v: "PSU, warsztat", "minutes": lambda v: 60,
}


def error_renderings() -> Iterator[Rendered]:
    for code in errors.ERRORS:
        for channel in errors.Channel:
            try:
                wording = errors.template(code, channel)
            except errors.NoSentence:
                continue
            where = f"errors.ERRORS[{code!r}][{channel}]"
            if callable(wording):
                yield from render_function(errors, where, wording, str(channel))  # type: ignore[arg-type]
            else:
                yield from render_format(where, wording, str(channel))


def constants(module: types.ModuleType) -> Iterator[Rendered]:
    for name in list(vars(module)):
        value = getattr(module, name)  # an N_() constant in the current language
        if name.startswith("_") or not name.isupper() or name in ("ERRORS", "JOINING", "BOOKING",
                                                                   "HOURS", "WORKSHOPS",
                                                                   "BROADCASTS", "ADMIN"):
            continue
        if module.__name__ in MULTILINGUAL and isinstance(value, dict):
            channel = "sms" if name.startswith("SMS_") or name.endswith("_SMS") else None
            for language, text in value.items():
                assert language in LANGUAGES, f"{module.__name__}.{name}: {language!r}"
                yield Rendered(f"{module.__name__}.{name}[{language}]", text, channel, language)
            continue
        for text in strings_in(value):
            if "{" in text and format_fields(text):
                yield from render_format(f"{module.__name__}.{name}", text, module_channel(module))
            else:
                yield Rendered(f"{module.__name__}.{name}", text, module_channel(module))


def every_rendering() -> list[Rendered]:
    out: list[Rendered] = []
    for module in modules():
        out += constants(module)
        for name, func in vars(module).items():
            if (inspect.isfunction(func) and func.__module__ == module.__name__
                    and not name.startswith("_") and (module.__name__, name) not in SKIPPED):
                out += render_function(module, name, func)
    out += error_renderings()
    out += translated_renderings()
    return out


def translated_renderings() -> list[Rendered]:
    """The modules that mark texts for the catalogs, rendered again in Ukrainian and English."""
    out: list[Rendered] = []
    for module in modules():
        if not any(getattr(module, marker, None) is getattr(i18n, marker)
                   for marker in ("_", "n_", "N_")):
            continue
        for language in LANGUAGES[1:]:
            with i18n.speaking(language):
                out += [dataclasses.replace(r, where=f"[{language}] {r.where}", language=language)
                        for r in constants(module)]
                for name, func in vars(module).items():
                    if (inspect.isfunction(func) and func.__module__ == module.__name__
                            and not name.startswith("_") and (module.__name__, name) not in SKIPPED):
                        out += [dataclasses.replace(r, where=f"[{language}] {r.where}",
                                                    language=language)
                                for r in render_function(module, name, func)]
    for language in LANGUAGES[1:]:  # the error table: each participant's code in their language
        with i18n.speaking(language):
            out += [dataclasses.replace(r, where=f"[{language}] {r.where}", language=language)
                    for r in error_renderings()]
    return out


RENDERED = every_rendering()


# --- the rules -----------------------------------------------------------------------------

WEEKDAY_ANY = "|".join(sorted({w for forms in fmt.WEEKDAYS.values() for w in forms}, key=len,
                              reverse=True))
AFTER = re.compile(rf"(?<![\w/])(\w+)\s+({WEEKDAY_ANY})\b", re.IGNORECASE)
PREPOSITION_FORMS = {"we": "w", "ze": "z"}
ENGLISH = re.compile(
    r"\b(the|and|of|for|with|is|are|not|none|true|false|null|error|holiday|christmas|eve|day|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|"
    r"june|july|august|september|october|november|december|please|cancel|booking|slot|"
    r"psychologist|career_advisor|reminder|notice|broadcast|attended|no_show|submitted|"
    r"confirmed|rejected)\b", re.IGNORECASE)
SLASH_FORMS = re.compile(r"[a-ząćęłńóśźż]/(a|aś|am|ła|łaś|y|e)\b|\((a|-a|ka|y)\)")
# Common words of these texts written without their Polish letters (besides those found by
# comparing with the texts' own words).
BARE = {"bedziemy", "ogloszen", "ogloszenia", "wiadomosc", "prosze", "dziekujemy", "umowione",
        "odwolano", "rozmowe", "zostalo", "mozesz", "juz", "dzien", "godzine", "wiecej"}
# Words that are right with and without Polish letters.
BOTH_RIGHT = {"ze", "te", "ja", "na", "za", "to", "co", "moje", "nie", "tak", "sa", "dni", "ten",
              "lub", "czy", "ile", "wiec", "jak", "mam", "pan", "min", "list", "lista", "kto",
              "pomoc", "jest", "raz", "tam", "tu", "sala", "zle", "dane", "danych", "ona", "on"}
FORBIDDEN = re.compile(r"psycholog|doradc|mops|\bkis\b|uzależ|nałóg|zasiłk|zasił|terapi|"
                       r"klub|bezdomn|więzie|zakład karny", re.IGNORECASE)
COMMAND = re.compile(r"(?<![\w:/.])/[a-ząćęłńóśźż]{3,}")
SMS_WORDS = {w for w in KEYWORDS if w.isalpha() and len(w) > 2}
SMS_PARTS = Settings.model_fields["sms_max_segments"].default  # nothing the bot says is cut


def unaccent(word: str) -> str:
    import unicodedata
    return "".join(c for c in unicodedata.normalize("NFKD", word.replace("ł", "l").replace("Ł", "L"))
                   if not unicodedata.combining(c))


# Words with a Polish letter inside (a final ą/ę alone marks an inflection: 'rozmową' and
# 'rozmowa' are both words, 'odwołano' and 'odwolano' are not).
POLISH_WORDS = {w.lower() for r in RENDERED for w in re.findall(r"\w+", r.text)
                if re.search(r"[ąćęłńóśźż]", w.lower()[:-1]) or re.search(r"[ćłńóśźż]$", w.lower())}
UNACCENTED = {unaccent(w) for w in POLISH_WORDS} - POLISH_WORDS - BOTH_RIGHT | BARE


def weekday_case_errors(text: str) -> list[str]:
    """A weekday in the wrong case after a preposition, or bare right after another word."""
    found = []
    for word, day in AFTER.findall(text):
        word_l, day_l = word.lower(), day.lower()
        prep = PREPOSITION_FORMS.get(word_l, word_l)
        if prep in fmt.CASE_AFTER:
            if day_l not in fmt.WEEKDAYS[fmt.CASE_AFTER[prep]]:
                found.append(f"'{word} {day}': {prep} needs the {fmt.CASE_AFTER[prep]} form")
            elif fmt.preposition(prep, day_l) != word_l:
                found.append(f"'{word} {day}': write '{fmt.preposition(prep, day_l)} {day}'")
        elif word.isalpha() and day_l in fmt.WEEKDAYS["nom"] and not word.isupper():
            found.append(f"'{word} {day}': a nominative weekday straight after a word")
    return found


# The privacy audit in the other languages (lower case; Ukrainian and English stems).
FORBIDDEN_FOREIGN = re.compile(r"психолог|консультант|мопс|клуб|терапі|залежн|бездомн|в.язни|"
                               r"тюрм|допомог[аи] від|psycholog|counsel|\bkis\b|\bmops\b|"
                               r"addict|therap|benefit|club|homeless|prison", re.IGNORECASE)


def foreign_rules(r: Rendered) -> list[str]:
    """Ukrainian, English or mixed: filled, discreet, whole in its SMS (UCS-2 for Cyrillic)."""
    problems = []
    if re.search(r"\{\w*\}|None\b", r.text):
        problems.append("an unfilled placeholder or None")
    if r.channel == "sms":
        if (parts := count_segments(transliterate_pl(r.text)).segments) > SMS_PARTS:
            problems.append(f"an SMS of {parts} parts would be cut (at most {SMS_PARTS})")
        if m := COMMAND.search(r.text):
            problems.append(f"a Telegram command {m[0]!r} in an SMS text")
        if m := FORBIDDEN.search(r.text) or FORBIDDEN_FOREIGN.search(r.text):
            problems.append(f"an SMS names {m[0]!r} (privacy)")
    return problems


def broken_rules(r: Rendered) -> list[str]:
    if r.language != "pl":
        return foreign_rules(r)
    text = r.text
    problems = weekday_case_errors(text)
    if r.channel != "cli" and (m := ENGLISH.search(text.replace("https://", " ").split("http")[0])):
        problems.append(f"English word {m[0]!r}")
    if m := SLASH_FORMS.search(text):
        problems.append(f"a slash/bracket form {m[0]!r}: use the person's gender or a neutral one")
    if re.search(r"\{\w*\}|None\b", text):
        problems.append("an unfilled placeholder or None")
    for word in re.findall(r"\w+", COMMAND.sub(" ", text)):
        if word.lower() in UNACCENTED and not word.isupper():
            problems.append(f"{word!r} lacks its Polish letters")
    if r.channel == "sms":
        if (parts := count_segments(transliterate_pl(text)).segments) > SMS_PARTS:
            problems.append(f"an SMS of {parts} parts would be cut (at most {SMS_PARTS})")
        if m := COMMAND.search(text):
            problems.append(f"a Telegram command {m[0]!r} in an SMS text")
        if m := FORBIDDEN.search(text):
            problems.append(f"an SMS names {m[0]!r} (privacy)")
    if r.channel == "telegram" and (hit := SMS_WORDS & set(re.findall(r"\b[A-Z]{3,}\b", text))):
        problems.append(f"SMS keywords {sorted(hit)} in a Telegram text")
    return problems


def test_every_template_is_rendered() -> None:
    """Every template renders with realistic values (else: add a sample above)."""
    assert UNRENDERABLE == []
    wheres = {r.where.split("{")[0] for r in RENDERED}
    for expected in ("handlers.texts.booking.booked", "handlers.texts.sms.confirm",
                     "handlers.texts.reminders.reminder", "handlers.texts.hours.LOG_TODAY",
                     "handlers.texts.common.greeting", "handlers.texts.broadcasts.invitation_sms"):
        assert expected in wheres
    assert any(w.startswith("errors.ERRORS['cancel_too_late'][sms]") for w in wheres)
    assert len(RENDERED) > 1000


@pytest.mark.parametrize("rule_text, problem", [
    ("Odwołano wizytę z środa, 9 grudnia", "z needs the gen form"),
    ("Dodano 2 terminy od wtorek, 8 grudnia", "od needs the gen form"),
    ("Rozmowa wtorek, 8 grudnia. Potwierdzasz?", "nominative weekday straight after a word"),
    ("Spotkanie w wtorek", "write 'we wtorek'"),
    ("Zmiana z środy", "write 'ze środy'"),
    ("Christmas Eve to dzień wolny od pracy.", "English word"),
    ("Jeśli pracowałeś/aś, wpisz godziny", "slash/bracket form"),
    ("Nie bedziemy wysyłać ogloszen", "lacks its Polish letters"),
])
def test_the_rules_catch_the_examples_of_issue_19(rule_text: str, problem: str) -> None:
    problems = broken_rules(Rendered("example", rule_text, None))
    assert any(problem in p for p in problems), problems


def test_every_template_follows_the_rules() -> None:
    """No wrong case after a preposition, no English, no missing Polish letters, no '/aś'."""
    bad = sorted({f"{r.where}: {p}\n    {r.text!r}" for r in RENDERED for p in broken_rules(r)})
    assert not bad, f"{len(bad)} problems:\n" + "\n".join(bad[:60])


def test_the_other_languages_are_checked_in_their_own_terms() -> None:
    languages = {r.language for r in RENDERED}
    assert {"pl", "uk", "en", "mixed"} <= languages
    assert broken_rules(Rendered("x", "Зараз: українська.", "telegram", "uk")) == []
    assert any("privacy" in p for p in broken_rules(Rendered("x", "Розмова з психологом", "sms", "uk")))
    assert any("placeholder" in p for p in broken_rules(Rendered("x", "Saved: {name}", None, "en")))
    ukrainian = count_segments(transliterate_pl("Збережено: українська. " * 4))
    assert ukrainian.encoding == "UCS-2" and ukrainian.segments == 2  # 92 units; Latin: 1


def test_translated_templates_are_rendered_in_their_language() -> None:
    greetings = [r.text for r in RENDERED if r.where.startswith("[uk] handlers.texts.common.greeting")]
    assert greetings and all(t.startswith("Добрий день, Anna!") for t in greetings)
    assert any(r.where.startswith("[en] handlers.texts.common.welcome_back") for r in RENDERED)


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_no_translation_names_what_its_polish_does_not(language: str) -> None:
    """The privacy audit over the catalogs: a translation may name a service, an institution
    or a category only where the Polish sentence does (and is audited for it above)."""
    catalog = i18n.catalog(language)
    assert catalog is not None
    found = [f"{m.id!r} → {m.string!r}" for m in catalog if m.id and isinstance(m.string, str)
             and FORBIDDEN_FOREIGN.search(m.string) and not FORBIDDEN.search(m.id)]
    assert found == []


def test_sms_rules_catch_commands_private_words_and_length() -> None:
    problems = broken_rules(Rendered("example", "Rozmowa z psychologiem. Napisz /wizyta", "sms"))
    assert any("command" in p for p in problems) and any("privacy" in p for p in problems)
    assert any("would be cut" in p for p in broken_rules(Rendered("x", "Rozmowa. " * 40, "sms")))
    assert broken_rules(Rendered("example", "Umów się: WIZYTA w SMS", "telegram"))


# Sent without being asked, so seen on a lock screen: discreet by default on Telegram too.
NOTIFICATIONS = {
    ("handlers.texts.reminders", "reminder"), ("handlers.texts.reminders", "weekly_nudge"),
    ("handlers.texts.booking", "waitlist_notice"),
    ("handlers.texts.booking", "slot_cancelled_by_staff"),
    ("handlers.texts.booking", "WAITLIST_TELEGRAM"), ("handlers.texts.booking", "WAITLIST_SMS_SAFE"),
}


def test_notifications_name_no_kind_of_help_unless_the_person_chose_it() -> None:
    """The privacy audit covers Telegram as well as SMS (every SMS text is audited above)."""
    found: list[str] = []
    for module_name, name in sorted(NOTIFICATIONS):
        module = importlib.import_module(module_name)
        value = getattr(module, name)
        if callable(value):
            params = inspect.signature(value).parameters
            for channel in ("telegram", "sms"):
                for v in VARIANTS:
                    kwargs = {p: sample(typing.get_type_hints(value)[p], p, v) for p in params}
                    kwargs.update({k: val for k, val in (("channel", channel), ("named", False))
                                   if k in params})
                    found += [f"{name}: {m[0]!r} in {t!r}" for t in strings_in(value(**kwargs))
                              if (m := FORBIDDEN.search(t))]
        else:
            found += [f"{name}: {m[0]!r}" for t in strings_in(value) if (m := FORBIDDEN.search(t))]
    assert found == []


def test_a_person_who_chose_it_gets_the_kind_of_help_named() -> None:
    from handlers.texts import reminders
    text = reminders.reminder(booking(0), "telegram", WAW, named=True)
    assert "z psychologiem" in text
    assert "psycholog" not in reminders.reminder(booking(0), "sms", WAW, named=True)
