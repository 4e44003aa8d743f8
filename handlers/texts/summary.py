"""Staff texts for PSU hours: the daily summary, confirmation, the monthly settlement."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date

from handlers.texts import fmt
from storage.hours_summary import DailySummary, Line
from storage.models import HourStatus
from storage.settlement import Settlement

SUMMARY_DESCRIPTION = "podsumowanie godzin PSU za dzień"
SUMMARY_MENU = "📊 Podsumowanie"
SETTLEMENT_DESCRIPTION = "rozliczenie miesiąca PSU (XLSX)"
SETTLEMENT_MENU = "💰 Rozliczenie"
ENTRY_DESCRIPTION = "dodaj lub popraw godziny uczestnika"
REJECT_DESCRIPTION = "odrzuć wpis godzin z powodem"
SUMMARY_USAGE = "/podsumowanie albo /podsumowanie 07.12.2026"
SETTLEMENT_USAGE = "/rozliczenie albo /rozliczenie 2021-06"
ENTRY_USAGE = "/wpis NUMER GODZINY [DATA] [powód], np. /wpis 12 4 03.12 lista obecności"
REJECT_USAGE = "/odrzuc NR_WPISU powód, np. /odrzuc 57 nieobecność"
CONFIRM_ALL = "✅ Potwierdź wszystkie ({n})"
CONFIRMED = "Potwierdzono: {n}."
NOTHING_TO_CONFIRM = "Nie ma nic do potwierdzenia."
REJECT_HINT = "Aby odrzucić wpis nr {id}, napisz: /odrzuc {id} powód"
STATUS = {HourStatus.submitted: "do potwierdzenia", HourStatus.confirmed: "potwierdzone"}


def month_name(month: date) -> str:
    """'czerwiec 2021'."""
    return format_date(month, "LLLL yyyy", locale=fmt.PL)


def line(item: Line, with_date: bool = False) -> str:
    """'12 Anna Kowalska – 4 godziny (do potwierdzenia)'."""
    when = f"{fmt.short_day(item.work_date)}: " if with_date else ""
    state = " ✅" if item.status == HourStatus.confirmed else ""
    return f"{when}{item.number} {item.name} – {fmt.hours(item.hours)}{state} [nr {item.entry_id}]"


def summary_text(summary: DailySummary) -> str:
    """The daily summary as plain text (Telegram, CLI, the 16:00 job)."""
    out = [f"Podsumowanie godzin PSU – {fmt.day(summary.day)}", ""]
    if summary.sites:
        for site in summary.sites:
            out.append(f"📍 {site.site or 'bez miejsca'} ({fmt.hours(site.hours)}):")
            out.extend(f"  • {line(item)}" for item in site.lines)
    else:
        out.append("Tego dnia nikt nie wpisał godzin.")
    if summary.idle:
        out += ["", f"Bez godzin w tym tygodniu ({fmt.count(len(summary.idle), 'osoba', 'osoby', 'osób')}):"]
        out.extend(f"  • {number} {name}" for number, name in summary.idle)
    if summary.near:
        out += ["", "Blisko limitu:"]
        out.extend(f"  • {n.number} {n.name}: tydzień {fmt.hours(n.used.week)} "
                   f"(zostało {fmt.number(n.left.week)}), miesiąc {fmt.hours(n.used.month)} "
                   f"(zostało {fmt.number(n.left.month)})" for n in summary.near)
    out.append("")
    if summary.pending_count:
        noun = fmt.plural(summary.pending_count, "wpis", "wpisy", "wpisów")
        out.append(f"Do potwierdzenia: {summary.pending_count} {noun}.")
    else:
        out.append(NOTHING_TO_CONFIRM)
    return "\n".join(out)


def pending_button(item: Line) -> str:
    """'✅ 04.12 12 Anna K. 4 h'."""
    return f"✅ {item.work_date:%d.%m} {item.number} {item.name[:18]} {fmt.number(item.hours)} h"


def settlement_text(s: Settlement) -> str:
    """The settlement's short text (the XLSX has the details)."""
    out = [f"Rozliczenie PSU – {month_name(s.month)}",
           f"Osoby: {s.people} (miejsca w porozumieniu: {s.places})",
           f"Godziny potwierdzone: {fmt.hours(s.total_hours)}",
           f"Kwota razem: {fmt.money(s.total_amount)}"]
    if s.rates:
        out.append("Stawki: " + ", ".join(
            f"{fmt.money(r.amount)}/godz. od {r.since:%d.%m}" for r in s.rates))
    if s.unpriced:
        out.append("⚠️ Część godzin przypada na dni bez stawki (kisbot rates set psu …).")
    if s.unconfirmed_hours:
        out.append(f"⚠️ Niepotwierdzone (niewliczone): {fmt.hours(s.unconfirmed_hours)}.")
    return "\n".join(out)


def settlement_filename(month: date) -> str:
    """'rozliczenie_psu_2021-06.xlsx'."""
    return f"rozliczenie_psu_{month:%Y-%m}.xlsx"


# --- the workbook ------------------------------------------------------------------------------
SHEET = "Rozliczenie PSU"
TITLE = "Rozliczenie świadczeń za prace społecznie użyteczne"
PERIOD = "Okres: {first} – {last}"
HEADER = ["Lp.", "Nr", "Nazwisko i imię", "Miejsce wykonywania prac", "Godziny potwierdzone",
          "Stawka (zł/godz.)", "Kwota (zł)"]
TOTAL = "Razem"
PEOPLE = "Liczba osób: {people} (miejsc w porozumieniu: {places})"
NO_RATE = "brak stawki"


def rate_cell(rates: list[Decimal | None]) -> str | Decimal:
    """A single rate as a number; several as text '8,70 / 9,00'."""
    if len(rates) == 1 and rates[0] is not None:
        return rates[0]
    return " / ".join(NO_RATE if r is None else f"{r:.2f}".replace(".", ",") for r in rates)


def entry_saved(number: str, day: date, hours: Decimal, previous: Decimal | None) -> str:
    """After /wpis."""
    was = f" (było {fmt.hours(previous)})" if previous is not None else ""
    return (f"Zapisano i potwierdzono: uczestnik {number}, {fmt.day(day)} – "
            f"{fmt.hours(hours)}{was}.")


def rejected(entry_id: int, day: date, hours: Decimal) -> str:
    """After /odrzuc."""
    return f"Odrzucono wpis nr {entry_id}: {fmt.day(day)} – {fmt.hours(hours)}."
