"""The command line's words for exits, staff employment and grants (help and messages)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from handlers.texts import fmt
from handlers.texts.annual import BASIS_LABELS, OUTCOME_LABELS, working_time
from storage.models import EmploymentBasis, ExitOutcome

OUTCOMES = ", ".join(ExitOutcome)
BASES = ", ".join(EmploymentBasis)

LEAVE = "Zapisz zakończenie udziału uczestnika (dzień i wynik)."
LEAVE_ON = "Dzień zakończenia (RRRR-MM-DD lub DD.MM.RRRR)."
LEAVE_OUTCOME = f"Wynik: {OUTCOMES}."
STAFF_EDIT = "Zmień zatrudnienie pracownika od danego dnia (etat, godziny, podstawa)."
STAFF_ID = "Numer pracownika (kisbot staff list)."
FTE = "Wymiar etatu, np. 1 albo 0,5."
HOURS_PER_MONTH = "Godziny pracy w miesiącu (np. przy umowie zlecenie)."
BASIS = f"Podstawa zatrudnienia: {BASES} (koniec: od tego dnia bez zatrudnienia)."
EMPLOYMENT_FROM = "Od kiedy obowiązuje (domyślnie dziś)."
GRANTS = "Dotacje (do rozliczenia w sprawozdaniu rocznym)."
GRANTS_ADD = "Dopisz dotację za rok."
GRANTS_LIST = "Wypisz dotacje."
GRANT_YEAR = "Rok dotacji."
GRANT_SOURCE = "Źródło dotacji, np. budżet gminy."
GRANT_GRANTED = "Kwota przyznana (zł)."
GRANT_SPENT = "Kwota wykorzystana (zł)."

BAD_OUTCOME = f"nieznany wynik {{value!r}} (możliwe: {OUTCOMES})"
BAD_BASIS = f"nieznana podstawa zatrudnienia {{value!r}} (możliwe: {BASES})"
BAD_NUMBER = "nieprawidłowa liczba {value!r}"
EMPLOYMENT_OPTIONS_WITHOUT_BASIS = "podaj --basis razem z --fte lub --hours-per-month"
NO_GRANTS = "Brak wpisanych dotacji."


def exit_recorded(number: str, left_on: date, outcome: ExitOutcome, result: str) -> str:
    """After `kisbot participants leave`."""
    if result == "unchanged":
        return f"Bez zmian: uczestnik {number} już ma zapisane to zakończenie udziału."
    verb = "Poprawiono" if result == "changed" else "Zapisano"
    return (f"{verb}: uczestnik {number}, koniec udziału {fmt.numeric_date(left_on)}, "
            f"{OUTCOME_LABELS[outcome]}.")


def employment_set(staff_id: int, since: date, basis: EmploymentBasis, fte: Decimal | None,
                   monthly_hours: Decimal | None) -> str:
    """After setting employment."""
    if basis is EmploymentBasis.koniec:
        return f"Pracownik nr {staff_id}: koniec zatrudnienia od {fmt.numeric_date(since)}."
    return (f"Pracownik nr {staff_id} od {fmt.numeric_date(since)}: {BASIS_LABELS[basis]}, "
            f"{working_time(fte, monthly_hours)}.")


def employment_now(basis: EmploymentBasis | None, fte: Decimal | None,
                   monthly_hours: Decimal | None) -> str:
    """The employment column of `kisbot staff list`."""
    if basis is None:
        return "zatrudnienie: brak danych"
    if basis is EmploymentBasis.koniec:
        return "zatrudnienie: zakończone"
    return f"{BASIS_LABELS[basis]}, {working_time(fte, monthly_hours)}"


def grant_added(year: int, source: str, granted: Decimal, spent: Decimal) -> str:
    """After `kisbot grants add`."""
    return (f"Dotacja {year} ({source}): przyznano {fmt.money(granted)}, "
            f"wykorzystano {fmt.money(spent)}.")


def grant_line(year: int, source: str, granted: Decimal, spent: Decimal) -> str:
    """One grant in `kisbot grants list`."""
    return f"{year}\t{source}\t{granted}\t{spent}"
