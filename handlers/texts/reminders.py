"""Texts of reminders, marking prompts and scheduled notices (discreet where SMS may carry them).

What participants get is marked for the catalogs (rendered in their language at enqueue);
the staff's prompts and the settlement notice stay Polish.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from handlers.texts import fmt
from handlers.texts.booking import WITH, how, too_late_to_cancel
from handlers.texts.i18n import _
from storage.models import Booking, Participant, SlotMode

Buttons = list[list[list[str]]]


def reminder(booking: Booking, channel: str, tz: ZoneInfo, *, can_cancel: bool = True,
             named: bool = False, has_phone: bool = True, club_phone: str | None = None,
             today: date | None = None) -> str:
    """A consultation reminder. It names the kind of help only on Telegram and only for a
    person who chose that (`named`); by default it reads like any appointment on a lock
    screen. Cancelling is offered only while it is still allowed."""
    when = fmt.when(booking.starts_at, tz, today=today)
    kind = _("rozmowa wideo") if booking.mode == SlotMode.video else _("rozmowa telefoniczna")
    if channel == "sms":
        tail = _("Twoje terminy i odwołanie: MOJE") if can_cancel else too_late_to_cancel(club_phone)
        return _("Przypomnienie: {when} – {kind}. {tail}", when=when, kind=kind, tail=tail)
    what = _("rozmowa {with_whom}", with_whom=WITH[booking.service]) if named \
        else _("umówiona rozmowa")
    tail = _("Zmiana lub odwołanie: /moje") if can_cancel else too_late_to_cancel(club_phone)
    return _("⏰ Przypomnienie: {when} – {what}.\n{how}.\n{tail}", when=when, what=what,
             how=how(booking.mode, None, has_phone, club_phone), tail=tail)


def prompt(booking: Booking, person: Participant, tz: ZoneInfo) -> tuple[str, Buttons]:
    """Ask staff whether an ended consultation took place."""
    text = (f"Konsultacja {fmt.when(booking.starts_at, tz, 'w')} – {person.first_name} "
            f"{person.last_name} ({person.number}) już się skończyła. Czy się odbyła?")
    return text, [[["✅ Odbyła się", f"ag:att:{booking.id}"],
                   ["❌ Nieobecność", f"ag:ns:{booking.id}"]]]


def weekly_nudge(logged: Decimal, norm: Decimal, gender: str | None = None,
                 channel: str = "telegram") -> str:
    """Friday's reminder to log the week's hours (in the person's channel and gender)."""
    worked = fmt.by_gender(gender, _("Jeśli pracowałaś więcej"), _("Jeśli pracowałeś więcej"),
                           _("Jeśli pracy było więcej"))
    how_to = _("odpisz np. GODZINY 4") if channel == "sms" else _("napisz np. /godziny 4")
    return _("Dzień dobry! Godziny pracy wpisane w tym tygodniu: {logged} (plan: {norm}). "
             "{worked}, wpisz godziny: {how_to}", logged=fmt.hours(logged), norm=fmt.hours(norm),
             worked=worked, how_to=how_to)


def settlement_notice(summary: str, month: date) -> str:
    """The monthly settlement sent to coordinators on the first working day."""
    return f"{summary}\n\nPlik XLSX do urzędu pracy: /rozliczenie {month:%Y-%m}"
