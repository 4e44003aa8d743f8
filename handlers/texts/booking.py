"""Texts of consultation booking (participants, in their language) and the agenda (staff, Polish)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from handlers.texts import fmt
from handlers.texts.i18n import N_, _, n_, translate_on_access
from storage.models import Booking, BookingStatus, Participant, Slot, SlotMode

translate_on_access(__name__)


class ByService(dict):
    """A table of N_() texts by service, read in the current language (like a module's
    N_() constants): `SERVICE["psychologist"]` → 'Psycholog', 'Психолог', 'Psychologist'."""

    def __getitem__(self, key: str) -> str:
        return _(super().__getitem__(key))

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        found = super().get(key)
        return default if found is None else _(found)

    def values(self) -> list[str]:  # type: ignore[override]
        return [self[key] for key in self]

    def items(self) -> list[tuple[str, str]]:  # type: ignore[override]
        return [(key, self[key]) for key in self]


SERVICE = ByService({"psychologist": N_("Psycholog"), "career_advisor": N_("Doradca zawodowy")})
SERVICE_BUTTON = ByService({"psychologist": N_("🧠 Psycholog"),
                            "career_advisor": N_("💼 Doradca zawodowy")})
# "z psychologiem" – only in the person's own chat, never in anything that may go by SMS.
WITH = ByService({"psychologist": N_("z psychologiem"),
                  "career_advisor": N_("z doradcą zawodowym")})

BOOK_DESCRIPTION = N_("umów rozmowę z psychologiem lub doradcą")
BOOK_MENU = N_("📅 Umów wizytę")
MINE_DESCRIPTION = N_("moje wizyty: zmień lub odwołaj")
MINE_MENU = N_("🗂 Moje wizyty")
CHOOSE_SERVICE = N_("Z kim chcesz porozmawiać? Rozmowy są przez telefon albo przez internet.")
CHOOSE_DAY = N_("Wybierz dzień:")
NO_FREE = N_("Niestety, w najbliższych dniach nie ma wolnych terminów.\n"
             "Możemy dać Ci znać, gdy pojawi się wolny termin.")
NOTIFY_ME = N_("🔔 Powiadom mnie")
YES_BOOK = N_("✅ Tak, umawiam")
OTHER_TIME = N_("↩️ Inny termin")
CHANGE = N_("✏️ Zmień termin")
CANCEL = N_("✖ Odwołaj")
YES_CANCEL = N_("Tak, odwołaj")
KEEP = N_("Nie, zostaw")
KEPT = N_("Dobrze, wizyta zostaje.")
NOTHING_BOOKED = N_("Nie masz umówionych wizyt. Aby się umówić, napisz /wizyta.")
MINE_HEADER = N_("Twoje wizyty:")
WAITLIST_SMS_SAFE = N_("Zwolnił się termin rozmowy. Kto pierwszy się umówi, ten ma termin. "
                       "Umów się: WIZYTA")
WAITLIST_TELEGRAM = N_("Zwolnił się termin rozmowy. Kto pierwszy się umówi, ten ma termin. "
                       "Umów się: /wizyta")


def waitlist_notice(channel: str) -> str:
    """A slot freed up (to everyone waiting): the keyword or the command of their channel
    (rendered in each recipient's language when the outbox queues it)."""
    # A module's own globals are read without the access hook: translated here.
    if channel == "sms":
        return _(WAITLIST_SMS_SAFE)
    return _(WAITLIST_TELEGRAM)


def choose_time(day_text: str) -> str:
    """Heading of the time buttons."""
    return _("{day} – wybierz godzinę:", day=day_text)


def no_phone(club_phone: str | None) -> str:
    """A phone consultation for a person whose number the club does not have: ask for it
    (video is not suggested: there may be no video times)."""
    if club_phone:
        return _("Nie mamy Twojego numeru telefonu, więc nie możemy zadzwonić: zadzwoń pod "
                 "{phone} i podaj go", phone=club_phone)
    return _("Nie mamy Twojego numeru telefonu, więc nie możemy zadzwonić: podaj go osobie, "
             "która Cię prowadzi")


def how(mode: SlotMode, link: str | None, has_phone: bool = True,
        club_phone: str | None = None) -> str:
    """How the consultation happens, in plain words (a sentence of its own).

    A call is promised only to a person with a phone number in the club's records.
    """
    if mode == SlotMode.video:
        return (_("Rozmowa wideo: {link}", link=link) if link
                else _("Rozmowa wideo (link dostaniesz przed rozmową)"))
    if not has_phone:
        return _("Rozmowa telefoniczna. {no_phone}", no_phone=no_phone(club_phone))
    return _("Rozmowa telefoniczna – zadzwonimy na Twój numer")


def confirm_question(slot: Slot, staff_name: str, tz: ZoneInfo, has_phone: bool = True,
                     club_phone: str | None = None, today: date | None = None) -> str:
    """Confirm before booking."""
    return _("{service}: {when}, {minutes} min.\nProwadzi: {staff_name}\n{how}.\n\n"
             "Czy umówić tę wizytę?", service=SERVICE[slot.service],
             when=fmt.when(slot.starts_at, tz, today=today), minutes=slot.minutes,
             staff_name=staff_name, how=how(slot.mode, slot.video_link, has_phone, club_phone))


def lead_words(hours: int) -> str:
    """'dzień', 'godzinę', '3 godziny' (how long before)."""
    named = {24: N_("dzień"), 48: N_("dwa dni"), 1: N_("godzinę"), 2: N_("dwie godziny")}
    if hours in named:
        return _(named[hours])
    if hours % 24 == 0:
        return n_("{n} dzień", "{n} dni", "{n} dni", hours // 24)
    return n_("{n} godzinę", "{n} godziny", "{n} godzin", hours)


def reminder_promise(leads: list[int]) -> str:
    """'Przypomnimy Ci dzień i godzinę wcześniej. ' – only the reminders that will go."""
    if not leads:
        return ""
    words = [lead_words(h) for h in sorted(set(leads), reverse=True)]
    listed = words[0] if len(words) == 1 else _("{first} i {last}", first=", ".join(words[:-1]),
                                                last=words[-1])
    return _("Przypomnimy Ci {listed} wcześniej.", listed=listed) + " "


def after_booking(can_cancel: bool, command: str) -> str:
    """What the person can still do: change or cancel only while it is allowed."""
    return _("Zmiana lub odwołanie: {command}", command=command) if can_cancel else ""


def booked(booking: Booking, staff_name: str, link: str | None, tz: ZoneInfo, *,
           has_phone: bool, reminder_leads: list[int], can_cancel: bool,
           club_phone: str | None = None, today: date | None = None) -> str:
    """The plain-language confirmation: when, with whom, how; promises only what will happen."""
    tail = (reminder_promise(reminder_leads) + after_booking(can_cancel, "/moje")).strip()
    text = _("Umówione! ✅\nRozmowa {with_whom} ({staff_name}): {when}, {minutes} min.\n{how}.",
             with_whom=WITH[booking.service], staff_name=staff_name,
             when=fmt.when(booking.starts_at, tz, today=today), minutes=booking.minutes,
             how=how(booking.mode, link, has_phone, club_phone))
    return text + (f"\n{tail}" if tail else "")


def moved(booking: Booking, tz: ZoneInfo) -> str:
    """After changing the time."""
    return _("Zmieniono termin. Nowy termin: {when}. ✅", when=fmt.when(booking.starts_at, tz))


def too_late_to_cancel(club_phone: str | None) -> str:
    """When cancelling is no longer allowed: who to tell (the club's number if it is set)."""
    if club_phone:
        return _("Jeśli nie możesz przyjść, zadzwoń: {phone}", phone=club_phone)
    return _("Jeśli nie możesz przyjść, daj znać pracownikowi, który Cię zapisał")


def mine_line(booking: Booking, staff_name: str, link: str | None, tz: ZoneInfo,
              can_cancel: bool = True, club_phone: str | None = None,
              has_phone: bool = True, today: date | None = None) -> str:
    """One upcoming booking in /moje (too late to change: who to tell instead)."""
    text = _("📅 {service} ({staff_name}): {when}\n{how}.", service=SERVICE[booking.service],
             staff_name=staff_name, when=fmt.when(booking.starts_at, tz, today=today),
             how=how(booking.mode, link, has_phone, club_phone))
    return text if can_cancel else f"{text}\n{too_late_to_cancel(club_phone)}."


def cancel_question(booking: Booking, tz: ZoneInfo) -> str:
    """Ask before cancelling."""
    return _("Odwołać wizytę: {service}, {when}?", service=SERVICE[booking.service],
             when=fmt.when(booking.starts_at, tz))


def cancelled(booking: Booking, tz: ZoneInfo) -> str:
    """After cancelling."""
    return _("Odwołano wizytę {when}. Jeśli chcesz, umów nowy termin: /wizyta",
             when=fmt.when(booking.starts_at, tz, "w"))


def already_booked(booking: Booking, tz: ZoneInfo, can_cancel: bool = True,
                   club_phone: str | None = None) -> str:
    """The one-upcoming-booking-per-service rule (changing it offered only while allowed)."""
    then = (_("Możesz zmienić jej termin albo ją odwołać.") if can_cancel
            else too_late_to_cancel(club_phone) + ".")
    return _("Masz już umówioną wizytę: {service}, {when}. {then}",
             service=SERVICE[booking.service], when=fmt.when(booking.starts_at, tz), then=then)


def waitlisted(place: int) -> str:
    """After joining the waiting list."""
    return _("Zapisaliśmy Cię na listę oczekujących (jesteś {place}. w kolejce). Gdy zwolni się "
             "termin, napiszemy do Ciebie. Kto pierwszy się wtedy umówi, ten ma termin.",
             place=place)


def slot_cancelled_by_staff(booking: Booking, tz: ZoneInfo, channel: str = "telegram") -> str:
    """To a participant whose slot staff withdrew (discreet: may go by SMS)."""
    when = fmt.when(booking.starts_at, tz, "w")
    if channel == "sms":
        return _("Przepraszamy, rozmowa {when} jest odwołana. Umów nowy termin: WIZYTA",
                 when=when)
    return _("Przepraszamy, rozmowa {when} jest odwołana. Umów nowy termin: /wizyta", when=when)


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
