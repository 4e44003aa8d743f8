"""Texts of consultation booking (participants) and the agenda (staff)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from handlers.texts import fmt
from storage.models import Booking, BookingStatus, Participant, Slot, SlotMode

SERVICE = {"psychologist": "Psycholog", "career_advisor": "Doradca zawodowy"}
SERVICE_BUTTON = {"psychologist": "🧠 Psycholog", "career_advisor": "💼 Doradca zawodowy"}
# "z psychologiem" – only in the person's own chat, never in anything that may go by SMS.
WITH = {"psychologist": "z psychologiem", "career_advisor": "z doradcą zawodowym"}

BOOK_DESCRIPTION = "umów rozmowę z psychologiem lub doradcą"
BOOK_MENU = "📅 Umów wizytę"
MINE_DESCRIPTION = "moje wizyty: zmień lub odwołaj"
MINE_MENU = "🗂 Moje wizyty"
CHOOSE_SERVICE = "Z kim chcesz porozmawiać? Rozmowy są przez telefon albo przez internet."
CHOOSE_DAY = "Wybierz dzień:"
NO_FREE = ("Niestety, w najbliższych dniach nie ma wolnych terminów.\n"
           "Możemy dać Ci znać, gdy pojawi się wolny termin.")
NOTIFY_ME = "🔔 Powiadom mnie"
YES_BOOK = "✅ Tak, umawiam"
OTHER_TIME = "↩️ Inny termin"
CHANGE = "✏️ Zmień termin"
CANCEL = "✖ Odwołaj"
YES_CANCEL = "Tak, odwołaj"
KEEP = "Nie, zostaw"
KEPT = "Dobrze, wizyta zostaje."
NOTHING_BOOKED = "Nie masz umówionych wizyt. Aby się umówić, napisz /wizyta."
MINE_HEADER = "Twoje wizyty:"
WAITLIST_SMS_SAFE = "Zwolnił się termin rozmowy. Kto pierwszy się umówi, ten ma termin. Umów się: WIZYTA"
WAITLIST_TELEGRAM = ("Zwolnił się termin rozmowy. Kto pierwszy się umówi, ten ma termin. "
                     "Umów się: /wizyta")


def waitlist_notice(channel: str) -> str:
    """A slot freed up (to everyone waiting): the keyword or the command of their channel."""
    return WAITLIST_SMS_SAFE if channel == "sms" else WAITLIST_TELEGRAM


def choose_time(day_text: str) -> str:
    """Heading of the time buttons."""
    return f"{day_text} – wybierz godzinę:"


def no_phone(club_phone: str | None) -> str:
    """A phone consultation for a person whose number the club does not have: ask for it
    (video is not suggested: there may be no video times)."""
    ask = (f"zadzwoń pod {club_phone} i podaj go" if club_phone
           else "podaj go osobie, która Cię prowadzi")
    return f"Nie mamy Twojego numeru telefonu, więc nie możemy zadzwonić: {ask}"


def how(mode: SlotMode, link: str | None, has_phone: bool = True,
        club_phone: str | None = None) -> str:
    """How the consultation happens, in plain words (a sentence of its own).

    A call is promised only to a person with a phone number in the club's records.
    """
    if mode == SlotMode.video:
        return f"Rozmowa wideo: {link}" if link else "Rozmowa wideo (link dostaniesz przed rozmową)"
    if not has_phone:
        return f"Rozmowa telefoniczna. {no_phone(club_phone)}"
    return "Rozmowa telefoniczna – zadzwonimy na Twój numer"


def confirm_question(slot: Slot, staff_name: str, tz: ZoneInfo, has_phone: bool = True,
                     club_phone: str | None = None, today: date | None = None) -> str:
    """Confirm before booking."""
    return (f"{SERVICE[slot.service]}: {fmt.when(slot.starts_at, tz, today=today)}, "
            f"{slot.minutes} min.\n"
            f"Prowadzi: {staff_name}\n{how(slot.mode, slot.video_link, has_phone, club_phone)}.\n\n"
            "Czy umówić tę wizytę?")


LEAD_WORDS = {24: "dzień", 48: "dwa dni", 1: "godzinę", 2: "dwie godziny"}


def lead_words(hours: int) -> str:
    """'dzień', 'godzinę', '3 godziny' (how long before)."""
    if hours in LEAD_WORDS:
        return LEAD_WORDS[hours]
    if hours % 24 == 0:
        return fmt.count(hours // 24, "dzień", "dni", "dni")
    return fmt.count(hours, "godzinę", "godziny", "godzin")


def reminder_promise(leads: list[int]) -> str:
    """'Przypomnimy Ci dzień i godzinę wcześniej. ' – only the reminders that will go."""
    if not leads:
        return ""
    words = [lead_words(h) for h in sorted(set(leads), reverse=True)]
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " i " + words[-1]
    return f"Przypomnimy Ci {listed} wcześniej. "


def after_booking(can_cancel: bool, command: str) -> str:
    """What the person can still do: change or cancel only while it is allowed."""
    return f"Zmiana lub odwołanie: {command}" if can_cancel else ""


def booked(booking: Booking, staff_name: str, link: str | None, tz: ZoneInfo, *,
           has_phone: bool, reminder_leads: list[int], can_cancel: bool,
           club_phone: str | None = None, today: date | None = None) -> str:
    """The plain-language confirmation: when, with whom, how; promises only what will happen."""
    tail = (reminder_promise(reminder_leads) + after_booking(can_cancel, "/moje")).strip()
    return (f"Umówione! ✅\nRozmowa {WITH[booking.service]} ({staff_name}): "
            f"{fmt.when(booking.starts_at, tz, today=today)}, {booking.minutes} min.\n"
            f"{how(booking.mode, link, has_phone, club_phone)}."
            + (f"\n{tail}" if tail else ""))


def moved(booking: Booking, tz: ZoneInfo) -> str:
    """After changing the time."""
    return f"Zmieniono termin. Nowy termin: {fmt.when(booking.starts_at, tz)}. ✅"


def too_late_to_cancel(club_phone: str | None) -> str:
    """When cancelling is no longer allowed: who to tell (the club's number if it is set)."""
    if club_phone:
        return f"Jeśli nie możesz przyjść, zadzwoń: {club_phone}"
    return "Jeśli nie możesz przyjść, daj znać pracownikowi, który Cię zapisał"


def mine_line(booking: Booking, staff_name: str, link: str | None, tz: ZoneInfo,
              can_cancel: bool = True, club_phone: str | None = None,
              has_phone: bool = True, today: date | None = None) -> str:
    """One upcoming booking in /moje (too late to change: who to tell instead)."""
    when = fmt.when(booking.starts_at, tz, today=today)
    text = (f"📅 {SERVICE[booking.service]} ({staff_name}): {when}\n"
            f"{how(booking.mode, link, has_phone, club_phone)}.")
    return text if can_cancel else f"{text}\n{too_late_to_cancel(club_phone)}."


def cancel_question(booking: Booking, tz: ZoneInfo) -> str:
    """Ask before cancelling."""
    return f"Odwołać wizytę: {SERVICE[booking.service]}, {fmt.when(booking.starts_at, tz)}?"


def cancelled(booking: Booking, tz: ZoneInfo) -> str:
    """After cancelling."""
    return (f"Odwołano wizytę {fmt.when(booking.starts_at, tz, 'w')}. "
            "Jeśli chcesz, umów nowy termin: /wizyta")


def already_booked(booking: Booking, tz: ZoneInfo, can_cancel: bool = True,
                   club_phone: str | None = None) -> str:
    """The one-upcoming-booking-per-service rule (changing it offered only while allowed)."""
    then = ("Możesz zmienić jej termin albo ją odwołać." if can_cancel
            else too_late_to_cancel(club_phone) + ".")
    return (f"Masz już umówioną wizytę: {SERVICE[booking.service]}, "
            f"{fmt.when(booking.starts_at, tz)}. {then}")


def waitlisted(place: int) -> str:
    """After joining the waiting list."""
    return (f"Zapisaliśmy Cię na listę oczekujących (jesteś {place}. w kolejce). Gdy zwolni się "
            "termin, napiszemy do Ciebie. Kto pierwszy się wtedy umówi, ten ma termin.")


def slot_cancelled_by_staff(booking: Booking, tz: ZoneInfo, channel: str = "telegram") -> str:
    """To a participant whose slot staff withdrew (discreet: may go by SMS)."""
    again = "WIZYTA" if channel == "sms" else "/wizyta"
    return (f"Przepraszamy, rozmowa {fmt.when(booking.starts_at, tz, 'w')} jest odwołana. "
            f"Umów nowy termin: {again}")


# --- staff ---------------------------------------------------------------------------------
SLOTS_DESCRIPTION = "dodaj terminy (np. /terminy 08.12 10:00-13:00) lub zobacz swoje"
AGENDA_DESCRIPTION = "moje wizyty na najbliższe dni"
AGENDA_MENU = "🗓 Agenda"
RECORD_DESCRIPTION = "zapisz konsultację spoza bota"
SLOTS_USAGE = ("/terminy DZIEŃ GG:MM-GG:MM [MINUTY] [wideo LINK] [święto]\n"
               "np. /terminy 08.12 10:00-13:00  albo  /terminy 08.12 9:00-11:00 45 wideo https://…")
RECORD_USAGE = "/konsultacja NUMER_UCZESTNIKA DZIEŃ GG:MM [MINUTY], np. /konsultacja 12 03.12 10:00 60"
NO_SLOTS = "Nie masz przyszłych terminów. Dodaj je: " + SLOTS_USAGE
AGENDA_EMPTY = "W najbliższych dniach nie masz terminów."
FREE = "wolne"


def published(count: int, skipped: int, first: datetime | None, tz: ZoneInfo,
              today: date | None = None) -> str:
    """After /terminy (with the year when it is not this year's)."""
    text = f"Dodano {fmt.count(count, 'termin', 'terminy', 'terminów')}"
    if first is not None:
        text += f" {fmt.when(first, tz, 'od', today)}"
    if skipped:
        text += f" (pominięto {skipped}: już były)"
    return text + "."


def slot_line(slot: Slot, booked_by: Participant | None, tz: ZoneInfo) -> str:
    """A slot in the staff's list."""
    who = f"{booked_by.first_name} {booked_by.last_name}" if booked_by else FREE
    local = slot.starts_at.astimezone(tz)
    return f"{fmt.short_day(local.date())} {local:%H:%M} – {who}"


def agenda_line(slot: Slot, booking: Booking | None, person: Participant | None,
                tz: ZoneInfo) -> str:
    """One slot of the agenda: time, who, how to reach them."""
    start = fmt.clock_time(slot.starts_at, tz)
    if booking is None or person is None:
        return f"{start} – {FREE}"
    status = {BookingStatus.attended: " ✅", BookingStatus.no_show: " ❌"}.get(booking.status, "")
    reach = f"tel. {person.phone}" if slot.mode == SlotMode.phone and person.phone else (
        "wideo" if slot.mode == SlotMode.video else "brak telefonu!")
    return f"{start} – {person.first_name} {person.last_name} ({person.number}), {reach}{status}"


def cancel_slot_question(slot: Slot, booked_by: Participant | None, tz: ZoneInfo) -> str:
    """Ask before withdrawing a slot."""
    text = f"Usunąć termin {fmt.when(slot.starts_at, tz, 'w')}?"
    if booked_by is not None:
        text += (f"\nJest zarezerwowany przez: {booked_by.first_name} {booked_by.last_name}. "
                 "Powiadomimy tę osobę.")
    return text


SLOT_CANCELLED = "Termin usunięty."
MARKED = {BookingStatus.attended: "Zapisano: wizyta odbyła się ✅",
          BookingStatus.no_show: "Zapisano: osoba nie przyszła ❌"}


def recorded(person_number: str, when_text: str, minutes: int) -> str:
    """After /konsultacja."""
    return f"Zapisano konsultację: uczestnik {person_number}, {when_text}, {minutes} min."
