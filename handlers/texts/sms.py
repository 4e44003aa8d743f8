"""SMS replies: short, plain, and discreet (never the kind of help, the centre or the club).

Every reply is in the participant's language (handlers.sms.conversation sets it); each names
the keywords of that language (ДОПОМОГА, ЗАПИС… in Ukrainian, HELP, BOOK… in English), and a
Ukrainian reply, sent as UCS-2 (70 characters, 67 a part), is kept short.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from handlers.texts import fmt
from handlers.texts.i18n import N_, _, n_, translate_on_access
from storage.models import Booking, SlotMode

translate_on_access(__name__)  # inside this module a constant is read through _()

HELP = N_("Napisz: GODZINY 4 (lub GODZINY 4 03.12) - wpis godzin; WIZYTA - umów rozmowę; "
          "MOJE - Twoje terminy; ANULUJ 1 - odwołaj; NIE - wyjście; STOP/START - ogłoszenia.")
# An unknown number is answered in Polish (nobody knows its language).
UNKNOWN_NUMBER = N_("Dzień dobry. Tego numeru nie ma w naszym systemie. Skontaktuj się "
                    "z osobą, która podała Ci ten numer.")
NOT_UNDERSTOOD = N_("Nie rozumiem tej wiadomości. Napisz POMOC, aby zobaczyć polecenia.")
SERVICES = N_("Z kim chcesz porozmawiać? Odpisz numerem: 1 - rozmowa wspierająca, "
              "2 - rozmowa o pracy. Rezygnacja: NIE")
LEFT_MENU = N_("Dobrze, zamykamy listę. Gdy zechcesz, napisz WIZYTA albo POMOC.")
NO_MORE_DAYS = N_("To już wszystkie wolne dni.")
MORE_DAYS = N_("Dalsze dni: DALEJ")
YES_OR_NO = N_("Odpisz TAK, aby potwierdzić, albo NIE, aby zrezygnować.")
CANCEL_HOW = N_("Aby odwołać rozmowę, napisz ANULUJ i jej numer, np. ANULUJ 1.")
NO_FREE = N_("Brak wolnych terminów w najbliższych dniach. Napiszemy, gdy pojawi się termin.")
NOTHING_BOOKED = N_("Nie masz umówionych rozmów. Aby się umówić, napisz WIZYTA.")
MENU_EXPIRED = N_("Ta lista jest już nieaktualna. Napisz WIZYTA, aby zacząć od nowa.")
KEPT = N_("Dobrze, nic nie zmieniamy.")
STOPPED = N_("Nie będziemy wysyłać ogłoszeń. Przypomnienia o Twoich rozmowach nadal przyjdą "
             "(wyłączysz je: STOP PRZYPOMNIENIA). Powrót: START")
STOPPED_REMINDERS = N_("Nie będziemy wysyłać przypomnień ani ogłoszeń. Powrót: START")
STARTED = N_("Włączone: ogłoszenia i przypomnienia. Wyłączenie: STOP")
CANCEL_WITH_NUMBER = N_("Odwołanie: ANULUJ i numer.")
CANCEL_BY_MINE = N_("Odwołanie: MOJE")


def numbered(items: list[str], tail: str) -> str:
    """'1 - …, 2 - …. tail'."""
    return "; ".join(f"{i} - {item}" for i, item in enumerate(items, 1)) + ". " + tail


def pick(count: int, what: str) -> str:
    """'Odpisz numerem dnia od 1 do 6.' – what an answer to a list must be (what: 'dnia',
    'godziny' or 'rozmowy', the lists of handlers.sms.conversation)."""
    if what == "dnia":
        if count <= 1:
            return _("Odpisz numerem dnia: 1.")
        if count == 2:
            return _("Odpisz numerem dnia: 1 albo 2.")
        return _("Odpisz numerem dnia od 1 do {count}.", count=count)
    if what == "godziny":
        if count <= 1:
            return _("Odpisz numerem godziny: 1.")
        if count == 2:
            return _("Odpisz numerem godziny: 1 albo 2.")
        return _("Odpisz numerem godziny od 1 do {count}.", count=count)
    if count <= 1:
        return _("Odpisz numerem rozmowy: 1.")
    if count == 2:
        return _("Odpisz numerem rozmowy: 1 albo 2.")
    return _("Odpisz numerem rozmowy od 1 do {count}.", count=count)


def repeat(expected: str) -> str:
    """An answer the open list did not expect: say again what it expects, and the way out."""
    return _("Nie ma takiego wyboru. {expected} Rezygnacja: NIE", expected=expected)


def days(options: list[date], more: bool = False) -> str:
    """Free days to choose from (a page of them; DALEJ shows the next page)."""
    tail = pick(len(options), "dnia") + (" " + _(MORE_DAYS) if more else "")
    return numbered([fmt.short_day(d) for d in options], tail)


def times(options: list[datetime], tz: ZoneInfo) -> str:
    """Free times to choose from."""
    return numbered([fmt.clock_time(t, tz) for t in options], pick(len(options), "godziny"))


def confirm(starts_at: datetime, tz: ZoneInfo, today: date | None = None) -> str:
    """Ask before booking (with the year when it is not this year's)."""
    return _("Rozmowa {when}. Potwierdzasz? Odpisz TAK albo NIE.",
             when=fmt.when(starts_at, tz, "w", today))


def lead(hours: int) -> str:
    """How long before a reminder goes: 'dzień', 'godzinę', '3 godziny', '2 dni'."""
    if hours == 24:
        return _("dzień")
    if hours == 1:
        return _("godzinę")
    if hours % 24 == 0:
        return n_("{n} dzień", "{n} dni", "{n} dni", hours // 24)
    return n_("{n} godzinę", "{n} godziny", "{n} godzin", hours)


def reminders_ahead(leads: list[int]) -> str:
    """'Przypomnimy Ci dzień i godzinę wcześniej.' – only the reminders that will go ('' if none)."""
    words = [lead(h) for h in sorted(set(leads), reverse=True)]
    if not words:
        return ""
    if len(words) == 1:
        return _("Przypomnimy Ci {lead} wcześniej.", lead=words[0])
    return _("Przypomnimy Ci {leads} i {last} wcześniej.", leads=", ".join(words[:-1]),
             last=words[-1])


def too_late(club_phone: str | None) -> str:
    """Cancelling is closed: who to tell (the club's number if it is set), without naming it."""
    if club_phone:
        return _("Nie możesz przyjść? Zadzwoń: {phone}", phone=club_phone)
    return _("Nie możesz przyjść? Daj znać pracownikowi, który Cię zapisał")


def booked(booking: Booking, tz: ZoneInfo, *, reminder_leads: list[int] | None = None,
           can_cancel: bool = True, club_phone: str | None = None,
           today: date | None = None) -> str:
    """After booking by SMS: only what will happen (reminders that will go, cancelling if allowed)."""
    when = fmt.when(booking.starts_at, tz, today=today)
    if booking.mode == SlotMode.video:
        said = _("Umówione: {when}, rozmowa wideo.", when=when)
    else:
        said = _("Umówione: {when}, zadzwonimy na ten numer.", when=when)
    promise = reminders_ahead(reminder_leads or [])
    tail = _(CANCEL_BY_MINE) if can_cancel else too_late(club_phone)
    return " ".join(part for part in (said, promise, tail) if part)


def mine(bookings: list[Booking], tz: ZoneInfo, can_cancel: bool = True,
         club_phone: str | None = None) -> str:
    """Upcoming bookings, numbered for ANULUJ (offered only if one may still be cancelled)."""
    tail = _(CANCEL_WITH_NUMBER) if can_cancel else too_late(club_phone) + "."
    return numbered([fmt.when(b.starts_at, tz) for b in bookings], tail)


def cancelled(booking: Booking, tz: ZoneInfo) -> str:
    """After ANULUJ."""
    return _("Odwołano rozmowę {when}. Nowy termin: WIZYTA", when=fmt.when(booking.starts_at, tz, "w"))


def logged(hours: Decimal, day: date, previous: Decimal | None) -> str:
    """After GODZINY."""
    if previous is not None:
        return _("Zmieniono wpis za {day}: było {before}, jest {after}.",
                 day=fmt.numeric_date(day), before=fmt.hours(previous), after=fmt.hours(hours))
    return n_("Zapisano {n} godzinę za {day}. Dziękujemy!", "Zapisano {n} godziny za {day}. "
              "Dziękujemy!", "Zapisano {n} godzin za {day}. Dziękujemy!", hours,
              n=fmt.number(hours), day=fmt.numeric_date(day))
