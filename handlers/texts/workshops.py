"""Texts of group workshops: /warsztat, /warsztaty, sign-ups, lists and attendance (staff,
Polish); the answers participants get (in their language)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from handlers.texts import fmt
from handlers.texts.i18n import _
from storage.models import Participant, SignupStatus, Workshop, WorkshopSignup
from storage.workshops import Answer, WorkshopCounts

CREATE_DESCRIPTION = "nowy warsztat grupowy"
LIST_DESCRIPTION = "warsztaty: zapisy, lista, obecność"
LIST_MENU = "🗓 Warsztaty"
DEFAULT_TITLE = "Warsztat grupowy"
USAGE = ('Użycie: /warsztat DZIEŃ GODZINA "MIEJSCE" MIEJSC GODZIN [TYTUŁ]\n'
         'Na przykład: /warsztat 15.12 10:00 "Sala 2" 20 3 Gotowanie\n'
         "MIEJSC to liczba miejsc, GODZIN to czas warsztatu w godzinach (np. 2,5).")
NONE_UPCOMING = "Nie ma zaplanowanych warsztatów. Nowy: /warsztat"
LIST_BUTTON = "👥 Lista {n}"
ATTENDANCE_BUTTON = "✅ Obecność {n}"
INVITE_BUTTON = "📣 Zaproś {n}"
ATTENDANCE_HINT = "Zaznacz obecnych (naciśnij jeszcze raz, aby cofnąć):"
NOBODY_SIGNED = "Nikt się jeszcze nie zapisał."
MARKS = {SignupStatus.attended: "✅", SignupStatus.absent: "❌", SignupStatus.going: "⬜"}

def created(workshop: Workshop, tz: ZoneInfo, today: date | None = None) -> str:
    """Confirmation of /warsztat (with the year when it is not this year's)."""
    return (f"✅ Dodano warsztat „{workshop.title}”\n📅 {fmt.when(workshop.starts_at, tz, today=today)}\n"
            f"📍 {workshop.place}\nMiejsc: {workshop.capacity}, czas: {fmt.hours(workshop.hours)}.\n"
            "Zaproś uczestników: /warsztaty → 📣 Zaproś.")


LISTING_HEADER = "🗓 Warsztaty:"


def listing_entry(n: int, item: WorkshopCounts, tz: ZoneInfo) -> str:
    """One workshop of the listing (its two lines, after an empty one)."""
    w = item.workshop
    return (f"\n{n}. {w.title} – {fmt.when(w.starts_at, tz)}, {w.place}\n"
            f"   Zapisani: {item.going + item.attended}/{w.capacity}, "
            f"rezerwowa: {item.waiting}, nie będą: {item.declined}")


NOBODY_GOING = "–"


def people_groups(rows: list[tuple[WorkshopSignup, Participant]]
                  ) -> tuple[list[Participant], list[Participant]]:
    """(who comes, who waits), in sign-up order."""
    going = [p for s, p in rows if s.status in (SignupStatus.going, SignupStatus.attended)]
    waiting = [p for s, p in rows if s.status == SignupStatus.waiting]
    return going, waiting


def people_header(workshop: Workshop, tz: ZoneInfo) -> str:
    """First line of the list of names."""
    return f"👥 {workshop.title}, {fmt.when(workshop.starts_at, tz)}"


def going_heading(count: int, capacity: int) -> str:
    """Above those who come."""
    return f"Będą ({count}/{capacity}):"


def waiting_heading(count: int) -> str:
    """Above the waiting list."""
    return f"Lista rezerwowa ({count}):"


def person_line(n: int, person: Participant) -> str:
    """'3. Anna Testowa'."""
    return f"{n}. {person.first_name} {person.last_name}"


def attendance_label(signup: WorkshopSignup, person: Participant) -> str:
    """'✅ Anna Testowa'."""
    return f"{MARKS.get(signup.status, '⬜')} {person.first_name} {person.last_name}"[:60]


def answered(answer: Answer, tz: ZoneInfo) -> str:
    """The reply to Będę / Nie będę."""
    w = answer.workshop
    if answer.status == SignupStatus.going:
        return _("Dziękujemy! Masz miejsce na warsztacie „{title}”.\n📅 {when}\n📍 {place}\n"
                 "Do zobaczenia!", title=w.title, when=fmt.when(w.starts_at, tz), place=w.place)
    if answer.status == SignupStatus.waiting:
        return _("Dziękujemy! Wszystkie miejsca są już zajęte. Jesteś na liście rezerwowej "
                 "(miejsce {position}). Napiszemy, gdy zwolni się miejsce.",
                 position=answer.position)
    return _("Dziękujemy za odpowiedź. Może następnym razem!")


def promoted(workshop: Workshop, tz: ZoneInfo) -> str:
    """To the first person on the waiting list when a place frees up."""
    return _("Dobra wiadomość! Zwolniło się miejsce na warsztacie „{title}” i jest Twoje.\n"
             "📅 {when}\n📍 {place}\nJeśli nie możesz przyjść, daj nam znać.",
             title=workshop.title, when=fmt.when(workshop.starts_at, tz), place=workshop.place)
