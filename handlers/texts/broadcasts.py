"""Texts of /ogloszenie: composing, preview, scheduling, progress and the final report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from handlers.texts import fmt
from handlers.texts.i18n import _, speaking
from storage.broadcast_outbox import BroadcastTexts, Report
from storage.broadcasts import Preview
from storage.models import Workshop

DESCRIPTION = "ogłoszenie do uczestników"
MENU_LABEL = "📣 Ogłoszenie"
ASK_TEXT = ("📣 Napisz treść ogłoszenia jedną wiadomością (do 1000 znaków).\n"
            "Możesz też od razu: /ogloszenie Treść ogłoszenia")
ASK_TEXT_WORKSHOP = ("📣 Zaproszenie na warsztat: {title}, {when}.\n"
                     "Napisz treść zaproszenia jedną wiadomością. Dołączę datę, miejsce "
                     "i przyciski „Będę / Nie będę”.")
ASK_AUDIENCE = "Do kogo wysłać?"
ASK_SITE = "Które miejsce pracy?"
NO_SITES = "Nie ma jeszcze miejsc pracy PSU."
AUDIENCE_LABELS = {
    "all": "👥 Wszyscy aktywni",
    "psu": "🧹 Uczestnicy PSU",
    "site": "📍 Jedno miejsce pracy",
    "week": "📅 Z wizytą w tym tygodniu",
}
SEND_NOW = "✅ Wyślij teraz"
SCHEDULE = "🕒 Zaplanuj"
CANCEL = "✖️ Anuluj"
BACK = "↩️ Wróć"
ASK_DAY = "Którego dnia wysłać?"
ASK_HOUR = "O której godzinie ({day})?"
CANCELLED = "Ogłoszenie anulowane. Nic nie zostało wysłane."
NOBODY = "Do tej grupy nie da się nic wysłać (nikt nie ma Telegrama ani telefonu)."

# A notice in several languages (the coordinator's side, in Polish).
IN_LANGUAGE = {"pl": "po polsku", "uk": "po ukraińsku", "en": "po angielsku"}
VERSION_NAMES = {"pl": "polska", "uk": "ukraińska", "en": "angielska"}
FLAGS = {"pl": "🇵🇱", "uk": "🇺🇦", "en": "🇬🇧"}
ADD_VERSION = {"uk": "🇺🇦 Dodaj wersję po ukraińsku", "en": "🇬🇧 Dodaj wersję po angielsku"}
CHANGE_VERSION = {"uk": "🇺🇦 Zmień wersję ukraińską", "en": "🇬🇧 Zmień wersję angielską"}
ASK_VERSION = {"uk": "🇺🇦 Napisz treść po ukraińsku jedną wiadomością (do 1000 znaków).",
               "en": "🇬🇧 Napisz treść po angielsku jedną wiadomością (do 1000 znaków)."}
NEXT = "➡️ Dalej"
SKIP_VERSIONS = "➡️ Dalej bez tłumaczenia"


def versions_step(translations: dict[str, str], spoken: Sequence[str]) -> str:
    """After the Polish text: which versions there are, and whether to add another."""
    done = [f"{VERSION_NAMES[lang]} ✓" for lang in ("pl", "uk", "en")
            if lang == "pl" or translations.get(lang)]
    readers = " lub ".join(IN_LANGUAGE[lang] for lang in spoken) or IN_LANGUAGE["uk"]
    return (f"📣 Wersje ogłoszenia: {', '.join(done)}.\n"
            f"Niektórzy uczestnicy czytają {readers}. Możesz dodać wersję w ich języku: "
            "dostaną ją zamiast polskiej (razem z SMS). Pozostali dostaną polską.")


@dataclass(frozen=True)
class Version:
    """One language's version of a notice in the preview: its text, recipients, SMS size."""

    language: str
    text: str
    counts: Preview
    segments: int
    encoding: str = "GSM-7"
    cut: bool = False


def cost(sms_count: int, segments: int, price: Decimal) -> str:
    """'1,60 zł' for sms_count messages of `segments` parts each."""
    return fmt.money(price * sms_count * segments)


def preview(text: str, audience: str, counts: Preview, segments: int, price: Decimal,
            max_segments: int = 10, cut: bool = False, versions: Sequence[Version] = ()) -> str:
    """What will go, to how many, and what it costs (counts only, no names); a notice in
    several languages shows each version with its recipients, SMS parts and cost."""
    lines = ["📣 Podgląd ogłoszenia:", "", text, ""]
    others = [v for v in versions if v.language != "pl"]
    for version in others:
        lines += [f"{FLAGS.get(version.language, '')} {IN_LANGUAGE[version.language].capitalize()}:",
                  version.text, ""]
    lines += [f"Odbiorcy: {AUDIENCE_LABELS.get(audience, audience)}",
              f"• Telegram: {counts.telegram}",
              f"• SMS: {counts.sms}"]
    if others:
        lines += [_version_line(v, price, max_segments) for v in versions]
        total = sum((price * v.counts.sms * v.segments for v in versions), Decimal(0))
        if counts.sms:
            lines.append(f"  Razem za SMS: ok. {fmt.money(total)}")
    elif counts.sms:
        parts = fmt.count(segments, "część", "części", "części")
        lines.append(f"  ({parts} na SMS, koszt ok. {cost(counts.sms, segments, price)})")
        lines += _warnings(segments, max_segments, cut)
    if counts.opted_out:
        lines.append(f"• Bez wysyłki (rezygnacja z SMS): {counts.opted_out}")
    if counts.unreachable:
        lines.append(f"• Bez wysyłki (brak Telegrama i telefonu): {counts.unreachable}")
    return "\n".join(lines)


