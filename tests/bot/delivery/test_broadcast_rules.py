"""Pure rules of broadcasts: SMS segments, fitting and cost, /warsztat arguments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from handlers.sms.text import count_segments, prepare_sms
from handlers.telegram.workshops import parse_args
from handlers.texts import broadcasts as texts

TZ = ZoneInfo("Europe/Warsaw")


@pytest.mark.parametrize(("text", "parts"), [
    ("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3),
    ("ą" * 70, 1), ("ą" * 71, 2), ("{" * 80, 1), ("{" * 81, 2),
])
def test_segments(text: str, parts: int) -> None:
    assert count_segments(text).segments == parts
    assert prepare_sms(text, max_segments=10, transliterate=False).segments == parts


def test_transliteration_keeps_a_polish_sms_in_gsm7() -> None:
    sms = prepare_sms("Zażółć gęślą jaźń. Łódź", max_segments=2, transliterate=True)
    assert (sms.text, sms.segments, sms.cut) == ("Zazolc gesla jazn. Lodz", 1, False)
    assert prepare_sms("ł", max_segments=2, transliterate=False).text == "ł"


def test_one_preparation_fits_the_segment_limit() -> None:
    sms = prepare_sms("Zażółć gęślą jaźń. " * 30, max_segments=2, transliterate=True)
    assert sms.cut and sms.segments == 2 == count_segments(sms.text).segments
    assert sms.text.endswith("...") and len(sms.text) <= 306
    ucs2 = prepare_sms("Zażółć gęślą jaźń. " * 30, max_segments=3, transliterate=False)
    assert ucs2.cut and ucs2.segments == 3 and count_segments(ucs2.text).encoding == "UCS-2"


def test_cost_is_formatted_in_zloty() -> None:
    assert texts.cost(5, 2, Decimal("0.16")) == "1,60\xa0zł"


def test_workshop_arguments() -> None:
    args = parse_args('15.12 10:00 "Sala 2, parter" 20 3 Gotowanie razem', date(2026, 12, 7), TZ)
    assert args.starts_at.isoformat() == "2026-12-15T10:00:00+01:00"
    assert (args.place, args.capacity, args.hours, args.title) == (
        "Sala 2, parter", 20, Decimal("3.0"), "Gotowanie razem")
    assert parse_args("5.1 9 „Sala” 5 1,5", date(2026, 12, 7), TZ).starts_at.year == 2027
    for bad in ("", "15.12", '15.12 10:00 "Sala" dużo 3', '32.12 10 "S" 5 1', '15.12 25:00 "S" 5 1',
                '15.12 10 "S" 5 0,3', '15.12 10 "niedomknięty 5 1'):
        with pytest.raises((ValueError, IndexError)):
            parse_args(bad, date(2026, 12, 7), TZ)


def test_preview_warns_about_long_sms() -> None:
    from storage.broadcasts import Preview
    long = texts.preview("x", "all", Preview(telegram=1, sms=2), 3, Decimal("0.16"), 2)
    assert "3 części na SMS, koszt ok. 0,96\xa0zł" in long and "skrócić" in long
    assert "skrócić" not in texts.preview("x", "all", Preview(sms=2), 2, Decimal("0.16"), 2)
