"""SMS length and cost: GSM-7 vs UCS-2 segments, Polish transliteration, fitting (pure)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENDED = set("^{}\\[~]|€\f")
_BY_HAND = {"ł": "l", "Ł": "L", "–": "-", "—": "-", "„": '"', "”": '"', "“": '"', "’": "'",
            "‘": "'", "…": "...", "\u00a0": " ", "✅": "", "❌": "", "⏰": ""}


@dataclass(frozen=True)
class SegmentInfo:
    """How an SMS text is sent: encoding, length in its units, number of segments."""

    encoding: str
    units: int
    segments: int


def is_gsm7(text: str) -> bool:
    """Whether every character is in the GSM 03.38 alphabet (with its extension table)."""
    return all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text)


def count_segments(text: str) -> SegmentInfo:
    """GSM-7: 160 in one SMS, 153 per part; UCS-2: 70, 67 (UTF-16 code units)."""
    if is_gsm7(text):
        units = sum(2 if c in GSM7_EXTENDED else 1 for c in text)
        single, part, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part, encoding = 70, 67, "UCS-2"
    segments = 1 if units <= single else -(-units // part)
    return SegmentInfo(encoding, units, segments)


def transliterate_pl(text: str) -> str:
    """'Zażółć gęślą jaźń' → 'Zazolc gesla jazn'; Cyrillic kept (UCS-2), other non-GSM
    characters simplified."""
    out = []
    for char in text:
        if char in GSM7_BASIC or char in GSM7_EXTENDED:
            out.append(char)
        elif char in _BY_HAND:
            out.append(_BY_HAND[char])
        elif unicodedata.name(char, "").startswith("CYRILLIC"):
            out.append(char)  # Ukrainian has no Latin form people read: sent as UCS-2
        else:
            plain = "".join(c for c in unicodedata.normalize("NFKD", char)
                            if not unicodedata.combining(c))
            out.append(plain if plain and is_gsm7(plain) else "")
    return "".join(out)


def fit_sms(text: str, *, max_segments: int = 2, transliterate: bool = True) -> str:
    """The text as it will be sent: transliterated if asked, cut at a word to fit."""
    if transliterate:
        text = transliterate_pl(text)
    if count_segments(text).segments <= max_segments:
        return text
    words = text.split(" ")
    while words and count_segments(" ".join(words) + "...").segments > max_segments:
        words.pop()
    cut = " ".join(words)
    if cut:
        return cut + "..."
    # One long word: cut by characters (UCS-2 parts hold fewer, so measure, do not guess).
    end = len(text)
    while end and count_segments(text[:end]).segments > max_segments:
        end -= 1
    return text[:end]


@dataclass(frozen=True)
class PreparedSms:
    """An SMS as it will be sent, its segments, and whether it had to be cut."""

    text: str
    segments: int
    cut: bool


def prepare_sms(text: str, *, max_segments: int, transliterate: bool) -> PreparedSms:
    """The one SMS preparation (sender and preview): transliterate, fit, count segments."""
    plain = transliterate_pl(text) if transliterate else text
    fitted = fit_sms(text, max_segments=max_segments, transliterate=transliterate)
    return PreparedSms(fitted, count_segments(fitted).segments, fitted != plain)
