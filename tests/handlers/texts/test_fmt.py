"""Polish formatting: plurals, money, hours, days in the right case."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

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
    assert fmt.day(date(2026, 11, 28), "za") == "za sobotę, 28 listopada"
    assert fmt.day(date(2026, 11, 25), "w") == "w środę, 25 listopada"
    assert fmt.day(date(2026, 11, 27), "na") == "na piątek, 27 listopada"


@pytest.mark.parametrize(("prep", "forms"), [
    ("w", ["w poniedziałek", "we wtorek", "w środę", "w czwartek", "w piątek", "w sobotę",
           "w niedzielę"]),
    ("z", ["z poniedziałku", "z wtorku", "ze środy", "z czwartku", "z piątku", "z soboty",
           "z niedzieli"]),
    ("od", ["od poniedziałku", "od wtorku", "od środy", "od czwartku", "od piątku", "od soboty",
            "od niedzieli"]),
    ("do", ["do poniedziałku", "do wtorku", "do środy", "do czwartku", "do piątku", "do soboty",
            "do niedzieli"]),
    ("za", ["za poniedziałek", "za wtorek", "za środę", "za czwartek", "za piątek", "za sobotę",
            "za niedzielę"]),
    (None, ["poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela"]),
])
def test_a_weekday_in_the_case_its_preposition_governs(prep: str | None, forms: list[str]) -> None:
    week = [date(2026, 12, 7) + timedelta(days=i) for i in range(7)]
    assert [fmt.weekday(d, prep) for d in week] == forms


def test_the_year_is_shown_when_it_is_not_this_years() -> None:
    assert fmt.day(date(2027, 1, 5), "od", today=date(2026, 12, 7)) == "od wtorku, 5 stycznia 2027"
    assert fmt.day(date(2026, 12, 8), today=date(2026, 12, 7)) == "wtorek, 8 grudnia"


def test_forms_by_gender() -> None:
    assert [fmt.by_gender(g, "zrobiłaś", "zrobiłeś", "zrobione") for g in ("K", "M", None, "")] == [
        "zrobiłaś", "zrobiłeś", "zrobione", "zrobione"]
