"""Texts shared by every feature: joining, help, menus, refusals, errors, CLI messages."""

from __future__ import annotations

from storage.csvfile import RowError
from storage.errors import DomainError

# --- joining -------------------------------------------------------------------------------
STRANGER = (
    "Dzień dobry! Ten czat jest dla uczestników naszego klubu.\n"
    "Aby dołączyć, poproś swojego pracownika socjalnego o link z zaproszeniem "
    "i otwórz go w Telegramie."
)
STRANGER_CALLBACK = "Najpierw dołącz przez link z zaproszeniem."


def greeting(first_name: str) -> str:
    """The first words after linking an account."""
    return (f"Dzień dobry, {first_name}! 👋\nJesteś już połączony z klubem. "
            "Wybierz, co chcesz zrobić, albo napisz /pomoc.")


def welcome_back(first_name: str) -> str:
    """/start from a known participant."""
    return f"Dzień dobry, {first_name}! Wybierz, co chcesz zrobić:"


def staff_welcome(name: str) -> str:
    """/start from a member of staff."""
    return f"Dzień dobry, {name}! Wybierz, co chcesz zrobić, albo napisz /pomoc."


INVITE_ERRORS = {
    "invite_invalid": "Ten kod nie działa. Sprawdź, czy link jest cały, albo poproś "
                      "pracownika socjalnego o nowy.",
    "invite_used": "Ten link był już użyty. Jeśli to nie Ty, powiedz o tym pracownikowi "
                   "socjalnemu; poproś go o nowy link.",
    "invite_expired": "Ten link jest już nieważny. Poproś pracownika socjalnego o nowy.",
    "account_taken": "To konto Telegram jest już połączone z inną osobą. Porozmawiaj "
                     "z pracownikiem socjalnym.",
}


def invite_locked(minutes: int) -> str:
    """Too many wrong codes."""
    return (f"Za dużo błędnych kodów. Spróbuj ponownie za {minutes} min "
            "albo poproś pracownika socjalnego o pomoc.")


ALREADY_LINKED = "To konto jest już połączone z klubem. Wybierz, co chcesz zrobić:"

# --- help and menu -------------------------------------------------------------------------
HELP_HEADER = "Oto, co możesz zrobić:"
HELP_FOOTER = "Możesz też używać przycisków pod wiadomościami."
HELP_BUTTON = "❓ Pomoc"
MENU_PROMPT = "Co chcesz zrobić?"

# --- refusals and errors -------------------------------------------------------------------
NOT_ALLOWED = "Ta funkcja nie jest dostępna na Twoim koncie."
UNKNOWN_COMMAND = "Nie znam tego polecenia. Napisz /pomoc, aby zobaczyć, co mogę zrobić."
NOT_UNDERSTOOD = "Nie rozumiem tej wiadomości. Wybierz coś z menu albo napisz /pomoc."
STALE_BUTTON = "Ten przycisk jest już nieaktualny."
INTERNAL_ERROR = ("Przepraszamy, coś poszło nie tak po naszej stronie. Spróbuj ponownie "
                  "za chwilę. Jeśli to się powtórzy, powiedz o tym w klubie.")


def usage(text: str) -> str:
    """A usage reply after bad arguments."""
    return f"Użycie: {text}"


# --- CLI -------------------------------------------------------------------------------------
ROW_ERRORS = {
    "bad_encoding": "plik nie jest tekstem w UTF-8 ani Windows-1250",
    "unreadable": "nie można otworzyć pliku: {reason}",
    "bad_csv": "plik nie jest poprawnym CSV ({reason})",
    "missing_columns": "brak kolumn: {missing} (wymagane: {required})",
    "empty": "pusta kolumna {column}",
    "too_long": "kolumna {column} dłuższa niż {max} znaków",
    "bad_gender": "płeć musi być K lub M, a jest {value!r}",
    "bad_referred_on": "nieczytelna data {value!r} (RRRR-MM-DD lub DD.MM.RRRR)",
    "bad_date": "nieczytelna data {value!r} (RRRR-MM-DD lub DD.MM.RRRR)",
    "bad_phone": "nieprawidłowy numer telefonu {value!r}",
    "unknown_site": "nieznane miejsce pracy {value!r} (zobacz: kisbot sites list)",
    "unknown_participant": "nieznany numer uczestnika {value!r}",
    "bad_service": "nieznana usługa {value!r} (psycholog, doradca, psychologist, career_advisor)",
    "bad_date_time": "nieczytelna data lub godzina {value!r} (np. 2021-03-04 i 10:00)",
    "bad_minutes": "nieprawidłowa liczba minut {value!r} (5–480)",
    "bad_status": "nieznany status {value!r} (attended lub no_show)",
    "duplicate": "powtórzone {column} {value!r} (pierwszy raz w wierszu {first_line})",
    "exists": "{column} {value!r} już jest w bazie",
    "bad_hours": "nieprawidłowa liczba godzin {value!r} (dodatnia, co pół godziny)",
    "over_day_limit": "{value} godz. to więcej niż dzienny limit ({max})",
    "duplicate_day": "ten sam uczestnik i dzień co w wierszu {first_line}",
    "day_exists": "godziny za {value} już są w bazie",
}

ERRORS = {
    "unknown_site": "nieznane miejsce pracy {value!r} (zobacz: kisbot sites list)",
    "exists": "{column} {value!r} już jest w bazie",
    "unknown_role": "nieznana rola {value!r}; role: {roles}",
    "unknown_rate_kind": "nieznany rodzaj stawki {kind!r}; rodzaje: {kinds}",
    "participant_not_found": "nie ma uczestnika o numerze {number!r}",
}


def row_error(error: RowError) -> str:
    """'wiersz 3: płeć musi być K lub M, a jest 'X''."""
    template = ROW_ERRORS.get(error.code, error.code)
    message = template.format(**error.params) if error.params else template
    return f"wiersz {error.line}: {message}" if error.line else message


def domain_error(error: DomainError) -> str:
    """A domain error in Polish for the CLI."""
    template = ERRORS.get(error.code, error.code)
    return template.format(**error.params)
