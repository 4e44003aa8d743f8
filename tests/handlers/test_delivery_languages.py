"""What the club sends later reaches each person in their language (issue 18): reminders on
Telegram and by SMS (Cyrillic, UCS-2 segments counted), the Friday nudge, and notices with a
translation per language (each recipient their version, or Polish)."""

from __future__ import annotations

from sqlmodel import col, select

from bot.delivery.sender import deliver_due
from handlers.sms.text import count_segments
from storage.models import AuditLog, Broadcast, OutboxMessage, Participant, SignupStatus, WorkshopSignup
from tests.auxil.factories import at
from tests.auxil.harness import LIBRARY, Harness
from tests.handlers.telegram.test_broadcast import FakeSms

UK_TEXT = "Майстерня повертається! Запрошуємо в п'ятницю."
PL_TEXT = "Warsztaty wracają! Zapraszamy w piątek."


def sent_rows(bot: Harness, prefix: str) -> list[OutboxMessage]:
    with bot.db.session() as s:
        return list(s.exec(select(OutboxMessage).where(
            col(OutboxMessage.dedupe_key).startswith(prefix)).order_by(col(OutboxMessage.id))))


async def test_a_ukrainian_participant_gets_reminders_in_ukrainian_on_telegram(bot: Harness) -> None:
    member = bot.staff("Monika", "psychologist", telegram_user_id=5001)
    olena = bot.make.participant("12", "Olena", telegram_user_id=1001, phone="+48601000001",
                                 language="uk")
    anna = bot.make.participant("13", "Anna", telegram_user_id=1002, phone="+48601000002")
    first, second, *_ = bot.make.slots(member, "08.12", "10:00-12:00")
    bot.make.booking(olena, first)
    bot.make.booking(anna, second)
    await bot.tick(at(2026, 12, 7, 11, 0))  # a day before both
    [uk] = bot.api.chat(1001)
    assert uk.text.startswith("⏰ Нагадування:") and "запланована розмова" in uk.text
    assert "Змінити або скасувати: /moje" in uk.text
    assert "Przypomnienie" not in uk.text and "psycholog" not in uk.text.lower()
    [pl] = bot.api.chat(1002)
    assert pl.text.startswith("⏰ Przypomnienie:") and "umówiona rozmowa" in pl.text
    # The prompt to the psychologist stays Polish.
    await bot.tick(at(2026, 12, 8, 11, 0))
    assert any("Czy się odbyła?" in m.text for m in bot.api.chat(5001))
    # The SMS form kept for the fallback is Ukrainian too.
    [row, *_] = sent_rows(bot, "reminder:")
    assert row.payload["sms_text"].startswith("Нагадування:")  # type: ignore[index]


