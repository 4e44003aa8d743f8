"""The command line's words for the admin: help of every command and option, and its messages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from handlers.texts import fmt

# --- help: groups ------------------------------------------------------------------------------
APP = "kisbot: czatbot klubu (Telegram + SMS)."
DB = "Baza danych."
STAFF = "Pracownicy."
PARTICIPANTS = "Uczestnicy."
SITES = "Miejsca prac społecznie użytecznych."
RATES = "Stawki godzinowe."
HOURS = "Godziny prac społecznie użytecznych."
CONSULTATIONS = "Konsultacje (psycholog, doradca zawodowy)."

# --- help: commands ----------------------------------------------------------------------------
RUN = "Uaktualnij bazę i uruchom bota (bez TELEGRAM_BOT_TOKEN: lokalna piaskownica)."
DB_UPGRADE = "Uaktualnij schemat bazy do najnowszej wersji."
STAFF_ADD = "Dodaj pracownika."
STAFF_LIST = "Wypisz pracowników."
PARTICIPANTS_IMPORT = ("Wczytaj uczestników z CSV "
                       "(number,first_name,last_name,gender,phone,referred_on,work_site).")
PARTICIPANTS_ADD = "Dodaj jednego uczestnika."
PARTICIPANTS_LIST = "Wypisz uczestników."
PARTICIPANTS_EXPORT = "Wszystkie dane o uczestniku (RODO, art. 15), jako JSON."
PARTICIPANTS_ERASE = "Zanonimizuj uczestnika (RODO, art. 17); statystyki do sprawozdań zostają."
AUDIT = "Dziennik zdarzeń: kto, co i kiedy zrobił."
INVITE = "Wydrukuj jednorazowy link do Telegrama dla uczestnika."
SITES_IMPORT = "Wczytaj miejsca prac społecznie użytecznych."
SITES_LIST = "Wypisz miejsca pracy."
RATES_SET = "Ustaw stawkę godzinową od danego dnia."
RATES_LIST = "Wypisz stawki."
HOURS_IMPORT = ("Wczytaj historię godzin z CSV (participant,date,hours[,work_site]) "
                "jako potwierdzone.")
SUMMARY = "Wypisz dzienne podsumowanie godzin PSU."
SETTLEMENT = "Rozliczenie miesiąca PSU: osoby, godziny, stawki, kwoty (tekst; XLSX z --out)."
REPORT = "Raport za okres (--from, --to) albo sprawozdanie roczne (--year); tekst lub XLSX."
CONSULTATIONS_IMPORT = ("Wczytaj historię konsultacji z CSV "
                        "(participant,service,date,start,minutes[,status]).")

# --- help: arguments and options ---------------------------------------------------------------
CSV_FILE = "Plik CSV."
SITES_FILE = "Plik CSV (name[,address]); domyślnie 22 jednostki z raportu klubu."
NAME = "Imię i nazwisko."
ROLE = "Rola (można kilka razy): psychologist, career_advisor, social_worker, coordinator, admin."
TELEGRAM_ID = "Identyfikator konta Telegram."
PHONE = "Telefon."
NUMBER = "Numer w klubie."
PARTICIPANT_NUMBER = "Numer uczestnika w klubie."
FIRST_NAME = "Imię."
LAST_NAME = "Nazwisko."
GENDER = "K lub M."
REFERRED_ON = "Data skierowania (RRRR-MM-DD lub DD.MM.RRRR)."
WORK_SITE = "Miejsce PSU (puste: poza PSU)."
GROUP_CODE = "Grupa z art. 1 ust. 2."
EXPORT_OUT = "Plik JSON (domyślnie: na ekran)."
YES = "Bez pytania o potwierdzenie."
AUDIT_LIMIT = "Ile ostatnich wpisów."
AUDIT_TARGET = "Tylko o tym, np. participant:12."
RATE_KIND = "psu, psychologist, career_advisor, workshop."
RATE_AMOUNT = "Kwota za godzinę, np. 9.00."
RATE_FROM = "Od dnia (RRRR-MM-DD)."
SUMMARY_DATE = "Dzień (RRRR-MM-DD); domyślnie dziś."
MONTH = "Miesiąc RRRR-MM, np. 2021-06."
SETTLEMENT_OUT = "Zapisz też XLSX do tego pliku."
REPORT_FROM = "Pierwszy dzień (RRRR-MM-DD)."
REPORT_TO = "Ostatni dzień (RRRR-MM-DD)."
REPORT_YEAR = "Sprawozdanie roczne dla wojewody za rok."
REPORT_FORMAT = "text albo xlsx."
REPORT_OUT = "Plik wynikowy (xlsx: domyślnie raport_OD_DO.xlsx)."

# --- messages ----------------------------------------------------------------------------------
ERROR = "Błąd: {message}"
DB_CURRENT = "Baza danych jest aktualna."
DB_DOWN = "baza danych niedostępna: {reason}"
BOT_NAME_UNKNOWN = ("nie udało się zapytać Telegrama o nazwę bota ({reason}); uruchom raz bota "
                    "(kisbot run) albo ustaw BOT_USERNAME")
BAD_MONTH = "nieczytelny miesiąc {value!r} (RRRR-MM)"
BAD_FORMAT = "nieznany format {value!r} (text albo xlsx)"
YEAR_OR_PERIOD = "podaj --from i --to (raport za okres) albo samo --year (sprawozdanie roczne)"
BAD_YEAR = "nieprawidłowy rok {value}"
BACKWARDS = "data --to jest wcześniejsza niż --from"
SAVED = "Zapisano: {path}"
INACTIVE = " [nieaktywny]"
REPORT_FILE = "raport_{first:%Y-%m-%d}_{last:%Y-%m-%d}.xlsx"
ANNUAL_FILE = "sprawozdanie_roczne_{year}.xlsx"


def nothing_saved(bad_rows: int) -> str:
    """An import refused as a whole."""
    return f"Nic nie zapisano: {fmt.count(bad_rows, 'błędny wiersz', 'błędne wiersze', 'błędnych wierszy')}."


def imported(created: int, updated: int) -> str:
    """An import's outcome."""
    return f"Zaimportowano: dodano {created}, zmieniono {updated}."


def staff_added(staff_id: int | None, name: str, roles: str) -> str:
    """After `kisbot staff add`."""
    return f"Dodano pracownika nr {staff_id}: {name} ({roles})."


def participant_added(number: str, first_name: str, last_name: str) -> str:
    """After `kisbot participants add`."""
    return f"Dodano uczestnika {number}: {first_name} {last_name}."


def left_on(day: date | None) -> str:
    """' (odszedł 31.05.2021)' in the participants list, or nothing."""
    return f" (odszedł {day:%d.%m.%Y})" if day else ""


def erase_question(number: str) -> str:
    """Ask before anonymising."""
    return f"Usunąć dane osobowe uczestnika {number}? Tego nie można cofnąć"


def erased(number: str, participant_id: int | None) -> str:
    """After anonymising."""
    return f"Dane uczestnika {number} zostały zanonimizowane (nowy numer: anon-{participant_id})."


def invite_valid(days: int) -> str:
    """Under the printed invite link."""
    return f"Link jest jednorazowy i ważny {days} dni."


def rate_set(kind: str, amount: Decimal, since: date) -> str:
    """After `kisbot rates set`."""
    return f"Stawka {kind}: {amount} zł od {since:%d.%m.%Y}."


def rate_line(kind: str, amount: Decimal, since: date) -> str:
    """One rate in `kisbot rates list`."""
    return f"{kind}\t{amount}\tod {since:%Y-%m-%d}"
