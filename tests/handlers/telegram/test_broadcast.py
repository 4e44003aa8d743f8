"""/ogloszenie end to end: compose → preview → send → report, schedule, cancel, blocked → SMS."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from sqlmodel import select

from bot.broadcasts.runner import GATEWAY, broadcast_tick, tasks
from bot.broadcasts.smsport import OutgoingSms, SendResult, segments
from handlers.texts.common import NOT_ALLOWED
from storage.models import Broadcast, Delivery, Participant
from tests.auxil.harness import Harness

TEXT = "Warsztaty wracają! Zapraszamy w piątek."


class FakeSms:
    """Records SMS instead of sending them."""

    def __init__(self) -> None:
        self.sent: list[OutgoingSms] = []

    async def send(self, message: OutgoingSms) -> SendResult:
        """Record and accept."""
        self.sent.append(message)
        return SendResult(provider_id=f"fake-{len(self.sent)}", segments=segments(message.text))


def setup(bot: Harness) -> FakeSms:
    """A coordinator, two Telegram participants, one SMS-only, one opted out, one who left."""
    bot.staff("Koordynatorka", "coordinator", telegram_user_id=5001)
    bot.participant("1", "Anna", telegram_user_id=1001, phone="+48601000001")
    bot.participant("2", "Basia", telegram_user_id=1002, phone="+48601000002")
    bot.participant("3", "Cezary", phone="+48601000003", gender="M")
    dorota = bot.participant("4", "Dorota", phone="+48601000004")
    ewa = bot.participant("5", "Ewa", telegram_user_id=1005, phone="+48601000005")
    with bot.db.session() as s:
        s.get(Participant, dorota.id).sms_opt_out = True  # type: ignore[union-attr]
        s.get(Participant, ewa.id).left_on = date(2026, 11, 30)  # type: ignore[union-attr]
    sms = FakeSms()
    bot.live.app.bot_data[GATEWAY] = sms
    for uid, name in ((1001, "Anna"), (1002, "Basia"), (1005, "Ewa")):
        bot.user(uid, name)
    return sms


async def finished(bot: Harness) -> None:
    """Wait for every broadcast being sent in the bot."""
    await asyncio.wait_for(asyncio.gather(*tasks(bot.live.app).values()), 20)


async def compose(bot: Harness, audience: str = "Wszyscy aktywni") -> None:
    coord = bot.user(5001, "Koordynatorka")
    await coord.send("/ogloszenie")
    assert "Napisz treść ogłoszenia" in coord.last_text
    await coord.send(TEXT)
    assert coord.last_text == "Do kogo wysłać?"
    await coord.press(audience)


async def test_compose_preview_send_report(bot: Harness) -> None:
    sms = setup(bot)
    coord = bot.user(5001)
    await compose(bot)
    preview = coord.last_text
    assert TEXT in preview
    assert "• Telegram: 2" in preview and "• SMS: 1" in preview
    assert "1 część na SMS, koszt ok. 0,16\xa0zł" in preview
    assert "rezygnacja z SMS): 1" in preview
    for name in ("Anna", "Basia", "Cezary", "Dorota", "Ewa"):
        assert name not in preview
    await coord.press("Wyślij teraz")
    await finished(bot)
    anna, basia, ewa = bot.user(1001), bot.user(1002), bot.user(1005)
    assert anna.last_text == TEXT and basia.last_text == TEXT
    assert anna.last_message.buttons == []  # nothing about the other recipients
    assert ewa.messages == []  # left the club
    assert [m.to for m in sms.sent] == ["+48601000003"]
    assert "Warsztaty wracaja!" in sms.sent[0].text  # transliterated for SMS
    assert any(t.startswith("✅ Ogłoszenie wysłane\nWysłano 4/4") for t in coord.texts)
    report = coord.last_text
    assert "Dostarczone: 3 (Telegram 2, SMS 1)" in report
    assert "Rezygnacja z SMS: 1" in report and "Nieudane: 0" in report
    with bot.db.session() as s:
        assert s.exec(select(Broadcast)).one().status == "done"


async def test_scheduled_send_starts_on_the_tick(bot: Harness) -> None:
    setup(bot)
    coord = bot.user(5001)
    await compose(bot, "Uczestnicy PSU")  # nobody in PSU: the preview says so
    assert "nie da się nic wysłać" in coord.last_text
    await coord.press("Wszyscy aktywni")
    await coord.press("Zaplanuj")
    assert coord.last_text == "Którego dnia wysłać?"
    await coord.press("pon. 07.12")
    assert "10:00" in coord.buttons() and "09:00" not in coord.buttons()
    await coord.press("12:00")
    assert coord.last_text.startswith("🕒 Zaplanowane na poniedziałek, 7 grudnia, godz. 12:00")
    assert "Odbiorców: 4" in coord.last_text
    bot.clock.advance(timedelta(hours=2, minutes=59))  # 11:59
    assert await broadcast_tick(bot.live.app, bot.clock.now()) == []
    assert bot.user(1001).messages == []
    bot.clock.advance(timedelta(minutes=1))
    assert len(await broadcast_tick(bot.live.app, bot.clock.now())) == 1
    await finished(bot)
    assert bot.user(1001).last_text == TEXT
    assert "Dostarczone: 3" in coord.last_text


async def test_cancel_a_scheduled_broadcast_and_a_draft(bot: Harness) -> None:
    sms = setup(bot)
    coord = bot.user(5001)
    await compose(bot)
    await coord.press("Zaplanuj")
    await coord.press("wt. 08.12")
    await coord.press("08:00")
    await coord.press("Anuluj")
    assert coord.last_text == "Ogłoszenie anulowane. Nic nie zostało wysłane."
    bot.clock.advance(timedelta(days=2))
    assert await broadcast_tick(bot.live.app, bot.clock.now()) == []
    assert bot.user(1001).messages == [] and sms.sent == []
    with bot.db.session() as s:
        assert {d.status for d in s.exec(select(Delivery))} <= {"cancelled", "opted_out"}
    await coord.send("/ogloszenie")
    await coord.press("Anuluj")
    assert "anulowane" in coord.last_text
    await coord.send("zwykły tekst")  # no open draft any more: the usual fallback
    assert "Nie rozumiem" in coord.last_text
    await coord.press_data("bc:now:1", message=coord.last_message)  # a cancelled one
    assert "już wysłane, zaplanowane albo anulowane" in coord.last_answer["text"]


async def test_blocked_user_gets_sms_and_is_marked(bot: Harness) -> None:
    sms = setup(bot)
    bot.participant("6", "Franek", telegram_user_id=1006, phone=None, gender="M")
    bot.api.block(1002)
    bot.api.block(1006)
    coord = bot.user(5001)
    await compose(bot)
    await coord.press("Wyślij teraz")
    await finished(bot)
    assert sorted(m.to for m in sms.sent) == ["+48601000002", "+48601000003"]
    report = coord.last_text
    assert "Dostarczone: 3 (Telegram 1, SMS 2)" in report
    assert "SMS zamiast Telegrama: 1" in report
    assert "Zablokowali bota (bez SMS): 1" in report
    with bot.db.session() as s:
        blocked = {p.number for p in s.exec(select(Participant).where(Participant.blocked_bot))}
    assert blocked == {"2", "6"}


async def test_forged_buttons_and_participants_refused(bot: Harness) -> None:
    setup(bot)
    coord = bot.user(5001)
    await coord.send("/ogloszenie Krótko")
    assert coord.last_text == "Do kogo wysłać?"
    for data in ("bc:aud:x:all", "bc:aud:1:nobody", "bc:at:1:209901011200", "bc:day:1:19990101",
                 "bc:aud:999:all", "bc:now", "bc:aud:1:site:999"):
        await coord.press_data(data, message=coord.last_message)
        assert coord.last_answer is not None and coord.last_answer.get("show_alert")
    anna = bot.user(1001)
    await anna.send("/ogloszenie")
    assert anna.last_text == NOT_ALLOWED
    with bot.db.session() as s:
        assert s.exec(select(Broadcast)).one().status == "draft"
