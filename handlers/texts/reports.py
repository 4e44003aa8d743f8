"""Polish texts of the period and annual reports (for the city and the voivode, not participants)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from handlers.texts import fmt
from storage.models import HourStatus
from storage.periods import ByGender, PricedPart
from storage.rates import RatePeriod

TITLE = "Sprawozdanie z działalności Klubu Integracji Społecznej"
PEOPLE_HEADER = "Uczestnicy"
WORKSHOPS_HEADER = "Warsztaty"
PSU_HEADER = "Prace społecznie użyteczne"
SERVICE_HEADERS = {"psychologist": "Konsultacje psychologiczne",
                   "career_advisor": "Doradztwo zawodowe"}
RATE_OF = {"psychologist": "psychologa", "career_advisor": "doradcy zawodowego"}
SERVICE_LABELS = {"psychologist": "psycholog", "career_advisor": "doradca zawodowy"}
NO_SITE = "bez wskazanego miejsca"
ROMAN = {1: "I", 2: "II"}


def period_name(date_from: date, date_to: date, half: tuple[int, int] | None) -> str:
    """'I półrocze 2021 r. (01.01.2021–30.06.2021)', 'rok 2021' or 'okres 01.01.2021–31.03.2021'."""
    span = f"{fmt.numeric_date(date_from)}–{fmt.numeric_date(date_to)}"
    if half and half[1]:
        return f"{ROMAN[half[1]]} półrocze {half[0]} r. ({span})"
    if half:
        return f"Rok {half[0]} ({span})"
    return f"Okres {span}"


def in_period(date_from: date, date_to: date, half: tuple[int, int] | None) -> str:
    """'w I półroczu 2021 r.', 'w 2021 r.' or 'w okresie od 01.01.2021 do 31.03.2021 r.'."""
    if half and half[1]:
        return f"w {ROMAN[half[1]]} półroczu {half[0]} r."
    if half:
        return f"w {half[0]} r."
    return f"w okresie od {fmt.numeric_date(date_from)} do {fmt.numeric_date(date_to)} r."


def sentence_start(text: str) -> str:
    """The phrase with a capital first letter (the rest untouched: 'W I półroczu')."""
    return text[:1].upper() + text[1:]


def people(n: int, accusative: bool = False) -> str:
    """'1 osoba' / '1 osobę', '3 osoby', '5 osób'."""
    return fmt.count(n, "osobę" if accusative else "osoba", "osoby", "osób")


def of_which(g: ByGender, accusative: bool = False) -> str:
    """'w tym 27 kobiet i 17 mężczyzn' (in the accusative: '1 kobietę i 1 mężczyznę')."""
    women = fmt.count(g.women, "kobietę" if accusative else "kobieta", "kobiety", "kobiet")
    men = fmt.count(g.men, "mężczyznę" if accusative else "mężczyzna", "mężczyzn", "mężczyzn")
    return f"w tym {women} i {men}"


def verb(n: int, one: str, few: str, many: str) -> str:
    """The verb agreeing with a count of people: 'skorzystała', 'skorzystały', 'skorzystało'."""
    return fmt.plural(n, one, few, many)


def hours_genitive(value: Decimal) -> str:
    """After 'w wymiarze': '1 godziny', '60 godzin', '4,5 godziny'."""
    return f"{fmt.number(value)} {fmt.plural(value, 'godziny', 'godzin', 'godzin', 'godziny')}"


def hours_short(value: Decimal) -> str:
    """Hours rounded to hundredths, then in words: '5,25 godziny'."""
    return fmt.hours(round_hours(value))


def round_hours(value: Decimal) -> Decimal:
    """Hours to two decimal places, without trailing zeros."""
    rounded = value.quantize(Decimal("0.01"))
    return rounded.normalize() if rounded == rounded.to_integral_value() else rounded


def referred_sentence(where: str, g: ByGender) -> str:
    """The first sentence of the report."""
    if not g.total:
        return f"{sentence_start(where)} nie skierowano do Klubu Integracji Społecznej nowych osób."
    return (f"{sentence_start(where)} skierowano do uczestnictwa w Klubie Integracji Społecznej "
            f"{people(g.total, accusative=True)}, {of_which(g, accusative=True)}.")


def active_sentence(g: ByGender) -> str:
    """Everyone in the club at some point of the period."""
    took = verb(g.total, "uczestniczyła", "uczestniczyły", "uczestniczyło")
    return f"Łącznie w zajęciach Klubu {took} {people(g.total)}, {of_which(g)}."


def rates_phrase(periods: Sequence[RatePeriod]) -> str:
    """'60,00 zł' or '60,00 zł do 31.03.2021 r. i 70,00 zł od 01.04.2021 r.'."""
    if len(periods) == 1:
        return fmt.money(periods[0].amount)
    pieces = []
    for i, p in enumerate(periods):
        last_day = (p.until - timedelta(days=1)) if p.until else None
        if i == 0 and last_day:
            pieces.append(f"{fmt.money(p.amount)} do {fmt.numeric_date(last_day)} r.")
        elif i == len(periods) - 1 or last_day is None:
            pieces.append(f"{fmt.money(p.amount)} od {fmt.numeric_date(p.since)} r.")
        else:
            pieces.append(f"{fmt.money(p.amount)} od {fmt.numeric_date(p.since)} "
                          f"do {fmt.numeric_date(last_day)} r.")
    return ", ".join(pieces[:-1]) + " i " + pieces[-1]


def cost_breakdown(parts: Sequence[PricedPart]) -> str:
    """'(2,5 godziny × 60,00 zł = 150,00 zł; 2,75 godziny × 70,00 zł = 192,50 zł)' if several."""
    priced = [p for p in parts if p.rate is not None]
    if len(priced) < 2:
        return ""
    items = [f"{hours_short(p.hours)} × {fmt.money(p.rate)} = {fmt.money(p.cost)}"  # type: ignore[arg-type]
             for p in priced]
    return " (" + "; ".join(items) + ")"


def missing_rate(hours: Decimal, parts: Sequence[PricedPart]) -> str:
    """A warning that some hours had no rate set, so their cost is not counted."""
    days = ", ".join(f"{fmt.numeric_date(p.since)}–{fmt.numeric_date(p.until)}"
                     for p in parts if p.rate is None)
    return (f"Uwaga: dla {hours_genitive(round_hours(hours))} ({days}) nie ustawiono stawki; "
            "nie wliczono ich do kwoty (kisbot rates set).")


def not_counted(no_show: int, cancelled: int, booked: int) -> str:
    """Consultations that did not take place and are not counted."""
    pieces = []
    if no_show:
        pieces.append(fmt.count(no_show, "nieobecność uczestnika", "nieobecności uczestników",
                                "nieobecności uczestników"))
    if cancelled:
        pieces.append(fmt.count(cancelled, "odwołany termin", "odwołane terminy",
                                "odwołanych terminów"))
    if booked:
        pieces.append(fmt.count(booked, "termin bez potwierdzonej obecności",
                                "terminy bez potwierdzonej obecności",
                                "terminów bez potwierdzonej obecności"))
    return f"Nie wliczono: {', '.join(pieces)}." if pieces else ""


def service_sentences(service: str, hours: Decimal, sessions: int, g: ByGender,
                      rates: Sequence[RatePeriod], cost: Decimal, where: str,
                      parts: Sequence[PricedPart]) -> str:
    """'Zajęcia odbyły się w wymiarze 60 godzin. Z tego typu wsparcia skorzystały 34 osoby, …'."""
    if not sessions:
        return f"{sentence_start(where)} nie odbyła się żadna konsultacja."
    took = verb(g.total, "skorzystała", "skorzystały", "skorzystało")
    text = (f"Zajęcia odbyły się w wymiarze {hours_genitive(round_hours(hours))} "
            f"({fmt.count(sessions, 'konsultacja', 'konsultacje', 'konsultacji')}). "
            f"Z tego typu wsparcia {took} {people(g.total)}, {of_which(g)}.")
    if rates:
        text += (f" Godzinna stawka {RATE_OF[service]} wynosiła {rates_phrase(rates)}, "
                 f"co daje {where} kwotę {fmt.money(cost)}{cost_breakdown(parts)}.")
    return text


def workshop_sentences(planned: int, planned_hours: Decimal, held: int, held_hours: Decimal,
                       cancelled: int, attendances: int, g: ByGender) -> str:
    """Workshops planned, held and cancelled, and who came."""
    if not planned:
        return "W tym okresie nie zaplanowano warsztatów."
    meetings = ("spotkanie warsztatowe", "spotkania warsztatowe", "spotkań warsztatowych")
    text = (f"Zaplanowano {fmt.count(planned, *meetings)} w wymiarze "
            f"{hours_genitive(planned_hours)}; "
            f"{verb(held, 'odbyło', 'odbyły', 'odbyło')} się {held} w wymiarze "
            f"{hours_genitive(held_hours)}")
    if cancelled:
        text += f", odwołano {cancelled}"
    text += "."
    if attendances:
        took = verb(g.total, "uczestniczyła", "uczestniczyły", "uczestniczyło")
        text += (f" Odnotowano {fmt.count(attendances, 'obecność', 'obecności', 'obecności')}; "
                 f"w warsztatach {took} {people(g.total)}, {of_which(g)}.")
    return text


def workshop_cost(rates: Sequence[RatePeriod], cost: Decimal, parts: Sequence[PricedPart]) -> str:
    """The cost of the held workshops, when a workshop rate is set."""
    return (f"Godzinna stawka prowadzącego warsztaty wynosiła {rates_phrase(rates)}, "
            f"co daje kwotę {fmt.money(cost)}{cost_breakdown(parts)}.")


def psu_sentences(places: int, g: ByGender, hours: Decimal, rates: Sequence[RatePeriod],
                  cost: Decimal, parts: Sequence[PricedPart]) -> str:
    """Places in the agreement, who worked, hours and the benefits paid."""
    text = f"Liczba miejsc w porozumieniu: {places}."
    if not hours:
        return text + " W tym okresie nie potwierdzono godzin prac społecznie użytecznych."
    did = verb(g.total, "wykonywała", "wykonywały", "wykonywało")
    text += (f" Prace {did} {people(g.total)}, {of_which(g)}, w wymiarze "
             f"{hours_genitive(hours)} (potwierdzonych).")
    if rates:
        text += (f" Godzinna stawka świadczenia wynosiła {rates_phrase(rates)}; wypłacono "
                 f"świadczenia na łączną kwotę {fmt.money(cost)}{cost_breakdown(parts)}.")
    return text


def site_line(name: str, hours: Decimal, n: int) -> str:
    """'– Biblioteka Miejska: 12 godzin, 1 osoba'."""
    return f"– {name or NO_SITE}: {fmt.hours(hours)}, {people(n)}"


SITES_HEADER = "Miejsca wykonywania prac:"


def psu_not_counted(other: dict[str, Decimal]) -> str:
    """Hours not yet confirmed or rejected: listed, not paid."""
    pieces = []
    if other.get(HourStatus.submitted):
        pieces.append(f"{fmt.number(other[HourStatus.submitted])} niepotwierdzonych")
    if other.get(HourStatus.rejected):
        pieces.append(f"{fmt.number(other[HourStatus.rejected])} odrzuconych")
    return f"Nie wliczono godzin: {', '.join(pieces)}." if pieces else ""

# --- charts ------------------------------------------------------------------------------
CHART_HOURS = "godziny"
CHART_CONSULTATIONS = "Godziny konsultacji w miesiącach"
CHART_PSU = "Godziny prac społecznie użytecznych według miejsc"
MONTHS = ("sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru")


def month_label(month: date) -> str:
    """'sty 2021'."""
    return f"{MONTHS[month.month - 1]} {month.year}"