def _version_line(version: Version, price: Decimal, max_segments: int) -> str:
    """'Po ukraińsku: Telegram 2, SMS 1 – 2 części na SMS (UCS-2), koszt ok. 0,32 zł'."""
    c = version.counts
    head = f"  {IN_LANGUAGE[version.language].capitalize()}: Telegram {c.telegram}, SMS {c.sms}"
    if not c.sms:
        return head
    parts = fmt.count(version.segments, "część", "części", "części")
    line = (f"{head} – {parts} na SMS ({version.encoding}), "
            f"koszt ok. {cost(c.sms, version.segments, price)}")
    return "\n".join([line, *_warnings(version.segments, max_segments, version.cut)])


def _warnings(segments: int, max_segments: int, cut: bool) -> list[str]:
    if segments > max_segments:
        return [f"    ⚠️ Zwykle SMS ma najwyżej {max_segments} części: może warto skrócić tekst."]
    if cut:
        parts = fmt.count(segments, "część", "części", "części")
        return [f"    ⚠️ SMS zostanie ucięty do {parts}: może warto skrócić tekst."]
    return []


def scheduled(at: datetime, tz: ZoneInfo, recipients: int) -> str:
    """Confirmation of a scheduled send."""
    return (f"🕒 Zaplanowane {fmt.when(at, tz, 'na')}. Odbiorców: {recipients}.\n"
            "Do tego czasu możesz je anulować.")


def progress(report: Report, final: bool = False) -> str:
    """'Wysłano 120/300' (the one message edited while sending)."""
    head = "✅ Ogłoszenie wysłane" if final else "📤 Wysyłam ogłoszenie…"
    return f"{head}\nWysłano {report.handled}/{report.total}"


def final_report(report: Report) -> str:
    """How the broadcast went."""
    lines = ["📊 Raport z wysyłki:",
             f"• Dostarczone: {report.delivered} (Telegram {report.sent_telegram}, "
             f"SMS {report.sent_sms})"]
    if report.sms_instead:
        lines.append(f"• SMS zamiast Telegrama: {report.sms_instead}")
    lines.append(f"• Zablokowali bota (bez SMS): {report.blocked}")
    lines.append(f"• Rezygnacja z SMS: {report.opted_out}")
    lines.append(f"• Nieudane: {report.failed}")
    if report.unreachable:
        lines.append(f"• Brak kontaktu: {report.unreachable}")
    return "\n".join(lines)


def workshop_line(workshop: Workshop, tz: ZoneInfo) -> str:
    """'📅 wtorek, 15 grudnia, godz. 10:00 · 📍 Sala 2'."""
    return f"📅 {fmt.when(workshop.starts_at, tz)}\n📍 {workshop.place}"


def invitation(text: str, workshop: Workshop, tz: ZoneInfo) -> str:
    """The Telegram invitation: the coordinator's text, the date and place."""
    return f"{text}\n\n{workshop_line(workshop, tz)}"


def invitation_sms(text: str, workshop: Workshop, tz: ZoneInfo) -> str:
    """The SMS invitation: as on Telegram, plus how to answer (in the recipient's language)."""
    local = workshop.starts_at.astimezone(tz)
    return _("{text}\n{day} godz. {time}, {place}.\nOdpisz TAK lub NIE.", text=text,
             day=f"{local:%d.%m}", time=f"{local:%H:%M}", place=workshop.place)


def rsvp_buttons(workshop_id: int) -> list[list[tuple[str, str]]]:
    """Będę / Nie będę (in the recipient's language)."""
    return [[(_("✅ Będę"), f"ws:yes:{workshop_id}"), (_("❌ Nie będę"), f"ws:no:{workshop_id}")]]


def message(text: str, workshop: Workshop | None, tz: ZoneInfo) -> BroadcastTexts:
    """What each recipient gets: a notice as it is; an invitation with details and buttons
    (its frame in the current language)."""
    if workshop is None:
        return BroadcastTexts(text)
    return BroadcastTexts(invitation(text, workshop, tz), invitation_sms(text, workshop, tz),
                          rsvp_buttons(workshop.id))  # type: ignore[arg-type]


def messages(text: str, translations: dict[str, str], workshop: Workshop | None,
             tz: ZoneInfo) -> dict[str, BroadcastTexts]:
    """The message per language: Polish, and each language the coordinator translated it
    into (its frame in that language too); anyone else gets the Polish one."""
    out = {"pl": _in("pl", text, workshop, tz)}
    for language, translation in sorted(translations.items()):
        if language != "pl" and translation:
            out[language] = _in(language, translation, workshop, tz)
    return out


def _in(language: str, text: str, workshop: Workshop | None, tz: ZoneInfo) -> BroadcastTexts:
    with speaking(language):
        return message(text, workshop, tz)
