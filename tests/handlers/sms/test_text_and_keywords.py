"""SMS pure rules: segment counting, transliteration, fitting, and the keyword parser."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.sms.keywords import SmsCommand, parse_sms
from handlers.sms.text import count_segments, fit_sms, transliterate_pl


@pytest.mark.parametrize(("text", "encoding", "segments"), [
    ("a" * 160, "GSM-7", 1), ("a" * 161, "GSM-7", 2), ("a" * 306, "GSM-7", 2),
    ("a" * 307, "GSM-7", 3), ("€" * 80, "GSM-7", 1), ("ą" * 70, "UCS-2", 1),
    ("ą" * 71, "UCS-2", 2), ("ą" * 134, "UCS-2", 2), ("ą" * 135, "UCS-2", 3),
])
def test_segments(text: str, encoding: str, segments: int) -> None:
    info = count_segments(text)
    assert (info.encoding, info.segments) == (encoding, segments)


def test_transliteration_keeps_gsm7() -> None:
    assert transliterate_pl("Zażółć gęślą jaźń – Łódź „tak”") == 'Zazolc gesla jazn - Lodz "tak"'
    assert count_segments(transliterate_pl("ą" * 150)).encoding == "GSM-7"


@given(st.text(max_size=1000), st.integers(min_value=1, max_value=4), st.booleans())
@settings(max_examples=200, deadline=None)
def test_fitted_text_never_exceeds_the_segments(text: str, limit: int, translit: bool) -> None:
    assert count_segments(fit_sms(text, max_segments=limit, transliterate=translit)).segments <= limit


@pytest.mark.parametrize(("text", "expected"), [
    ("POMOC", SmsCommand("help")), ("pomoc", SmsCommand("help")), ("?", SmsCommand("help")),
    ("GODZINY 4", SmsCommand("hours", hours=Decimal("4"))),
    ("godz 4", SmsCommand("hours", hours=Decimal("4"))),
    ("Godziny 4,5", SmsCommand("hours", hours=Decimal("4.5"))),
    ("  godziny   4.5   03.12 ", SmsCommand("hours", hours=Decimal("4.5"), day=(3, 12, None))),
    ("GODZNY 2 3.12.2026", SmsCommand("hours", hours=Decimal("2"), day=(3, 12, 2026))),
    ("godziny", SmsCommand("error", error="hours_missing")),
    ("godziny 4,3", SmsCommand("error", error="hours_not_half_step")),
    ("godziny 4 jutro", SmsCommand("error", error="bad_date")),
    ("WIZYTA", SmsCommand("book")), ("wizytę", SmsCommand("book")), ("WIZTA", SmsCommand("book")),
    ("moje", SmsCommand("mine")), ("ANULUJ 2", SmsCommand("cancel", number=2)),
    ("anuluj", SmsCommand("cancel")), ("anuluj x", SmsCommand("error", error="cancel_missing_number")),
    ("STOP", SmsCommand("stop")), ("stop przypomnienia", SmsCommand("stop", words=("reminders",))),
    ("Start", SmsCommand("start")), ("TAK", SmsCommand("yes")), ("nie", SmsCommand("no")),
    ("2", SmsCommand("choice", number=2)), ("", SmsCommand("unknown")),
])
def test_keywords(text: str, expected: SmsCommand) -> None:
    assert parse_sms(text) == expected


def test_ambiguous_typos_are_not_guessed() -> None:
    assert parse_sms("STAR").kind == "unknown"  # too short to correct
    assert parse_sms("'; DROP TABLE outbox; --").kind == "unknown"


@given(st.text(max_size=2000))
@settings(max_examples=500, deadline=None)
def test_any_text_parses_without_crashing(text: str) -> None:
    assert isinstance(parse_sms(text), SmsCommand)


@pytest.mark.parametrize(("text", "kind"), [
    ("ДОПОМОГА", "help"), ("допомога", "help"), ("ДОПОМГА", "help"), ("help", "help"),
    ("Мої", "mine"), ("mine", "mine"), ("ЗАПИС", "book"), ("book", "book"), ("так", "yes"),
    ("ні", "no"), ("стоп", "stop"), ("старт", "start"), ("далі", "more"), ("скасувати", "cancel"),
])
def test_ukrainian_and_english_keywords(text: str, kind: str) -> None:
    assert parse_sms(text).kind == kind


def test_hours_in_ukrainian_and_english() -> None:
    for text in ("ГОДИНИ 4", "години 4,5", "HOURS 4"):
        assert parse_sms(text).kind == "hours" and parse_sms(text).hours is not None
