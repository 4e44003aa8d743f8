"""Texts shared by every feature: joining, help, menus and refusals."""

from __future__ import annotations

from handlers.texts import fmt
from handlers.texts.i18n import N_, _, translate_on_access

translate_on_access(__name__)

# --- joining -------------------------------------------------------------------------------
STRANGER = N_(
    "Dzień dobry! Ten czat jest dla uczestników naszego klubu.\n"
    "Aby dołączyć, poproś swojego pracownika socjalnego o link z zaproszeniem "
    "i otwórz go w Telegramie."
)
STRANGER_CALLBACK = N_("Najpierw dołącz przez link z zaproszeniem.")


def greeting(first_name: str, gender: str | None = None) -> str:
    """The first words after linking an account (in the person's gender, neutral if unknown)."""
    linked = fmt.by_gender(gender, _("Jesteś już połączona z klubem."),
                           _("Jesteś już połączony z klubem."),
                           _("Twoje konto jest już połączone z klubem."))
    return (_("Dzień dobry, {first_name}! 👋", first_name=first_name) + f"\n{linked} "
            + _("Wybierz, co chcesz zrobić, albo napisz /pomoc."))


def welcome_back(first_name: str) -> str:
    """/start from a known participant."""
    return _("Dzień dobry, {first_name}! Wybierz, co chcesz zrobić:", first_name=first_name)


def staff_welcome(name: str) -> str:
    """/start from a member of staff."""
    return f"Dzień dobry, {name}! Wybierz, co chcesz zrobić, albo napisz /pomoc."


ALREADY_LINKED = "To konto jest już połączone z klubem. Wybierz, co chcesz zrobić:"

# --- help and menu -------------------------------------------------------------------------
START_DESCRIPTION = "początek i menu"
HELP_DESCRIPTION = "co mogę zrobić"
HELP_HEADER = "Oto, co możesz zrobić:"
HELP_FOOTER = "Możesz też używać przycisków pod wiadomościami."
HELP_BUTTON = "❓ Pomoc"
MENU_PROMPT = "Co chcesz zrobić?"

# --- how reminders look (a participant's choice; discreet unless chosen) ----------------------
REMINDERS_DESCRIPTION = "jak wyglądają przypomnienia"
DISCREET_BUTTON = "🔒 Dyskretne"
NAMED_BUTTON = "🏷 Z nazwą rozmowy"


def reminders_choice(named: bool) -> str:
    """/przypomnienia: what the two kinds look like, and which one the person has."""
    now = "z nazwą rozmowy" if named else "dyskretne"
    return ("Jak mają wyglądać przypomnienia o rozmowach?\n"
            "🔒 Dyskretne: „umówiona rozmowa”, bez nazwy – nikt nie odczyta z ekranu telefonu, "
            "z kim się umawiasz.\n"
            "🏷 Z nazwą rozmowy: np. „rozmowa z doradcą zawodowym”.\n"
            f"Teraz masz: {now}. SMS-y są zawsze dyskretne.")


def reminders_set(named: bool) -> str:
    """After choosing."""
    return ("Zapisane: przypomnienia z nazwą rozmowy." if named
            else "Zapisane: przypomnienia dyskretne, bez nazwy rozmowy.")


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

# --- long lists ----------------------------------------------------------------------------
PAGE_PREVIOUS = "◀ Wstecz"
PAGE_NEXT = "Dalej ▶"


def page_footer(number: int, count: int) -> str:
    """Under a page of a long list."""
    return f"Strona {number} z {count}"


def continued(number: int, count: int) -> str:
    """Above the 2nd… part of a long message sent in parts."""
    return f"(część {number} z {count})"
