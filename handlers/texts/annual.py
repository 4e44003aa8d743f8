"""Polish texts of the annual report for the voivode, of recording an exit, and of its reminder.

The report follows art. 18a ust. 6 ustawy o zatrudnieniu socjalnym part by part. The
minister's template (ust. 7) could not be found and confirmed: the headings below are the
statute's own words, and README says so.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from handlers.texts import fmt
from storage.models import EmploymentBasis, ExitOutcome

TITLE = "Sprawozdanie z działalności Klubu Integracji Społecznej za rok {year}"
BASIS_LINE = ("(art. 18a ust. 6 ustawy z dnia 13 czerwca 2003 r. o zatrudnieniu socjalnym; "
              "osoby są policzone, nie wymienione z nazwiska)")
NO_DATA = "brak danych"
NOT_SUMMED = "nie sumuje się"
NOT_SUMMED_NOTE = ("Liczby osób nie sumują się między działaniami: ta sama osoba mogła brać "
                   "udział w kilku z nich.")
TOTAL = "Razem"
ORDINAL = "Lp."
WOMEN, MEN, ALL = "K", "M", "razem"

PART_STAFF = "Część I. Zatrudnieni pracownicy: liczba, wymiar czasu pracy i podstawa zatrudnienia"
STAFF_HEADER = ("Lp.", "Stanowisko", "Podstawa zatrudnienia", "Wymiar czasu pracy",
                "Okres zatrudnienia w roku")
NO_STAFF = "brak danych o zatrudnieniu pracowników (kisbot staff edit … --basis …)"
ROLE_LABELS = {"psychologist": "psycholog", "career_advisor": "doradca zawodowy",
               "social_worker": "pracownik socjalny", "coordinator": "koordynator",
               "admin": "administrator"}
BASIS_LABELS = {EmploymentBasis.umowa_o_prace: "umowa o pracę",
                EmploymentBasis.umowa_zlecenie: "umowa zlecenie",
                EmploymentBasis.inna: "inna podstawa",
                EmploymentBasis.koniec: "koniec zatrudnienia"}
STAFF_COUNT = "Liczba zatrudnionych pracowników w roku"
FTE_ON_LAST_DAY = "Suma etatów na dzień {date}"
AVERAGE_FTE = "Przeciętny wymiar zatrudnienia w roku (etaty)"
UNRECORDED = "Pracownicy bez danych o zatrudnieniu (nie policzeni)"

PART_PEOPLE = ("Część II. Uczestnicy według grup z art. 1 ust. 2, w tym osoby, które osiągnęły "
               "efekty reintegracji społecznej i zawodowej, w tym zatrudnione po zakończeniu "
               "uczestnictwa")
PEOPLE_HEADER = ("Grupa (art. 1 ust. 2)", "Uczestnicy", "K", "M", "Efekty reintegracji", "K", "M",
                 "w tym zatrudnienie", "K", "M")
EXITS_TITLE = "Zakończenie uczestnictwa w roku według wyniku"
EXITS_HEADER = ("Wynik", "razem", "K", "M")
NO_OUTCOME = "wynik nieodnotowany"
STARTED = "Rozpoczęli uczestnictwo w roku"
IN_CLUB_ON = "Uczestnicy w klubie na dzień {date}"
EFFECTS_RULE = ("Efekty reintegracji: zakończenie uczestnictwa w roku zatrudnieniem (umowa "
                "o pracę, umowa zlecenie, własna działalność, CIS lub przedsiębiorstwo społeczne) "
                "albo ukończeniem indywidualnego programu (kontraktu socjalnego).")
GROUPS = {  # art. 1 ust. 2 ustawy o zatrudnieniu socjalnym
    "1": "bezdomni realizujący indywidualny program wychodzenia z bezdomności",
    "2": "uzależnieni od alkoholu",
    "3": "uzależnieni od narkotyków lub innych środków odurzających",
    "4": "osoby z zaburzeniami psychicznymi",
    "5": "długotrwale bezrobotni",
    "6": "zwalniani z zakładów karnych",
    "7": "uchodźcy realizujący indywidualny program integracji",
    "8": "osoby niepełnosprawne",
    "": "grupa nieodnotowana",
}


def no_outcome_note(n: int) -> str:
    """People who left without a recorded outcome: their effects cannot be known."""
    who = fmt.count(n, "osoba", "osoby", "osób")
    return (f"Uwaga: zakończenie uczestnictwa bez odnotowanego wyniku – {who}; efektów tych "
            "zakończeń nie da się ustalić z danych (kisbot participants leave … --outcome …).")


OUTCOME_LABELS = {
    ExitOutcome.umowa_o_prace: "zatrudnienie: umowa o pracę",
    ExitOutcome.umowa_zlecenie: "zatrudnienie: umowa zlecenie",
    ExitOutcome.wlasna_firma: "zatrudnienie: własna działalność gospodarcza",
    ExitOutcome.cis_spoldzielnia: "zatrudnienie: CIS lub przedsiębiorstwo społeczne",
    ExitOutcome.program_ukonczony: "ukończenie indywidualnego programu (kontraktu socjalnego)",
    ExitOutcome.bez_ukonczenia: "przerwanie uczestnictwa bez ukończenia",
    ExitOutcome.inne: "inny powód",
}

PART_ACTIVITIES = ("Część III. Zrealizowane działania z zakresu reintegracji społecznej i zawodowej "
                   "wraz z ich efektami")
ACTIVITIES_HEADER = ("Działanie", "Liczba zajęć", "Liczba godzin", "Uczestnicy", "K", "M",
                     "w tym z efektem reintegracji", "K", "M")
ACTIVITY_LABELS = {"psychologist": "konsultacje indywidualne z psychologiem",
                   "career_advisor": "konsultacje indywidualne z doradcą zawodowym",
                   "workshops": "spotkania grupowe – warsztaty (odbyte)",
                   "psu": "prace społecznie użyteczne (liczba zajęć: dni pracy)"}

PART_GRANTS = "Część IV. Rozliczenie przyznanych dotacji za rok {year}"
GRANTS_HEADER = ("Lp.", "Źródło dotacji", "Kwota przyznana", "Kwota wykorzystana",
                 "Kwota niewykorzystana")
NO_GRANTS = "brak danych: nie wpisano dotacji za rok {year} (kisbot grants add)"

SHEET_STAFF, SHEET_PEOPLE = "I Pracownicy", "II Uczestnicy"
SHEET_ACTIVITIES, SHEET_GRANTS = "III Działania", "IV Dotacje"
FILE = "sprawozdanie_roczne_{year}.xlsx"


def group_label(code: str) -> str:
    """'pkt 5 – długotrwale bezrobotni'; unknown codes as written."""
    if code in GROUPS and code:
        return f"pkt {code} – {GROUPS[code]}"
    return code or GROUPS[""]


def roles_label(roles: str) -> str:
    """'psycholog, pracownik socjalny'."""
    return ", ".join(ROLE_LABELS.get(r, r) for r in roles.split(",") if r)


def etat(value: Decimal) -> str:
    """'1 etat', '0,5 etatu', '2 etaty'."""
    return f"{fmt.number(value)} {fmt.plural(value, 'etat', 'etaty', 'etatów', 'etatu')}"


def working_time(fte: Decimal | None, monthly_hours: Decimal | None) -> str:
    """'0,5 etatu', '40 godzin miesięcznie', both, or 'brak danych'."""
    parts = []
    if fte is not None:
        parts.append(etat(fte))
    if monthly_hours is not None:
        parts.append(f"{fmt.hours(monthly_hours)} miesięcznie")
    return ", ".join(parts) or NO_DATA


def span(since: date, until: date) -> str:
    """'01.01.2021–30.06.2021'."""
    return f"{fmt.numeric_date(since)}–{fmt.numeric_date(until)}"


# --- recording an exit in Telegram ------------------------------------------------------
EXIT_DESCRIPTION = "Zapisz zakończenie udziału uczestnika"
EXIT_MENU_LABEL = "🏁 Zakończenie udziału"
EXIT_USAGE = ("Użycie: /zakonczenie NUMER [DATA]\n"
              "np. /zakonczenie 12 albo /zakonczenie 12 31.03.2021 (bez daty: dzisiaj)")
EXIT_STALE = "Ten przycisk jest już nieaktualny."
EXIT_BUTTONS = {  # short button labels, in the order shown
    ExitOutcome.umowa_o_prace: "Praca: umowa o pracę",
    ExitOutcome.umowa_zlecenie: "Praca: umowa zlecenie",
    ExitOutcome.wlasna_firma: "Własna działalność",
    ExitOutcome.cis_spoldzielnia: "CIS / przedsiębiorstwo społeczne",
    ExitOutcome.program_ukonczony: "Program ukończony",
    ExitOutcome.bez_ukonczenia: "Przerwanie bez ukończenia",
    ExitOutcome.inne: "Inny powód",
}


def exit_question(number: str, left_on: date, current: str | None) -> str:
    """Asked before the outcome buttons (the number only: no name in the chat)."""
    text = f"Uczestnik nr {number} – zakończenie udziału {fmt.numeric_date(left_on)}."
    if current:
        text += f"\nJuż zapisano: {current}. Wybór poniżej zastąpi ten zapis."
    return text + "\nJak zakończył się udział?"


def exit_saved(number: str, left_on: date, outcome: ExitOutcome, changed: bool) -> str:
    """After the button press."""
    verb = "Poprawiono" if changed else "Zapisano"
    return (f"{verb}: uczestnik nr {number}, koniec udziału {fmt.numeric_date(left_on)}, "
            f"{OUTCOME_LABELS[outcome]}.")


def exit_same(number: str) -> str:
    """A repeated press: nothing changes."""
    return f"To zakończenie udziału uczestnika nr {number} jest już zapisane."


def current_exit(left_on: date, outcome: ExitOutcome | None) -> str:
    """'31.03.2021, ukończenie indywidualnego programu'."""
    return f"{fmt.numeric_date(left_on)}, {OUTCOME_LABELS[outcome] if outcome else NO_OUTCOME}"


# --- the March reminder ------------------------------------------------------------------
REMINDER_BUTTON = "Sprawozdanie roczne {year}"


def annual_reminder(year: int) -> str:
    """To coordinators, in March: the report for the previous year is due by 31 March."""
    return (f"Przypomnienie: do 31 marca trzeba przekazać wojewodzie sprawozdanie roczne "
            f"klubu za {year} r. Przed wysłaniem sprawdź, czy są zapisane zakończenia udziału, "
            f"zatrudnienie pracowników i dotacje. Sprawozdanie przygotujesz przyciskiem poniżej "
            f"albo poleceniem /raport.")
