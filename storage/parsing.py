"""Pure parsers for what people type and spreadsheets hold: dates, phones, amounts, genders."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

import phonenumbers

MAX_AMOUNT = Decimal("99999999.99")  # what Numeric(10, 2) holds

_DATE_FORMATS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})$"),
)


# C0 controls except tab and newline, and DEL: invisible debris from spreadsheets and forged
# messages; PostgreSQL cannot even store NUL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def strip_controls(text: str) -> str:
    """The text without control characters (tab and newline are kept)."""
    return CONTROL_CHARACTERS.sub("", text)


def parse_date(text: str) -> date:
    """`YYYY-MM-DD` or `DD.MM.YYYY` → date; ValueError otherwise."""
    text = text.strip()
    for pattern in _DATE_FORMATS:
        if match := pattern.match(text):
            return date(int(match["y"]), int(match["m"]), int(match["d"]))
    raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD or DD.MM.YYYY)")


def parse_phone(text: str, region: str = "PL") -> str:
    """A phone number in any usual notation → E.164 (`+48601234567`); ValueError if invalid."""
    try:
        number = phonenumbers.parse(text.strip(), region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"not a phone number: {text!r}") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"not a valid phone number: {text!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_gender(text: str) -> str:
    """`K`/`M` (also `kobieta`/`mężczyzna`, any case) → `K` or `M`."""
    value = text.strip().upper()
    if value in {"K", "KOBIETA", "F"}:
        return "K"
    if value in {"M", "MĘŻCZYZNA", "MEZCZYZNA"}:
        return "M"
    raise ValueError(f"gender must be K or M, not {text!r}")


LANGUAGES = {"pl": "pl", "polski": "pl", "uk": "uk", "ua": "uk", "ukrainski": "uk",
             "ukraiński": "uk", "українська": "uk", "en": "en", "angielski": "en",
             "english": "en"}


def parse_language(text: str) -> str:
    """`pl`/`uk`/`en` (also `ua`, the language's Polish or own name, any case) → the code."""
    value = LANGUAGES.get(text.strip().casefold())
    if value is None:
        raise ValueError(f"language must be pl, uk or en, not {text!r}")
    return value


def parse_amount(text: str) -> Decimal:
    """`9,00` or `9.00` → Decimal('9.00'); ValueError unless positive with at most 2 decimals."""
    try:
        value = Decimal(text.strip().replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None
    if not value.is_finite() or not 0 < value <= MAX_AMOUNT or value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError(f"not an amount: {text!r}")
    return value.quantize(Decimal("0.01"))


