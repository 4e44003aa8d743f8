"""Participants' PSU hours texts: status, logging, corrections, limit messages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from handlers.texts import fmt
from storage.hours_rules import Used
from storage.models import HourStatus

DESCRIPTION = "moje godziny pracy"
MENU_LABEL = "🕒 Moje godziny"
USAGE = "/godziny 4 albo /godziny 4 03.12 (liczba godzin, co pół godziny; data z ostatnich dni)"
LOG_TODAY = "Ile godzin dziś wpisać?"


def log_today(gender: str | None = None) -> str:
    """The question above the hour buttons, in the person's gender."""
    return fmt.by_gender(gender, "Ile godzin dziś pracowałaś?", "Ile godzin dziś pracowałeś?",
                         LOG_TODAY)
NOTHING_LEFT = "Na razie nie możesz wpisać więcej godzin."
PENDING_MARK = "⏳"
CONFIRMED_MARK = "✅"
REJECTED_MARK = "❌"
FIX = "✏️"
DELETE = "🗑"

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
        head = f"Zapisano {fmt.hours(hours)} {fmt.day(day, 'za')}. Dziękujemy!"
    else:
        head = (f"Zmieniono wpis {fmt.day(day, 'za')}: było {fmt.hours(previous)}, "
                f"jest {fmt.hours(hours)}.")
    return (f"{head}\nZostało w tym tygodniu: {fmt.hours(left.week)}, "
            f"w tym miesiącu: {fmt.hours(left.month)}.")


def edit_prompt(day: date) -> str:
    """Above the hour buttons when correcting an entry."""
    return f"Ile godzin wpisać {fmt.day(day, 'za')}?"


def deleted(day: date, hours: Decimal) -> str:
    """After deleting an entry."""
    return f"Usunięto wpis {fmt.day(day, 'za')} ({fmt.hours(hours)})."


def entry_label(day: date, hours: Decimal, state: str) -> str:
    """One entry in the list: '⏳ pt. 04.12 – 4 godziny'."""
    mark = {HourStatus.submitted: PENDING_MARK,
            HourStatus.confirmed: CONFIRMED_MARK}.get(state, REJECTED_MARK)
    return f"{mark} {fmt.short_day(day)} – {fmt.hours(hours)}"


ENTRIES_HEADER = "Ostatnie wpisy (⏳ czeka na potwierdzenie, ✅ potwierdzone, ❌ odrzucone):"
