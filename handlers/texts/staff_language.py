"""Staff setting a participant's language: /jezykosoby on Telegram, `kisbot participants edit
--language` on the command line (staff texts: Polish only)."""

from __future__ import annotations

IN_POLISH = {"pl": "polski", "uk": "ukraiński", "en": "angielski"}
DESCRIPTION = "język uczestnika"
USAGE = ("Użycie: /jezykosoby NUMER [pl|uk|en], np. /jezykosoby 12 uk.\n"
         "Bez języka pokażę przyciski.")
STALE = "Ten przycisk jest już nieaktualny. Napisz /jezykosoby NUMER jeszcze raz."
BAD_LANGUAGE = "Język musi być pl, uk lub en."
# The command line.
PARTICIPANTS_EDIT = "Zmień dane uczestnika (na razie: język, w którym czyta wiadomości)."
LANGUAGE_OPTION = "Język uczestnika: pl, uk lub en (też ua, polski, ukraiński, angielski)."
NOTHING_TO_EDIT = "Podaj, co zmienić, np. --language uk."


def question(number: str, current: str) -> str:
    """/jezykosoby NUMER: the current language, and buttons for the others."""
    return (f"Uczestnik {number} czyta teraz: {IN_POLISH.get(current, current)}.\n"
            "W jakim języku wysyłać mu wiadomości (przypomnienia, ogłoszenia, odpowiedzi)?")


def saved(number: str, language: str, changed: bool) -> str:
    """After setting it (the same again: said so, nothing changed)."""
    name = IN_POLISH.get(language, language)
    if not changed:
        return f"Uczestnik {number} już ma język: {name}. Nic nie zmieniono."
    return f"Zapisane: uczestnik {number} dostaje teraz wiadomości w języku: {name}."
