"""Sheet names and column headers of the report workbooks (Polish; sheet names ≤ 31 chars)."""

from __future__ import annotations

MONEY_FORMAT = '#,##0.00 "zł"'  # Excel number format of złoty amounts
PEOPLE = "Uczestnicy"
CONSULTATIONS = "Konsultacje"
RATES = "Stawki i kwoty"
MONTHS = "Miesiące"
WORKSHOPS = "Warsztaty"
PSU = "PSU"
SITES = "Miejsca PSU"

WOMEN = "kobiety"
MEN = "mężczyźni"
COST = "kwota (zł)"
MONTH = "miesiąc"
PEOPLE_HEADER = ["wskaźnik", "razem", WOMEN, MEN]
PERIOD_FROM = "okres od"
PERIOD_TO = "okres do"
REFERRED = "skierowani w okresie"
ACTIVE = "uczestniczący w okresie"
CONSULTATIONS_HEADER = ["usługa", "godziny", "konsultacje", "osoby", WOMEN, MEN, COST,
                        "nieobecności", "odwołane", "bez potwierdzenia", "godziny bez stawki"]
RATES_HEADER = ["rodzaj", "od", "do", "godziny", "stawka (zł/godz.)", COST]
WORKSHOPS_KIND = "warsztaty"
PSU_KIND = "prace społecznie użyteczne"
VALUE_HEADER = ["wskaźnik", "wartość"]
W_PLANNED = "zaplanowane spotkania"
W_PLANNED_HOURS = "godziny zaplanowane"
W_HELD = "spotkania, które się odbyły"
W_HELD_HOURS = "godziny zrealizowane"
W_CANCELLED = "spotkania odwołane"
W_CANCELLED_HOURS = "godziny odwołane"
W_ATTENDANCES = "obecności"
W_PEOPLE = "osoby obecne"
PSU_PLACES = "miejsca w porozumieniu"
PSU_PEOPLE = "osoby wykonujące prace"
PSU_HOURS = "godziny potwierdzone"
PSU_COST = "świadczenia wypłacone (zł)"
PSU_SUBMITTED = "godziny niepotwierdzone (niewliczone)"
PSU_REJECTED = "godziny odrzucone (niewliczone)"
SITES_HEADER = ["miejsce", "godziny", "osoby"]
