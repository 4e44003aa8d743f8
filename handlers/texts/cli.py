"""The command line's words for the admin: help of every command and option, and its messages."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_timedelta

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
DB_BACKUP = ("Zrób kopię zapasową bazy (spójną także w czasie pracy bota), skompresowaną; "
             "zaszyfrowaną, gdy ustawiono BACKUP_PASSPHRASE albo BACKUP_KEY_FILE.")
DB_RESTORE = ("Odtwórz bazę z kopii zapasowej do pustej bazy z DATABASE_URL (zatrzymaj najpierw "
              "bota), potem uaktualnij jej schemat.")
STATUS = "Stan bota w skrócie: kolejka wiadomości, ostatnie wysyłki, błędy i ostatnia kopia."
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

BACKUP_OUT = "Plik kopii (domyślnie nowy plik w katalogu BACKUP_DIR)."
BACKUP_FILE = "Plik kopii zapasowej."
RESTORE_FORCE = "Zastąp dane, jeśli baza docelowa nie jest pusta."

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


# --- backups, restore and `kisbot status` ------------------------------------------------------
BACKUP_UNREADABLE = "nie można odczytać pliku kopii {path}: {reason}"
BACKUP_UNWRITABLE = "nie można zapisać kopii {path}: {reason}"
NOT_ENCRYPTED = ("Uwaga: kopia nie jest zaszyfrowana (są w niej dane szczególnej kategorii, "
                 "RODO art. 9); ustaw BACKUP_PASSPHRASE albo BACKUP_KEY_FILE.")
STATUS_QUEUE_EMPTY = "Kolejka: nic nie czeka na wysłanie."
STATUS_NO_SENDS = "Ostatnia wysyłka: jeszcze żadnej."
STATUS_NO_BACKUP = "Ostatnia kopia: jeszcze żadnej (kisbot db backup)."
STATUS_BOT_OK = "Bot: działa ({url})."
STATUS_BOT_DOWN = "Bot: nie odpowiada pod {url} (nie działa albo HEALTH_PORT jest inny)."
STATUS_BOT_NO_PORT = "Bot: bez adresu stanu (HEALTH_PORT=0)."
PART_NAMES = {"database": "baza danych", "scheduler": "harmonogram zadań", "telegram": "Telegram"}


def _size(size: int) -> str:
    """'12 KB', '1,4 MB'."""
    if size < 1024 * 1024:
        return f"{fmt.number(max(1, round(size / 1024)))} KB"
    return f"{fmt.number(Decimal(size) / (1024 * 1024) // Decimal('0.1') * Decimal('0.1'))} MB"


def _rows(rows: int) -> str:
    return fmt.count(rows, "wiersz", "wiersze", "wierszy")


def backup_written(path: object, rows: int, size: int) -> str:
    """After `kisbot db backup`."""
    return f"Kopia zapisana: {path} ({_size(size)}, {_rows(rows)})."


def restored(created_at: datetime, rows: int, tz: ZoneInfo) -> str:
    """After `kisbot db restore`."""
    return f"Odtworzono bazę z kopii z {_at(created_at, tz)} ({_rows(rows)}); schemat jest aktualny."


def backup_failed_notice(reason: str) -> str:
    """To every admin (Telegram, or SMS) when the daily backup failed."""
    return (f"Nie udało się zrobić dzisiejszej kopii zapasowej bazy ({reason}). Następna próba "
            "za godzinę; szczegóły pokaże polecenie kisbot status na serwerze.")


def _by_channel(counts: dict[str, int]) -> str:
    names = {"telegram": "Telegram", "sms": "SMS"}
    parts = [f"{names.get(c, c)} {n}" for c, n in sorted(counts.items()) if n]
    return f" ({', '.join(parts)})" if parts else ""


def _duration(seconds: float) -> str:
    """'6 minut', '1 godzina' (nominative: used after a colon)."""
    return format_timedelta(timedelta(seconds=seconds), locale="pl_PL")


def _at(moment: datetime, tz: ZoneInfo) -> str:
    return f"{fmt.numeric_date(moment.astimezone(tz).date())}, godz. {fmt.clock_time(moment, tz)}"


def status_queue(due: dict[str, int], oldest_seconds: float, later: int, sending: int) -> str:
    """The queue line of `kisbot status`."""
    waiting = sum(due.values())
    if not waiting:
        line = STATUS_QUEUE_EMPTY.rstrip(".")
    else:
        line = (f"Kolejka: {fmt.count(waiting, 'wiadomość czeka', 'wiadomości czekają', 'wiadomości czeka')}"
                f" na wysłanie{_by_channel(due)}; najstarsza czeka: {_duration(oldest_seconds)}")
    return f"{line}; zaplanowane na później: {later}; w trakcie wysyłki: {sending}."


def status_sends(sent: dict[str, int], failed: dict[str, int]) -> str:
    """The last day's sends."""
    return (f"Ostatnie 24 godziny: wysłane {sum(sent.values())}{_by_channel(sent)}, "
            f"nieudane {sum(failed.values())}{_by_channel(failed)}.")


def status_last_send(at: datetime, tz: ZoneInfo) -> str:
    """When the last message left."""
    return f"Ostatnia wysyłka: {_at(at, tz)}."


def status_reasons(reasons: list[tuple[str, int]]) -> str:
    """The commonest reasons of the last day's failures."""
    return "Najczęstsze przyczyny niepowodzeń: " + "; ".join(f"{r[:80]} ({n})" for r, n in reasons) + "."


def status_backup(at: datetime, file: str | None, size: int | None, tz: ZoneInfo) -> str:
    """The last backup that worked."""
    where = (f", {file}" + (f" ({_size(size)})" if size else "")) if file else ""
    return f"Ostatnia kopia: {_at(at, tz)}{where}."


def status_backup_failed(at: datetime, reason: str | None, tz: ZoneInfo) -> str:
    """A backup failure newer than the last success."""
    return f"Nieudana kopia: {_at(at, tz)}: {reason or '?'}."


def status_bot_failing(url: str, parts: list[str]) -> str:
    """The running bot answered 503."""
    names = ", ".join(PART_NAMES.get(p, p) for p in parts)
    return f"Bot: działa, ale z problemem ({url}): {names}."
