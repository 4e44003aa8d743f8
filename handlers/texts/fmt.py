"""Number, money, date and plural formatting (Babel), in the current language (i18n).

`plural` and `count` are Polish only (staff texts); a participant's text uses i18n.n_.
Weekdays after a preposition need the case the preposition governs, which CLDR does not
give: the Polish and Ukrainian forms by case are tables here; a text names the preposition
by its Polish word ('w', 'od', …) and each language writes its own ('у', 'з', 'on', 'from').
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from handlers.texts.i18n import LANGUAGE, SOURCE, babel_locale, n_

PL = babel_locale(SOURCE)


def locale() -> Locale:
    """Babel's locale for the current language."""
    return babel_locale(LANGUAGE.get())


# Babel formats a number or a date in about 10 µs; an update's reply formats several, and
# the same few (hours in half steps, this week's days) again and again: each is kept.
@functools.lru_cache(maxsize=4096)
def _decimal(value: Decimal | int, language: str) -> str:
    return format_decimal(value, locale=babel_locale(language), group_separator=True)


@functools.lru_cache(maxsize=4096)
def _date(value: date, pattern: str, language: str) -> str:
    return format_date(value, pattern, locale=babel_locale(language))


def plural(n: int | Decimal, one: str, few: str, many: str, fraction: str | None = None) -> str:
    """The Polish form for n: plural(5, 'godzina', 'godziny', 'godzin') -> 'godzin'."""
    if isinstance(n, Decimal) and n != n.to_integral_value():
        return fraction or few
    form = PL.plural_form(int(n))
    return {"one": one, "few": few}.get(form, many)


def count(n: int, one: str, few: str, many: str) -> str:
    """'1 osoba', '3 osoby', '5 osób'."""
    return f"{n} {plural(n, one, few, many)}"


def number(value: Decimal | int) -> str:
    """'4', '4,5', '1 234,5' (no trailing zeros)."""
    if isinstance(value, Decimal):
        value = value.normalize() if value == value.to_integral_value() else value
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))
    return _decimal(value, LANGUAGE.get())


def hours(value: Decimal | int) -> str:
    """'1 godzina', '2 godziny', '5 godzin', '4,5 godziny' ('4,5 години', '4.5 hours')."""
    value = Decimal(value)
    return n_("{n} godzina", "{n} godziny", "{n} godzin", value, n=number(value))


def money(value: Decimal | int) -> str:
    """'9,00 zł', '3 600,00 zł' (no-break spaces as Babel writes them); in złoty in every
    language ('9.00 zł'): it is what the person sees on every price here."""
    if LANGUAGE.get() == SOURCE:
        return format_currency(Decimal(value), "PLN", locale=PL)
    return format_decimal(Decimal(value), "#,##0.00", locale=locale()) + "\xa0zł"


# Weekday forms by case (Monday first). Polish texts name a day bare ("wtorek, 8 grudnia"),
# after w/we, na, za, przez (accusative: "we wtorek", "w środę") or after z/ze, od, do
# (genitive: "od wtorku", "ze środy"). Every text goes through `day`/`when` with the
# preposition, so the case and the form of the preposition ("we", "ze") are always right.
WEEKDAYS = {
    "nom": ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela"),
    "acc": ("poniedziałek", "wtorek", "środę", "czwartek", "piątek", "sobotę", "niedzielę"),
    "gen": ("poniedziałku", "wtorku", "środy", "czwartku", "piątku", "soboty", "niedzieli"),
}
CASE_AFTER = {"w": "acc", "na": "acc", "za": "acc", "przez": "acc",
              "z": "gen", "od": "gen", "do": "gen"}
# Ukrainian: у/на/за + accusative ("у середу", "за п’ятницю"), з/до + genitive ("з вівторка").
UK_WEEKDAYS = {
    "nom": ("понеділок", "вівторок", "середа", "четвер", "п’ятниця", "субота", "неділя"),
    "acc": ("понеділок", "вівторок", "середу", "четвер", "п’ятницю", "суботу", "неділю"),
    "gen": ("понеділка", "вівторка", "середи", "четверга", "п’ятниці", "суботи", "неділі"),
}
# What each Polish preposition is in the other languages (the case is CASE_AFTER's).
PREPOSITIONS = {
    "uk": {"w": "у", "na": "на", "za": "за", "przez": "на", "z": "з", "od": "з", "do": "до"},
    "en": {"w": "on", "na": "for", "za": "for", "przez": "for", "z": "from", "od": "from",
           "do": "until"},
}
AT_TIME = {"pl": "godz.", "uk": "о", "en": "at"}


def preposition(prep: str, word: str) -> str:
    """'w' → 'we' before 'wtorek'/'wrzesień', 'z' → 'ze' before 'środy'/'srebra' (Polish rule)."""
    low = word.lower()
    if prep == "w" and low[:1] in "wf" and low[1:2] not in "aeiouyąęó":
        return "we"
    if prep == "z" and low[:1] in "zsśźż" and low[1:2] not in "aeiouyąęó":
        return "ze"
    return prep


def weekday(value: date, prep: str | None = None) -> str:
    """'wtorek'; with a preposition in the case it governs: 'we wtorek', 'od środy'
    ('з вівторка', 'from Tuesday')."""
    language = LANGUAGE.get()
    case = "nom" if prep is None else CASE_AFTER[prep]
    if language == "en":
        name = _date(value, "EEEE", language)
    else:
        name = (UK_WEEKDAYS if language == "uk" else WEEKDAYS)[case][value.weekday()]
    if prep is None:
        return name
    if language in PREPOSITIONS:
        return f"{PREPOSITIONS[language][prep]} {name}"
    return f"{preposition(prep, name)} {name}"


def date_text(value: date, today: date | None = None) -> str:
    """'8 grudnia', with the year when it is not this year's: '5 stycznia 2027'."""
    pattern = "d MMMM" if today is None or value.year == today.year else "d MMMM y"
    return _date(value, pattern, LANGUAGE.get())


def day(value: date, prep: str | None = None, today: date | None = None) -> str:
    """'poniedziałek, 7 grudnia'; day(d, 'w') → 'w poniedziałek, 7 grudnia', 'od środy, …'."""
    return f"{weekday(value, prep)}, {date_text(value, today)}"


def by_gender(gender: str | None, female: str, male: str, neutral: str) -> str:
    """The form for the person's gender (K or M in the register), neutral when unknown."""
    return {"K": female, "M": male}.get((gender or "").upper(), neutral)


def short_day(value: date) -> str:
    """'pon. 07.12'."""
    return _date(value, "EEE dd.MM", LANGUAGE.get())


def numeric_date(value: date) -> str:
    """'07.12.2026'."""
    return value.strftime("%d.%m.%Y")


def clock_time(moment: datetime, tz: ZoneInfo) -> str:
    """'10:00' in the club's time zone."""
    return moment.astimezone(tz).strftime("%H:%M")


def when(moment: datetime, tz: ZoneInfo, prep: str | None = None,
         today: date | None = None) -> str:
    """'poniedziałek, 7 grudnia, godz. 10:00'; with prep 'w': 'w poniedziałek, 7 grudnia, …'.

    With `today`, a moment in another year shows its year ('5 stycznia 2027').
    """
    local = moment.astimezone(tz)
    at = AT_TIME.get(LANGUAGE.get(), AT_TIME[SOURCE])
    return f"{day(local.date(), prep, today)}, {at} {local:%H:%M}"
