"""Polish number, money, date and plural formatting (Babel)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

PL = Locale.parse("pl_PL")


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
    return format_decimal(value, locale=PL, group_separator=True)


def hours(value: Decimal | int) -> str:
    """'1 godzina', '2 godziny', '5 godzin', '4,5 godziny'."""
    value = Decimal(value)
    return f"{number(value)} {plural(value, 'godzina', 'godziny', 'godzin', 'godziny')}"


def money(value: Decimal | int) -> str:
    """'9,00 zł', '3 600,00 zł' (no-break spaces as Babel writes them)."""
    return format_currency(Decimal(value), "PLN", locale=PL)


def day(value: date) -> str:
    """'poniedziałek, 7 grudnia'."""
    return format_date(value, "EEEE, d MMMM", locale=PL)


_ACCUSATIVE = {"środa": "środę", "sobota": "sobotę", "niedziela": "niedzielę"}


def day_accusative(value: date) -> str:
    """'sobotę, 28 listopada' (after 'za', 'na', 'w')."""
    weekday, rest = day(value).split(", ", 1)
    return f"{_ACCUSATIVE.get(weekday, weekday)}, {rest}"


def short_day(value: date) -> str:
    """'pon. 07.12'."""
    return format_date(value, "EEE dd.MM", locale=PL)


def numeric_date(value: date) -> str:
    """'07.12.2026'."""
    return value.strftime("%d.%m.%Y")


def clock_time(moment: datetime, tz: ZoneInfo) -> str:
    """'10:00' in the club's time zone."""
    return moment.astimezone(tz).strftime("%H:%M")


def when(moment: datetime, tz: ZoneInfo) -> str:
    """'poniedziałek, 7 grudnia, godz. 10:00'."""
    local = moment.astimezone(tz)
    return f"{day(local.date())}, godz. {local:%H:%M}"
