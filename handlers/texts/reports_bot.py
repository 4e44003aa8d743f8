"""Telegram texts of /raport (staff only)."""

from __future__ import annotations

DESCRIPTION = "raport za okres: /raport OD DO"
MENU_LABEL = "📊 Raport"
CHOOSE = ("Za jaki okres przygotować raport? Wybierz poniżej albo napisz daty, "
          "np. /raport 2026-01-01 2026-06-30.")
USAGE = ("Użycie: /raport OD DO, np. /raport 2026-01-01 2026-06-30 "
         "(daty RRRR-MM-DD lub DD.MM.RRRR, okres najwyżej 3 lata).")
STALE = "Ten przycisk jest już nieaktualny."
CAPTIONS = {"konsultacje_miesiecznie.png": "Godziny konsultacji w miesiącach",
            "psu_miejsca.png": "Godziny prac społecznie użytecznych według miejsc"}
ROMAN = {1: "I", 2: "II"}


def half_label(half: int, year: int) -> str:
    """'I półrocze 2026'."""
    return f"{ROMAN[half]} półrocze {year}"


def annual_label(year: int) -> str:
    """'Sprawozdanie roczne 2025'."""
    return f"Sprawozdanie roczne {year}"
