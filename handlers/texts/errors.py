"""One table from domain error code to sentence, for Telegram, SMS and the command line.

A plain entry is the same for every channel. `PerChannel` holds the variants where the
channels need different words (a command vs an SMS keyword, a sentence vs a CLI fragment);
a channel it leaves out never receives that error. An unknown code raises `NoSentence`.

What a participant can meet (joining, booking, hours, workshops, SMS keywords) is marked
N_() and read in the current language (i18n); staff and command-line sentences stay Polish.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from handlers.texts import fmt
from handlers.texts.i18n import N_, Marked, _, n_, translate_on_access
from storage.csvfile import RowError
from storage.errors import DomainError
from storage.models import ExitOutcome

translate_on_access(__name__)

Template = str | Callable[..., str]


class Channel(StrEnum):
    """Who reads the sentence: a Telegram chat, an SMS, or the admin at the command line."""

    telegram = "telegram"
    sms = "sms"
    cli = "cli"


@dataclass(frozen=True)
class PerChannel:
    """The wording for each channel that can receive an error (None: it never does)."""

    telegram: Template | None = None
    sms: Template | None = None
    cli: Template | None = None


class NoSentence(KeyError):
    """A domain error code with no sentence for the channel (a bug: add it to ERRORS)."""


def cli(template: Template) -> PerChannel:
    """An error only the command line receives."""
    return PerChannel(cli=template)


def limit_reached(kind: str, limit: Decimal, left: Decimal) -> str:
    """A limit refusal saying how much is left (kind: day, week or month; 'jeszcze 1 godzinę')."""
    limit_text, left_n = fmt.hours(limit), fmt.number(left)
    if kind == "day":
        if left <= 0:
            return _("Limit dzienny to {limit}. Tego dnia nie możesz już wpisać więcej godzin.",
                     limit=limit_text)
        return n_("Limit dzienny to {limit}. Tego dnia możesz wpisać jeszcze {n} godzinę.",
                  "Limit dzienny to {limit}. Tego dnia możesz wpisać jeszcze {n} godziny.",
                  "Limit dzienny to {limit}. Tego dnia możesz wpisać jeszcze {n} godzin.",
                  left, n=left_n, limit=limit_text)
    if kind == "week":
        if left <= 0:
            return _("Limit tygodniowy to {limit}. W tym tygodniu nie możesz już wpisać więcej "
                     "godzin.", limit=limit_text)
        return n_("Limit tygodniowy to {limit}. W tym tygodniu możesz wpisać jeszcze {n} godzinę.",
                  "Limit tygodniowy to {limit}. W tym tygodniu możesz wpisać jeszcze {n} godziny.",
                  "Limit tygodniowy to {limit}. W tym tygodniu możesz wpisać jeszcze {n} godzin.",
                  left, n=left_n, limit=limit_text)
    if left <= 0:
        return _("Limit miesięczny to {limit}. W tym miesiącu nie możesz już wpisać więcej "
                 "godzin.", limit=limit_text)
    return n_("Limit miesięczny to {limit}. W tym miesiącu możesz wpisać jeszcze {n} godzinę.",
              "Limit miesięczny to {limit}. W tym miesiącu możesz wpisać jeszcze {n} godziny.",
              "Limit miesięczny to {limit}. W tym miesiącu możesz wpisać jeszcze {n} godzin.",
              left, n=left_n, limit=limit_text)


def invite_locked(minutes: int) -> str:
    """Too many wrong codes."""
    return _("Za dużo błędnych kodów. Spróbuj ponownie za {minutes} min albo poproś pracownika "
             "socjalnego o pomoc.", minutes=minutes)


def cancel_too_late(hours: int, club_phone: str | None = None) -> str:
    """The cancellation deadline has passed: who to call (the club's number when it is set)."""
    rule = n_("Wizytę można odwołać najpóźniej {n} godzinę przed jej początkiem.",
              "Wizytę można odwołać najpóźniej {n} godziny przed jej początkiem.",
              "Wizytę można odwołać najpóźniej {n} godzin przed jej początkiem.", hours)
    then = (_("Jeśli nie możesz przyjść, zadzwoń: {phone}.", phone=club_phone)
            if club_phone else
            _("Jeśli nie możesz przyjść, daj znać pracownikowi, który Cię zapisał."))
    return f"{rule} {then}"


def too_old(days: int) -> str:
    """Hours for a day further back than HOURS_BACKDATE_DAYS."""
    return n_("Ten dzień jest za daleko wstecz (można do {n} dnia). Powiedz o tym osobie, "
              "która Cię prowadzi.",
              "Ten dzień jest za daleko wstecz (można do {n} dni). Powiedz o tym osobie, "
              "która Cię prowadzi.",
              "Ten dzień jest za daleko wstecz (można do {n} dni). Powiedz o tym osobie, "
              "która Cię prowadzi.", days)


def slots_holiday(holiday: str) -> str:
    """Slots asked for on a public holiday (staff: Polish)."""
    return (f"{holiday} to dzień wolny od pracy. Jeśli mimo to chcesz dodać terminy, "
            "dopisz na końcu polecenia słowo: święto")


def text_too_long(length: int, limit: int) -> str:
    """A broadcast longer than allowed (staff: Polish)."""
    return f"Za długie: {length} znaków (najwyżej {limit})."


# Marked N_(): what a participant can meet, translated when read (template() below); the
# rest is for staff and the command line and stays Polish.
NO_PARTICIPANT = N_("Nie ma uczestnika o numerze {number}.")
SMS_HALF_STEP = N_("Godziny wpisz co pół godziny, np. GODZINY 4 albo GODZINY 4,5")
BAD_DATE_CLI = "nieczytelna data {value!r} (RRRR-MM-DD lub DD.MM.RRRR)"
UNKNOWN_SITE_CLI = "nieznane miejsce pracy {value!r} (zobacz: kisbot sites list)"
EXISTS_CLI = "{column} {value!r} już jest w bazie"

JOINING: dict[str, Template | PerChannel] = {
    "invite_invalid": N_("Ten kod nie działa. Sprawdź, czy link jest cały, albo poproś "
                         "pracownika socjalnego o nowy."),
    "invite_used": N_("Ten link był już użyty. Jeśli to nie Ty, powiedz o tym pracownikowi "
                      "socjalnemu; poproś go o nowy link."),
    "invite_expired": N_("Ten link jest już nieważny. Poproś pracownika socjalnego o nowy."),
    "account_taken": N_("To konto Telegram jest już połączone z inną osobą. Porozmawiaj "
                        "z pracownikiem socjalnym."),
    "invite_locked": invite_locked,
    "participant_not_found": PerChannel(telegram=NO_PARTICIPANT, sms=NO_PARTICIPANT,
                                        cli="nie ma uczestnika o numerze {number!r}"),
}

BOOKING: dict[str, Template | PerChannel] = {
    "slot_gone": PerChannel(telegram=N_("Tego terminu już nie ma. Wybierz inny:"),
                            sms=N_("Tego terminu już nie ma. Napisz WIZYTA, aby wybrać inny.")),
    "slot_past": PerChannel(telegram=N_("Ten termin już minął. Wybierz inny:"),
                            sms=N_("Ten termin już minął. Napisz WIZYTA, aby wybrać inny.")),
    "slot_taken": PerChannel(
        telegram=N_("Ktoś właśnie zajął ten termin. Oto inne wolne godziny:"),
        sms=N_("Ten termin ktoś właśnie zajął. Napisz WIZYTA, aby wybrać inny.")),
    # A new booking over the limit shows the booking itself (texts.booking.already_booked).
    "booking_limit": PerChannel(
        telegram=N_("Masz już umówioną wizytę. Możesz zmienić jej termin albo ją odwołać: /moje"),
        sms=N_("Masz już umówioną rozmowę. Zobacz: MOJE (tam też odwołanie).")),
    "booking_not_found": PerChannel(
        telegram=N_("Tej wizyty już nie ma na liście. Zobacz aktualne: /moje"),
        sms=N_("Tej rozmowy już nie ma na liście. Zobacz aktualne: MOJE")),
    "cancel_too_late": cancel_too_late,
    "not_ended": "Tę wizytę można oznaczyć dopiero po jej zakończeniu.",
    "slot_not_found": "Tego terminu już nie ma.",
    "not_a_consultant": PerChannel(  # staff only: never an SMS
        telegram="Terminy konsultacji dodają psycholog i doradca zawodowy.",
        cli="Terminy konsultacji dodają psycholog i doradca zawodowy."),
    "slots_in_past": "Ten czas już minął – podaj przyszły dzień lub godzinę.",
    "slots_none_fit": "W tym przedziale nie mieści się żadna wizyta. Sprawdź godziny i długość.",
    "slots_holiday": slots_holiday,
}

HOURS: dict[str, Template | PerChannel] = {
    "not_in_psu": N_("Nie masz przydzielonego miejsca pracy. Zapytaj osobę, która Cię "
                     "prowadzi."),
    "hours_future": N_("Nie można wpisać godzin z wyprzedzeniem – tylko za dziś lub za miniony "
                       "dzień."),
    "hours_too_old": too_old,
    "hours_invalid": PerChannel(telegram=N_("Podaj liczbę godzin co pół godziny, np. 4 albo 4,5."),
                                sms=SMS_HALF_STEP),
    "hours_confirmed": N_("Godziny za {day:%d.%m} są już potwierdzone. Zmianę zgłoś osobie, "
                          "która Cię prowadzi."),
    "hours_entry_not_found": N_("Tego wpisu już nie ma."),
    "hours_rejected": "Ten wpis jest odrzucony.",
    "reason_required": "Podaj powód.",
    "hours_limit": limit_reached,
    # SMS keywords that could not be read (handlers.sms.keywords)
    "hours_missing": PerChannel(sms=N_("Podaj liczbę godzin, np. GODZINY 4 albo GODZINY 4 03.12")),
    "hours_not_half_step": PerChannel(sms=SMS_HALF_STEP),
    "bad_date": PerChannel(sms=N_("Nie rozumiem daty. Napisz np. GODZINY 4 03.12"),
                           cli=BAD_DATE_CLI),
    "cancel_missing_number": PerChannel(
        sms=N_("Napisz, który termin odwołać, np. ANULUJ 1 (lista: MOJE)")),
}

WORKSHOPS: dict[str, Template | PerChannel] = {
    "workshop_in_past": "Ten termin już minął. Podaj przyszłą datę.",
    "bad_capacity": "Liczba miejsc musi być od 1 do {limit}.",
    "bad_place": "Podaj miejsce w cudzysłowie, np. \"Sala 2\".",
    "workshop_not_found": N_("Nie znalazłem tego warsztatu."),
    "workshop_closed": N_("Zapisy na ten warsztat są już zamknięte."),
    "workshop_not_invited": PerChannel(
        telegram=N_("Nie widzę Twojego zaproszenia na ten warsztat. Zapytaj w klubie."),
        sms=N_("Nie widzę Twojego zaproszenia na to spotkanie. Odpisz POMOC, jeśli czegoś "
               "potrzebujesz.")),
    "workshop_not_started": "Obecność zaznaczysz po rozpoczęciu warsztatu.",
    "signup_not_found": "Ta osoba nie jest zapisana na warsztat.",
    "no_open_invitation": N_("Nie masz teraz otwartego zaproszenia na warsztat."),
}

BROADCASTS: dict[str, Template | PerChannel] = {
    "broadcast_not_found": "Nie znalazłem tego ogłoszenia.",
    "broadcast_not_draft": "To ogłoszenie jest już wysłane, zaplanowane albo anulowane.",
    "broadcast_not_cancellable": "Tego ogłoszenia nie da się już anulować: jest wysyłane "
                                 "albo wysłane.",
    "broadcast_incomplete": "Najpierw napisz treść i wybierz odbiorców.",
    "empty_text": "Ogłoszenie nie może być puste. Napisz treść jedną wiadomością.",
    "text_too_long": text_too_long,
    "bad_audience": "Nie znam takiej grupy odbiorców.",
    "site_not_found": "Nie znalazłem tego miejsca pracy.",
    "send_at_past": "Ten termin już minął. Wybierz późniejszy.",
}

# The command line: its store errors and the rows of an import file (storage.csvfile.RowError).
ADMIN: dict[str, Template | PerChannel] = {
    "unknown_role": cli("nieznana rola {value!r}; role: {roles}"),
    "backup_not_a_backup": cli("to nie jest plik kopii zapasowej kisbota"),
    "backup_needs_passphrase": cli("kopia jest zaszyfrowana: ustaw BACKUP_PASSPHRASE albo "
                                   "BACKUP_KEY_FILE, jak przy jej robieniu"),
    "backup_unknown_format": cli("nieznana wersja formatu kopii ({version}); potrzebna nowsza "
                                 "wersja kisbota"),
    "backup_wrong_passphrase": cli("złe hasło kopii (BACKUP_PASSPHRASE albo BACKUP_KEY_FILE) "
                                   "albo plik kopii jest uszkodzony"),
    "backup_damaged": cli("plik kopii jest uszkodzony albo niekompletny"),
    "backup_memory_database": cli("baza w pamięci (sqlite://) nie ma kopii zapasowej"),
    "backup_no_database": cli("nie ma pliku bazy {path}"),
    "backup_no_schema": cli("baza nie ma jeszcze tabel kisbota (kisbot db upgrade): nie ma czego "
                            "kopiować"),
    "backup_other_dialect": cli("kopia pochodzi z bazy {backup}, a DATABASE_URL wskazuje bazę "
                                "{target}"),
    "backup_target_not_empty": cli("baza docelowa nie jest pusta (dane w tabelach: {tables}); "
                                   "dodaj --force, żeby ją zastąpić kopią"),
    "backup_count_mismatch": cli("po odtworzeniu liczba wierszy w tabeli {table} to {found}, "
                                 "a w kopii {expected}"),
    "backup_newer_schema": cli("kopia ma schemat bazy {revision}, którego ta wersja kisbota "
                               "nie zna; zaktualizuj kisbota (git pull) i spróbuj ponownie"),
    "unknown_rate_kind": cli("nieznany rodzaj stawki {kind!r}; rodzaje: {kinds}"),
    "unknown_site": cli(UNKNOWN_SITE_CLI),
    "exists": cli(EXISTS_CLI),
    "bad_encoding": cli("plik nie jest tekstem w UTF-8 ani Windows-1250"),
    "unreadable": cli("nie można otworzyć pliku: {reason}"),
    "bad_csv": cli("plik nie jest poprawnym CSV ({reason})"),
    "missing_columns": cli("brak kolumn: {missing} (wymagane: {required})"),
    "empty": cli("pusta kolumna {column}"),
    "too_long": cli("kolumna {column} dłuższa niż {max} znaków"),
    "bad_gender": cli("płeć musi być K lub M, a jest {value!r}"),
    "bad_language": cli("język musi być pl, uk lub en, a jest {value!r}"),
    "bad_referred_on": cli(BAD_DATE_CLI),
    "bad_phone": cli("nieprawidłowy numer telefonu {value!r}"),
    "unknown_participant": cli("nieznany numer uczestnika {value!r}"),
    "bad_service": cli("nieznana usługa {value!r} (psycholog, doradca, psychologist, "
                       "career_advisor)"),
    "bad_date_time": cli("nieczytelna data lub godzina {value!r} (np. 2021-03-04 i 10:00)"),
    "bad_minutes": cli("nieprawidłowa liczba minut {value!r} (5–480)"),
    "bad_status": cli("nieznany status {value!r} (attended lub no_show)"),
    "duplicate": cli("powtórzone {column} {value!r} (pierwszy raz w wierszu {first_line})"),
    "bad_hours": cli("nieprawidłowa liczba godzin {value!r} (dodatnia, co pół godziny)"),
    "over_day_limit": cli("{value} godz. to więcej niż dzienny limit ({max})"),
    "duplicate_day": cli("ten sam uczestnik i dzień co w wierszu {first_line}"),
    "day_exists": cli("godziny za {value} już są w bazie"),
}

EXIT_FUTURE = "Nie można zapisać zakończenia udziału z datą w przyszłości ({left_on:%d.%m.%Y})."
EXIT_BEFORE = ("Dzień zakończenia ({left_on:%d.%m.%Y}) jest wcześniejszy niż skierowanie "
               "do klubu ({referred_on:%d.%m.%Y}).")

# The annual report's data: exits, staff employment, grants.
ANNUAL: dict[str, Template | PerChannel] = {
    "exit_before_referral": PerChannel(
        telegram=EXIT_BEFORE,
        cli="dzień zakończenia {left_on:%Y-%m-%d} jest przed skierowaniem ({referred_on:%Y-%m-%d})"),
    "exit_in_future": PerChannel(telegram=EXIT_FUTURE,
                                 cli="dzień zakończenia {left_on:%Y-%m-%d} jest w przyszłości"),
    "bad_left_on": cli(BAD_DATE_CLI),
    "bad_outcome": cli("nieznany wynik {value!r} (możliwe: " + ", ".join(ExitOutcome) + ")"),
    "outcome_without_left_on": cli("wynik (outcome) bez dnia zakończenia (left_on)"),
    "staff_not_found": cli("nie ma pracownika nr {staff_id}"),
    "working_time_missing": cli("podaj wymiar: --fte lub --hours-per-month"),
    "bad_fte": cli("wymiar etatu {value} poza zakresem (więcej niż 0, najwyżej 1)"),
    "bad_monthly_hours": cli("{value} godzin w miesiącu poza zakresem (więcej niż 0, "
                             "najwyżej {max})"),
    "bad_amount": cli("nieprawidłowa kwota {value} (od 0, najwyżej dwa miejsca po przecinku)"),
    "spent_over_granted": cli("kwota wykorzystana ({spent}) jest większa niż przyznana "
                              "({granted})"),
}

ERRORS: dict[str, Template | PerChannel] = {**JOINING, **BOOKING, **HOURS, **WORKSHOPS,
                                            **BROADCASTS, **ADMIN, **ANNUAL}


def template(code: str, channel: Channel) -> Template:
    """The wording of `code` for `channel`; NoSentence when there is none."""
    entry = ERRORS.get(code)
    if isinstance(entry, PerChannel):
        entry = getattr(entry, channel)
    if entry is None:
        raise NoSentence(f"no {channel} sentence for error code {code!r}")
    return _(entry) if type(entry) is Marked else entry  # a participant's: their language


def error_text(code: str, channel: Channel = Channel.telegram, **params: object) -> str:
    """The sentence for an error code with its parameters."""
    wording = template(code, channel)
    return wording(**params) if callable(wording) else wording.format(**params)


def sentence(exc: DomainError, channel: Channel = Channel.telegram, **context: object) -> str:
    """A domain error as the sentence its reader gets.

    `context` offers facts of the deployment (e.g. club_phone); a template takes those it
    names as parameters and ignores the rest.
    """
    wording = template(exc.code, channel)
    if callable(wording):
        accepted = inspect.signature(wording).parameters
        extra = {k: v for k, v in context.items() if k in accepted}
        return wording(**{**extra, **exc.params})
    return wording.format(**exc.params)


def row_sentence(error: RowError) -> str:
    """'wiersz 3: płeć musi być K lub M, a jest 'X'' (a bad row of an import file)."""
    message = error_text(error.code, Channel.cli, **(error.params or {}))
    return f"wiersz {error.line}: {message}" if error.line else message
