"""Choosing the language a participant reads (the name of each language in that language).

The tables here hold a sentence per language code (pl, uk, en): the person who cannot read
Polish must recognise their own language and read the answer to their choice. (The /jezyk
command's description is a catalog message, with the others in handlers/texts/common.py.)
"""

from __future__ import annotations

LANGUAGE_NAMES = {"pl": "🇵🇱 Polski", "uk": "🇺🇦 Українська", "en": "🇬🇧 English"}
# The question, asked in all three at once (the person may read none of the others).
CHOOSE_ALL = {"pl": "Wybierz język.", "uk": "Оберіть мову.", "en": "Choose a language."}
CURRENT = {"pl": "Teraz: polski.", "uk": "Зараз: українська.", "en": "Now: English."}
SET = {"pl": "Zapisane: język polski.", "uk": "Збережено: українська.", "en": "Saved: English."}
# Offered once, right after joining, when the person's Telegram speaks Ukrainian or English.
OFFER = {
    "uk": "Бажаєте отримувати повідомлення українською?",
    "en": "Would you like messages in English?",
}
KEEP_POLISH = {"uk": "Ні, польською", "en": "No, Polish"}
# SMS without a language after the keyword: how to choose (short; Cyrillic costs UCS-2).
SMS_USAGE = {"pl": "Odpisz: JEZYK PL, JEZYK UK lub JEZYK EN.",
             "uk": "Українська: МОВА UK.", "en": "English: LANGUAGE EN."}


def choose(current: str) -> str:
    """/jezyk: the question in every language and the person's present language."""
    lines = [f"{CHOOSE_ALL[code]}" for code in LANGUAGE_NAMES]
    return "\n".join(lines) + "\n" + CURRENT[current]


def chosen(language: str) -> str:
    """The answer to a choice, in the chosen language."""
    return SET[language]


def offer(language: str) -> str:
    """The one-time offer after joining, in the language of the person's Telegram."""
    return OFFER[language]


def keep_polish(language: str) -> str:
    """The offer's button that keeps Polish, labelled in the offered language."""
    return KEEP_POLISH[language]


def sms_usage() -> str:
    """JEZYK without a language: the three ways to choose, one line each."""
    return "\n".join(SMS_USAGE.values())
