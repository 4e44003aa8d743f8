"""Participants' PSU hours texts: status, logging, corrections, limit messages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from handlers.texts import fmt
from storage.errors import DomainError
from storage.hours_rules import Used

DESCRIPTION = "moje godziny pracy"
MENU_LABEL = "🕒 Moje godziny"
USAGE = "/godziny 4 albo /godziny 4 03.12 (liczba godzin, co pół godziny; data z ostatnich dni)"
NOT_IN_PSU = "Nie masz przydzielonego miejsca pracy. Zapytaj w klubie."
LOG_TODAY = "Ile godzin dziś pracowałeś/aś?"
EDIT_PROMPT = "Ile godzin wpisać za {day}?"
NOTHING_LEFT = "Na razie nie możesz wpisać więcej godzin."
PENDING_MARK = "⏳"
CONFIRMED_MARK = "✅"
REJECTED_MARK = "❌"
FIX = "✏️"
DELETE = "🗑"

LIMIT_NAMES = {"day": "dzienny", "week": "tygodniowy", "month": "miesięczny"}
LIMIT_PLACES = {"day": "tego dnia", "week": "w tym tygodniu", "month": "w tym miesiącu"}


def status(today: date, used: Used, left: Used, earned: Decimal, pending: bool) -> str:
    """The /godziny overview."""
    lines = [f"Twoje godziny ({fmt.day(today)}):",
             f"• dziś: {fmt.hours(used.day)}",
             f"• ten tydzień: {fmt.hours(used.week)} (zostało {fmt.hours(left.week)})",
             f"• ten miesiąc: {fmt.hours(used.month)} (zostało {fmt.hours(left.month)})",
             f"Za ten miesiąc: {fmt.money(earned)}"
             + (" (część czeka na potwierdzenie)" if pending else "")]
    return "\n".join(lines)


def logged(day: date, hours: Decimal, previous: Decimal | None, left: Used) -> str:
    """After logging: what happened and what is left."""
    if previous is None:
        head = f"Zapisano {fmt.hours(hours)} za {fmt.day_accusative(day)}. Dziękujemy!"
    else:
        head = (f"Zmieniono wpis za {fmt.day_accusative(day)}: było {fmt.hours(previous)}, "
                f"jest {fmt.hours(hours)}.")
    return (f"{head}\nZostało w tym tygodniu: {fmt.hours(left.week)}, "
            f"w tym miesiącu: {fmt.hours(left.month)}.")


def deleted(day: date, hours: Decimal) -> str:
    """After deleting an entry."""
    return f"Usunięto wpis za {fmt.day_accusative(day)} ({fmt.hours(hours)})."


def entry_label(day: date, hours: Decimal, state: str) -> str:
    """One entry in the list: '⏳ pt. 04.12 – 4 godziny'."""
    mark = {"submitted": PENDING_MARK, "confirmed": CONFIRMED_MARK}.get(state, REJECTED_MARK)
    return f"{mark} {fmt.short_day(day)} – {fmt.hours(hours)}"


ENTRIES_HEADER = "Ostatnie wpisy (⏳ czeka na potwierdzenie, ✅ potwierdzone, ❌ odrzucone):"


def limit_reached(kind: str, limit: Decimal, left: Decimal) -> str:
    """A limit refusal saying how much is left."""
    text = f"Limit {LIMIT_NAMES[kind]} to {fmt.hours(limit)}. "
    if left <= 0:
        return text + f"{LIMIT_PLACES[kind].capitalize()} nie możesz już wpisać więcej godzin."
    return text + f"{LIMIT_PLACES[kind].capitalize()} możesz wpisać jeszcze {fmt.hours(left)}."


ERRORS = {
    "not_in_psu": NOT_IN_PSU,
    "hours_future": "Nie można wpisać godzin z wyprzedzeniem – tylko za dziś lub za dni miniony.",
    "hours_too_old": "Ten dzień jest za daleko wstecz (można do {days} dni). Powiedz o tym w klubie.",
    "hours_invalid": "Podaj liczbę godzin co pół godziny, np. 4 albo 4,5.",
    "hours_confirmed": "Godziny za {day:%d.%m} są już potwierdzone. Zmianę zgłoś w klubie.",
    "hours_entry_not_found": "Tego wpisu już nie ma.",
    "hours_rejected": "Ten wpis jest odrzucony.",
    "reason_required": "Podaj powód.",
    "participant_not_found": "Nie ma uczestnika o numerze {number}.",
}


def error(exc: DomainError) -> str:
    """A domain error as a Polish sentence."""
    if exc.code == "hours_limit":
        return limit_reached(**exc.params)
    return ERRORS.get(exc.code, ERRORS["hours_invalid"]).format(**exc.params)
