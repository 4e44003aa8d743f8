"""SMS replies: short, plain, and discreet (never the kind of help, the centre or the club)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from handlers.texts import fmt
from handlers.texts.booking import reminder_promise, too_late_to_cancel
from storage.models import Booking, SlotMode

HELP = ("Napisz: GODZINY 4 (lub GODZINY 4 03.12) - wpis godzin; WIZYTA - umów rozmowę; "
        "MOJE - Twoje terminy; ANULUJ 1 - odwołaj; NIE - wyjście; STOP/START - ogłoszenia.")
UNKNOWN_NUMBER = ("Dzień dobry. Tego numeru nie ma w naszym systemie. Skontaktuj się z osobą, "
                  "która podała Ci ten numer.")
NOT_UNDERSTOOD = "Nie rozumiem tej wiadomości. Napisz POMOC, aby zobaczyć polecenia."
SERVICES = ("Z kim chcesz porozmawiać? Odpisz numerem: 1 - rozmowa wspierająca, "
            "2 - rozmowa o pracy. Rezygnacja: NIE")
LEFT_MENU = "Dobrze, zamykamy listę. Gdy zechcesz, napisz WIZYTA albo POMOC."
NO_MORE_DAYS = "To już wszystkie wolne dni."
YES_OR_NO = "Odpisz TAK, aby potwierdzić, albo NIE, aby zrezygnować."
CANCEL_HOW = "Aby odwołać rozmowę, napisz ANULUJ i jej numer, np. ANULUJ 1."
NO_FREE = "Brak wolnych terminów w najbliższych dniach. Napiszemy, gdy pojawi się termin."
NOTHING_BOOKED = "Nie masz umówionych rozmów. Aby się umówić, napisz WIZYTA."
MENU_EXPIRED = "Ta lista jest już nieaktualna. Napisz WIZYTA, aby zacząć od nowa."
KEPT = "Dobrze, nic nie zmieniamy."
STOPPED = ("Nie będziemy wysyłać ogłoszeń. Przypomnienia o Twoich rozmowach nadal przyjdą "
           "(wyłączysz je: STOP PRZYPOMNIENIA). Powrót: START")
STOPPED_REMINDERS = "Nie będziemy wysyłać przypomnień ani ogłoszeń. Powrót: START"
STARTED = "Włączone: ogłoszenia i przypomnienia. Wyłączenie: STOP"


def numbered(items: list[str], tail: str) -> str:
    """'1 - …, 2 - …. tail'."""
    return "; ".join(f"{i} - {item}" for i, item in enumerate(items, 1)) + ". " + tail


def pick(count: int, what: str) -> str:
    """'Odpisz numerem dnia (od 1 do 6).' – what an answer to a list must be."""
    if count <= 1:
        return f"Odpisz numerem {what}: 1."
    if count == 2:
        return f"Odpisz numerem {what}: 1 albo 2."
    return f"Odpisz numerem {what} od 1 do {count}."


def repeat(expected: str) -> str:
    """An answer the open list did not expect: say again what it expects, and the way out."""
    return f"Nie ma takiego wyboru. {expected} Rezygnacja: NIE"


def days(options: list[date], more: bool = False) -> str:
    """Free days to choose from (a page of them; DALEJ shows the next page)."""
    tail = pick(len(options), "dnia") + (" Dalsze dni: DALEJ" if more else "")
    return numbered([fmt.short_day(d) for d in options], tail)


def times(options: list[datetime], tz: ZoneInfo) -> str:
    """Free times to choose from."""
    return numbered([fmt.clock_time(t, tz) for t in options], pick(len(options), "godziny"))


def confirm(starts_at: datetime, tz: ZoneInfo, today: date | None = None) -> str:
    """Ask before booking (with the year when it is not this year's)."""
    return f"Rozmowa {fmt.when(starts_at, tz, 'w', today)}. Potwierdzasz? Odpisz TAK albo NIE."


def booked(booking: Booking, tz: ZoneInfo, *, reminder_leads: list[int] | None = None,
           can_cancel: bool = True, club_phone: str | None = None,
           today: date | None = None) -> str:
    """After booking by SMS: only what will happen (reminders that will go, cancelling if allowed)."""
    kind = "rozmowa wideo" if booking.mode == SlotMode.video else "zadzwonimy na ten numer"
    promise = reminder_promise(reminder_leads or [])
    tail = "Odwołanie: MOJE" if can_cancel else too_late_to_cancel(club_phone)
    return f"Umówione: {fmt.when(booking.starts_at, tz, today=today)}, {kind}. {promise}{tail}"


def mine(bookings: list[Booking], tz: ZoneInfo, can_cancel: bool = True,
         club_phone: str | None = None) -> str:
    """Upcoming bookings, numbered for ANULUJ (offered only if one may still be cancelled)."""
    tail = "Odwołanie: ANULUJ i numer." if can_cancel else too_late_to_cancel(club_phone) + "."
    return numbered([fmt.when(b.starts_at, tz) for b in bookings], tail)


def cancelled(booking: Booking, tz: ZoneInfo) -> str:
    """After ANULUJ."""
    return f"Odwołano rozmowę {fmt.when(booking.starts_at, tz, 'w')}. Nowy termin: WIZYTA"


def logged(hours: Decimal, day: date, previous: Decimal | None) -> str:
    """After GODZINY."""
    if previous is not None:
        return (f"Zmieniono wpis za {fmt.numeric_date(day)}: było {fmt.hours(previous)}, "
                f"jest {fmt.hours(hours)}.")
    return f"Zapisano {fmt.hours(hours)} za {fmt.numeric_date(day)}. Dziękujemy!"