async def test_a_ukrainian_sms_reminder_goes_in_cyrillic_as_ucs2(bot: Harness) -> None:
    member = bot.staff("Monika", "psychologist", telegram_user_id=5001)
    olena = bot.make.participant("12", "Olena", phone="+48601000001", language="uk")
    [slot, *_] = bot.make.slots(member, "08.12", "10:00-11:00")
    bot.make.booking(olena, slot)
    sms = FakeSms()
    bot.live.app.bot_data["sms_gateway"] = sms
    await bot.tick(at(2026, 12, 7, 10, 0))
    await deliver_due(bot.live.app)
    [message] = sms.sent
    assert message.to == "+48601000001"
    assert message.text.startswith("Нагадування:") and "телефонна розмова" in message.text
    assert "МОЇ" in message.text  # the Ukrainian keyword, which the SMS parser accepts
    counted = count_segments(message.text)
    assert counted.encoding == "UCS-2"
    assert counted.units == len(message.text)  # Cyrillic and Latin: one UTF-16 unit each
    assert counted.segments == (1 if counted.units <= 70 else -(-counted.units // 67))
    assert counted.segments == 2  # about 95 characters: two parts in UCS-2 (one in GSM-7)
    [row] = sent_rows(bot, "reminder:")
    assert row.channel == "sms" and row.segments == counted.segments


async def test_a_blocked_ukrainian_gets_the_ukrainian_sms_instead(bot: Harness) -> None:
    member = bot.staff("Monika", "psychologist", telegram_user_id=5001)
    olena = bot.make.participant("12", "Olena", telegram_user_id=1001, phone="+48601000001",
                                 language="uk")
    [slot, *_] = bot.make.slots(member, "08.12", "10:00-11:00")
    bot.make.booking(olena, slot)
    sms = FakeSms()
    bot.live.app.bot_data["sms_gateway"] = sms
    bot.api.block(1001)
    await bot.tick(at(2026, 12, 7, 10, 0))
    await deliver_due(bot.live.app)
    await deliver_due(bot.live.app)
    [message] = sms.sent
    assert message.text.startswith("Нагадування:")
    assert count_segments(message.text).encoding == "UCS-2"


async def test_the_friday_nudge_in_the_persons_language(bot: Harness) -> None:
    bot.make.participant("20", "Olena", phone="+48601000222", work_site=LIBRARY, language="uk")
    bot.make.participant("21", "John", telegram_user_id=1001, work_site=LIBRARY, language="en")
    bot.make.participant("22", "Anna", telegram_user_id=1002, work_site=LIBRARY)
    await bot.tick(at(2026, 12, 11, 12, 0))  # Friday noon
    nudges = {m.participant_id: m for m in sent_rows(bot, "nudge:")}
    with bot.db.session() as s:
        ids = {p.number: p.id for p in s.exec(select(Participant))}
    olena, john, anna = nudges[ids["20"]], nudges[ids["21"]], nudges[ids["22"]]
    assert olena.channel == "sms" and olena.text.startswith("Добрий день!")
    assert "ГОДИНИ 4" in olena.text and count_segments(olena.text).segments <= 2
    assert john.text.startswith("Hello!") and "/godziny 4" in john.text
    assert john.payload["sms_text"].startswith("Hello!") and "HOURS 4" in john.payload["sms_text"]  # type: ignore[index]
    assert anna.text.startswith("Dzień dobry!")


def club(bot: Harness) -> FakeSms:
    """A coordinator; on Telegram a Ukrainian, a Polish and an English reader; a Ukrainian
    with SMS only."""
    bot.staff("Koordynatorka", "coordinator", telegram_user_id=5001)
    bot.make.participant("1", "Olena", telegram_user_id=1001, phone="+48601000001", language="uk")
    bot.make.participant("2", "Anna", telegram_user_id=1002, phone="+48601000002")
    bot.make.participant("3", "John", telegram_user_id=1003, phone="+48601000003", language="en")
    bot.make.participant("4", "Taras", phone="+48601000004", gender="M", language="uk")
    sms = FakeSms()
    bot.live.app.bot_data["sms_gateway"] = sms
    for uid, name in ((1001, "Olena"), (1002, "Anna"), (1003, "John")):
        bot.user(uid, name)
    return sms


async def test_a_notice_with_a_ukrainian_version_reaches_each_in_their_language(bot: Harness) -> None:
    sms = club(bot)
    coord = bot.user(5001, "Koordynatorka")
    await coord.send("/ogloszenie")
    await coord.send(PL_TEXT)
    assert "Wersje ogłoszenia: polska ✓." in coord.last_text
    assert "po ukraińsku lub po angielsku" in coord.last_text
    assert coord.buttons() == ["🇺🇦 Dodaj wersję po ukraińsku", "🇬🇧 Dodaj wersję po angielsku",
                               "➡️ Dalej bez tłumaczenia", "✖️ Anuluj"]
    await coord.press("🇺🇦 Dodaj wersję po ukraińsku")
    assert coord.last_text.startswith("🇺🇦 Napisz treść po ukraińsku")
    await coord.send(UK_TEXT)
    assert "Wersje ogłoszenia: polska ✓, ukraińska ✓." in coord.last_text
    assert "🇺🇦 Zmień wersję ukraińską" in coord.buttons()
    await coord.press("🇺🇦 Zmień wersję ukraińską")  # a typo: written again, replaced
    await coord.send("Майстерня повертається!")
    await coord.press("🇺🇦 Zmień wersję ukraińską")
    await coord.send(UK_TEXT)
    await coord.press("➡️ Dalej")
    assert coord.last_text == "Do kogo wysłać?"
    await coord.press("Wszyscy aktywni")
    preview = coord.last_text
    assert PL_TEXT in preview and UK_TEXT in preview
    assert "• Telegram: 3" in preview and "• SMS: 1" in preview
    assert "Po polsku: Telegram 2, SMS 0" in preview
    uk_sms = count_segments(UK_TEXT)
    assert uk_sms.encoding == "UCS-2"
    assert (f"Po ukraińsku: Telegram 1, SMS 1 – {uk_sms.segments} "
            f"{'część' if uk_sms.segments == 1 else 'części'} na SMS (UCS-2)") in preview
    for name in ("Olena", "Anna", "John", "Taras"):
        assert name not in preview
    await coord.press("Wyślij teraz")
    await deliver_due(bot.live.app)
    assert bot.user(1001).last_text == UK_TEXT
    assert bot.user(1002).last_text == PL_TEXT
    assert bot.user(1003).last_text == PL_TEXT  # no English version: the Polish one
    [taras] = sms.sent
    assert taras.to == "+48601000004" and taras.text == UK_TEXT  # Cyrillic kept, not stripped
    with bot.db.session() as s:
        notice = s.exec(select(Broadcast)).one()
        assert notice.translations == {"uk": UK_TEXT} and notice.pending_language is None
        actions = [a.action for a in s.exec(select(AuditLog).order_by(col(AuditLog.id)))]
        assert "broadcast_translation" in actions and "broadcast_confirm" in actions
    [taras_row] = [m for m in sent_rows(bot, "broadcast:") if m.channel == "sms"]
    assert taras_row.segments == uk_sms.segments


async def test_versions_step_repeated_and_back_presses_are_harmless(bot: Harness) -> None:
    club(bot)
    coord = bot.user(5001, "Koordynatorka")
    await coord.send("/ogloszenie")
    await coord.send(PL_TEXT)
    with bot.db.session() as s:
        draft_id = s.exec(select(Broadcast.id)).one()
    await coord.press("🇬🇧 Dodaj wersję po angielsku")
    await coord.press_data(f"bc:tr:{draft_id}:en")  # a double tap: the same question
    assert coord.last_text.startswith("🇬🇧 Napisz treść po angielsku")
    await coord.press_data(f"bc:tr:{draft_id}:de")  # forged: a language we do not have
    await coord.press("↩️ Wróć")  # changed their mind: no translation awaited
    assert "Wersje ogłoszenia: polska ✓." in coord.last_text
    await coord.send("/pomoc")  # a plain message now would be no translation
    with bot.db.session() as s:
        draft = s.exec(select(Broadcast)).one()
        assert draft.pending_language is None and not draft.translations
    await coord.send("/ogloszenie")
    await coord.send(PL_TEXT)
    await coord.press("➡️ Dalej bez tłumaczenia")
    await coord.press("Wszyscy aktywni")
    assert "Po ukraińsku" not in coord.last_text  # one version: the plain preview
    assert "• Telegram: 3" in coord.last_text
    await coord.press("Wyślij teraz")
    await deliver_due(bot.live.app)
    assert bot.user(1001).last_text == PL_TEXT  # no Ukrainian version: Polish


async def test_no_versions_step_when_everybody_reads_polish(bot: Harness) -> None:
    bot.staff("Koordynatorka", "coordinator", telegram_user_id=5001)
    bot.make.participant("2", "Anna", telegram_user_id=1002, phone="+48601000002")
    coord = bot.user(5001, "Koordynatorka")
    await coord.send("/ogloszenie")
    await coord.send(PL_TEXT)
    assert coord.last_text == "Do kogo wysłać?"


async def test_an_invitation_with_a_ukrainian_version_has_its_frame_in_ukrainian(
        bot: Harness) -> None:
    sms = club(bot)
    coord = bot.user(5001, "Koordynatorka")
    await coord.send('/warsztat 9.12 10:00 "Sala 2" 10 3 Gotowanie')
    await coord.send("/warsztaty")
    await coord.press("📣 Zaproś 1")
    await coord.send("Wracają warsztaty kulinarne!")
    await coord.press("🇺🇦 Dodaj wersję po ukraińsku")
    await coord.send("Кулінарні майстерні повертаються!")
    await coord.press("➡️ Dalej")
    await coord.press("Wszyscy aktywni")
    await coord.press("Wyślij teraz")
    await deliver_due(bot.live.app)
    olena, anna, john = bot.user(1001), bot.user(1002), bot.user(1003)
    assert olena.last_text.startswith("Кулінарні майстерні повертаються!\n\n📅 середа, 9 грудня")
    assert olena.buttons() == ["✅ Буду", "❌ Не буду"]
    assert anna.last_text.startswith("Wracają warsztaty kulinarne!\n\n📅 środa, 9 grudnia")
    assert anna.buttons() == ["✅ Będę", "❌ Nie będę"]
    assert john.buttons() == ["✅ Będę", "❌ Nie będę"]  # no English version: all Polish
    [taras] = sms.sent
    assert taras.text == ("Кулінарні майстерні повертаються!\n09.12 о 10:00, Sala 2.\n"
                          "Відпишіть ТАК або НІ.")
    await olena.press("✅ Буду")  # the Ukrainian button answers like the Polish one
    with bot.db.session() as s:
        olena_id = s.exec(select(Participant.id).where(Participant.number == "1")).one()
        going = s.exec(select(WorkshopSignup).where(WorkshopSignup.participant_id == olena_id)).one()
    assert going.status == SignupStatus.going


async def test_the_segment_limit_holds_for_each_version(bot: Harness) -> None:
    sms = club(bot)
    long_uk = "Дуже довге оголошення про зміни в розкладі на наступний тиждень. " * 4  # ~260
    coord = bot.user(5001, "Koordynatorka")
    await coord.send("/ogloszenie")
    await coord.send(PL_TEXT)
    await coord.press("🇺🇦 Dodaj wersję po ukraińsku")
    await coord.send(long_uk)
    await coord.press("➡️ Dalej")
    await coord.press("Wszyscy aktywni")
    preview = coord.last_text
    assert "Po ukraińsku: Telegram 1, SMS 1 – 2 części na SMS (UCS-2)" in preview
    assert "⚠️ SMS zostanie ucięty do 2 części" in preview
    assert preview.count("⚠️") == 1  # the Polish version fits
    await coord.press("Wyślij teraz")
    await deliver_due(bot.live.app)
    [taras] = sms.sent
    counted = count_segments(taras.text)
    assert counted.encoding == "UCS-2" and counted.segments == 2 and taras.text.endswith("...")
    assert bot.user(1001).last_text == long_uk.strip()  # Telegram carries all of it
