"""SMS replies: short, plain, and discreet (never the kind of help, the centre or the club)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from handlers.texts import fmt
from storage.models import Booking, SlotMode

HELP = ("Polecenia: GODZINY 4 (lub GODZINY 4 03.12) - wpis godzin; WIZYTA - umów rozmowę; "
        "MOJE - Twoje terminy; ANULUJ 1 - odwołaj; STOP / START - ogłoszenia.")
UNKNOWN_NUMBER = ("Dzień dobry. Tego numeru nie ma w naszym systemie. Skontaktuj się z osobą, "
                  "która podała Ci ten numer.")
NOT_UNDERSTOOD = "Nie rozumiem tej wiadomości. Napisz POMOC, aby zobaczyć polecenia."
SERVICES = "Z kim chcesz porozmawiać? Odpisz numerem: 1 - rozmowa wspierająca, 2 - rozmowa o pracy."
NO_FREE = "Brak wolnych terminów w najbliższych dniach. Napiszemy, gdy pojawi się termin."
NOTHING_BOOKED = "Nie masz umówionych rozmów. Aby się umówić, napisz WIZYTA."
MENU_EXPIRED = "Ta lista jest już nieaktualna. Napisz WIZYTA, aby zacząć od nowa."
KEPT = "Dobrze, nic nie zmieniamy."
STOPPED = ("Nie będziemy wysyłać ogłoszeń. Przypomnienia o Twoich rozmowach nadal przyjdą "
           "(wyłączysz je: STOP PRZYPOMNIENIA). Powrót: START")
STOPPED_REMINDERS = "Nie bedziemy wysyłać przypomnień ani ogloszen. Powrót: START"
STARTED = "Włączone: ogłoszenia i przypomnienia. Wyłączenie: STOP"


def numbered(items: list[str], tail: str) -> str:
    """'1 - …, 2 - …. tail'."""
    return "; ".join(f"{i} - {item}" for i, item in enumerate(items, 1)) + ". " + tail


def days(options: list[date]) -> str:
    """Free days to choose from."""
    return numbered([fmt.short_day(d) for d in options], "Odpisz numerem dnia.")


def times(options: list[datetime], tz: ZoneInfo) -> str:
    """Free times to choose from."""
    return numbered([fmt.clock_time(t, tz) for t in options], "Odpisz numerem godziny.")


def confirm(starts_at: datetime, tz: ZoneInfo) -> str:
    """Ask before booking."""
    return f"Rozmowa {fmt.when(starts_at, tz)}. Potwierdzasz? Odpisz TAK albo NIE."


def booked(booking: Booking, tz: ZoneInfo) -> str:
    """After booking by SMS."""
    kind = "rozmowa wideo" if booking.mode == SlotMode.video else "rozmowa telefoniczna (zadzwonimy)"
    return f"Umówione: {fmt.when(booking.starts_at, tz)}, {kind}. Odwołanie: MOJE"


def mine(bookings: list[Booking], tz: ZoneInfo) -> str:
    """Upcoming bookings, numbered for ANULUJ."""
    return numbered([fmt.when(b.starts_at, tz) for b in bookings], "Odwołanie: ANULUJ i numer.")


def cancelled(booking: Booking, tz: ZoneInfo) -> str:
    """After ANULUJ."""
    return f"Odwołano rozmowę {fmt.when(booking.starts_at, tz)}. Nowy termin: WIZYTA"


def logged(hours: Decimal, day: date, previous: Decimal | None) -> str:
    """After GODZINY."""
    if previous is not None:
        return (f"Zmieniono wpis za {fmt.numeric_date(day)}: było {fmt.hours(previous)}, "
                f"jest {fmt.hours(hours)}.")
    return f"Zapisano {fmt.hours(hours)} za {fmt.numeric_date(day)}. Dziękujemy!"
