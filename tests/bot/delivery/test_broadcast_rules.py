"""Pure rules of broadcasts: pacing, SMS segments and cost, /warsztat arguments."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.broadcasts.pacing import Pacer
from bot.broadcasts.smsport import segments, sms_text
from handlers.telegram.workshops import parse_args
from handlers.texts import broadcasts as texts

TZ = ZoneInfo("Europe/Warsaw")


def test_pacer_spaces_sends_and_never_exceeds_the_window() -> None:
    clock = [0.0]
    pacer = Pacer(29, now=lambda: clock[0])
    moments = []
    for _ in range(100):
        clock[0] += pacer.reserve()
        moments.append(clock[0])
    assert all(b - a == pytest.approx(1 / 29) for a, b in itertools.pairwise(moments))
    assert max(sum(1 for m in moments if t <= m < t + 1.0) for t in moments) <= 30


def test_pacer_pause_holds_the_next_send() -> None:
    clock = [10.0]
    pacer = Pacer(10, now=lambda: clock[0])
    assert pacer.reserve() == 0
    pacer.pause(3)
    assert pacer.reserve() == pytest.approx(3)


@pytest.mark.parametrize(("text", "parts"), [
    ("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3),
    ("ą" * 70, 1), ("ą" * 71, 2), ("{" * 80, 1), ("{" * 81, 2),
])
def test_segments(text: str, parts: int) -> None:
    assert segments(text) == parts


def test_transliteration_keeps_a_polish_sms_in_gsm7() -> None:
    text = sms_text("Zażółć gęślą jaźń. Łódź", transliterate=True)
    assert text == "Zazolc gesla jazn. Lodz"
    assert sms_text("ł", transliterate=False) == "ł"


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
