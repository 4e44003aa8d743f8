"""Participants' PSU hours texts: status, logging, corrections, limit messages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from handlers.texts import fmt
from handlers.texts.i18n import N_, _, n_, translate_on_access
from storage.hours_rules import Used
from storage.models import HourStatus

translate_on_access(__name__)

DESCRIPTION = N_("moje godziny pracy")
MENU_LABEL = N_("🕒 Moje godziny")
USAGE = N_("/godziny 4 albo /godziny 4 03.12 (liczba godzin, co pół godziny; data z ostatnich dni)")
LOG_TODAY = N_("Ile godzin dziś wpisać?")


def log_today(gender: str | None = None) -> str:
    """The question above the hour buttons, in the person's gender."""
    return fmt.by_gender(gender, _("Ile godzin dziś pracowałaś?"), _("Ile godzin dziś pracowałeś?"),
                         _(LOG_TODAY))  # a global read inside the module: translated here


def button(hours: Decimal) -> str:
    """An hour button: '4 h', '4.5 h'."""
    return _("{hours} h", hours=hours)


NOTHING_LEFT = N_("Na razie nie możesz wpisać więcej godzin.")
PENDING_MARK = "⏳"
CONFIRMED_MARK = "✅"
REJECTED_MARK = "❌"
FIX = "✏️"
DELETE = "🗑"

def status(today: date, used: Used, left: Used, earned: Decimal, pending: bool) -> str:
    """The /godziny overview."""
    month = (_("Za ten miesiąc: {money} (część czeka na potwierdzenie)", money=fmt.money(earned))
             if pending else _("Za ten miesiąc: {money}", money=fmt.money(earned)))
    lines = [_("Twoje godziny ({day}):", day=fmt.day(today)),
             _("• dziś: {hours}", hours=fmt.hours(used.day)),
             _("• ten tydzień: {hours} (zostało {left})", hours=fmt.hours(used.week),
               left=fmt.hours(left.week)),
             _("• ten miesiąc: {hours} (zostało {left})", hours=fmt.hours(used.month),
               left=fmt.hours(left.month)),
             month]
    return "\n".join(lines)


def logged(day: date, hours: Decimal, previous: Decimal | None, left: Used) -> str:
    """After logging: what happened and what is left."""
    if previous is None:
        # The object of "zapisano" (accusative: "1 godzinę", Ukrainian "1 годину").
        head = n_("Zapisano {n} godzinę {day}. Dziękujemy!", "Zapisano {n} godziny {day}. Dziękujemy!",
                  "Zapisano {n} godzin {day}. Dziękujemy!", hours, n=fmt.number(hours),
                  day=fmt.day(day, "za"))
    else:
        head = _("Zmieniono wpis {day}: było {previous}, jest {hours}.", day=fmt.day(day, "za"),
                 previous=fmt.hours(previous), hours=fmt.hours(hours))
    rest = _("Zostało w tym tygodniu: {week}, w tym miesiącu: {month}.",
             week=fmt.hours(left.week), month=fmt.hours(left.month))
    return f"{head}\n{rest}"


def edit_prompt(day: date) -> str:
    """Above the hour buttons when correcting an entry."""
    return _("Ile godzin wpisać {day}?", day=fmt.day(day, "za"))


def deleted(day: date, hours: Decimal) -> str:
    """After deleting an entry."""
    return _("Usunięto wpis {day} ({hours}).", day=fmt.day(day, "za"), hours=fmt.hours(hours))


def entry_label(day: date, hours: Decimal, state: str) -> str:
    """One entry in the list: '⏳ pt. 04.12 – 4 godziny'."""
    mark = {HourStatus.submitted: PENDING_MARK,
            HourStatus.confirmed: CONFIRMED_MARK}.get(state, REJECTED_MARK)
    return f"{mark} {fmt.short_day(day)} – {fmt.hours(hours)}"


ENTRIES_HEADER = N_("Ostatnie wpisy (⏳ czeka na potwierdzenie, ✅ potwierdzone, ❌ odrzucone):")
