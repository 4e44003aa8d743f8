"""Polish formatting: plurals, money, hours, days in the right case."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from handlers.texts import fmt


def test_hours_plurals() -> None:
    assert [fmt.hours(Decimal(n)) for n in ("1", "2", "5", "12", "22", "25", "4.5", "0.5")] == [
        "1 godzina", "2 godziny", "5 godzin", "12 godzin", "22 godziny", "25 godzin",
        "4,5 godziny", "0,5 godziny"]


def test_money_has_a_comma_and_grouping() -> None:
    assert fmt.money(Decimal("9")) == "9,00\xa0zł"
    assert fmt.money(Decimal("3600")) == "3\xa0600,00\xa0zł"


def test_days_in_the_nominative_and_accusative() -> None:
    assert fmt.day(date(2026, 11, 28)) == "sobota, 28 listopada"
    assert fmt.day_accusative(date(2026, 11, 28)) == "sobotę, 28 listopada"
    assert fmt.day_accusative(date(2026, 11, 25)) == "środę, 25 listopada"
    assert fmt.day_accusative(date(2026, 11, 27)) == "piątek, 27 listopada"
