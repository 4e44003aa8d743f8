"""Texts of reminders, marking prompts and scheduled notices (discreet where SMS may carry them)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from handlers.texts import fmt
from handlers.texts.booking import WITH, how
from storage.models import Booking, Participant, SlotMode

Buttons = list[list[list[str]]]


def reminder(booking: Booking, channel: str, tz: ZoneInfo) -> str:
    """A consultation reminder; by SMS it never names the kind of help."""
    when = fmt.when(booking.starts_at, tz)
    if channel == "sms":
        kind = "rozmowa wideo" if booking.mode == SlotMode.video else "rozmowa telefoniczna"
        return f"Przypomnienie: {when} – {kind}. Twoje terminy i odwołanie: MOJE"
    return (f"⏰ Przypomnienie: rozmowa {WITH[booking.service]} – {when}.\n"
            f"{how(booking.mode, None)}.\nZmiana lub odwołanie: /moje")


def prompt(booking: Booking, person: Participant, tz: ZoneInfo) -> tuple[str, Buttons]:
    """Ask staff whether an ended consultation took place."""
    text = (f"Konsultacja {fmt.when(booking.starts_at, tz)} – {person.first_name} "
            f"{person.last_name} ({person.number}) już się skończyła. Czy się odbyła?")
    return text, [[["✅ Odbyła się", f"ag:att:{booking.id}"],
                   ["❌ Nieobecność", f"ag:ns:{booking.id}"]]]


def weekly_nudge(logged: Decimal, norm: Decimal) -> str:
    """Friday's reminder to log the week's hours."""
    return (f"Dzień dobry! W tym tygodniu masz wpisane {fmt.hours(logged)} pracy (plan: "
            f"{fmt.hours(norm)}). Jeśli pracowałeś/aś, wpisz godziny: /godziny w czacie "
            "albo SMS: GODZINY 4")


def settlement_notice(summary: str, month: date) -> str:
    """The monthly settlement sent to coordinators on the first working day."""
    return f"{summary}\n\nPlik XLSX do urzędu pracy: /rozliczenie {month:%Y-%m}"
