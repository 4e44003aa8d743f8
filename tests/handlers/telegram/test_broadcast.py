"""/ogloszenie end to end: compose → preview → send → report, schedule, cancel, blocked → SMS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import col, select

from bot.delivery.sender import DeliveryStats, deliver_due
from handlers.sms.text import count_segments
from handlers.texts.common import NOT_ALLOWED
from storage.models import Broadcast, OutboxMessage, Participant
from tests.auxil.harness import Harness

TEXT = "Warsztaty wracają! Zapraszamy w piątek."


@dataclass(frozen=True)
class Sms:
    """One SMS handed to the provider."""

    to: str
    text: str


class FakeSms:
    """Records SMS instead of sending them (the outbox's SMS gateway)."""

    def __init__(self) -> None:
        self.sent: list[Sms] = []

    async def send(self, to: str, text: str, ref: str) -> tuple[str | None, int | None]:
        """Record and accept."""
        self.sent.append(Sms(to, text))
        return f"fake-{len(self.sent)}", count_segments(text).segments


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
    bot.live.app.bot_data["sms_gateway"] = sms
    for uid, name in ((1001, "Anna"), (1002, "Basia"), (1005, "Ewa")):
        bot.user(uid, name)
    return sms


async def finished(bot: Harness) -> DeliveryStats:
    """Let the outbox sender (woken by the confirm, or now) send everything due."""
    return await deliver_due(bot.live.app)


def rows(bot: Harness) -> set[tuple[str, str | None]]:
    """(status, last_error) of the broadcast's outbox rows."""
    with bot.db.session() as s:
        return {(m.status, m.last_error) for m in s.exec(
            select(OutboxMessage).where(col(OutboxMessage.broadcast_id).is_not(None)))}


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
    assert rows(bot) == {("sent", None), ("skipped", "opted_out")}


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
    assert (await finished(bot)).counts == {}
    assert bot.user(1001).messages == []
    with bot.db.session() as s:
        assert s.exec(select(Broadcast)).one().status == "scheduled"
    bot.clock.advance(timedelta(minutes=1))
    assert (await finished(bot)).counts == {"sent": 4}  # 3 recipients and the report
    assert bot.user(1001).last_text == TEXT
    assert "Dostarczone: 3" in coord.last_text
    assert any(t.startswith("✅ Ogłoszenie wysłane\nWysłano 4/4") for t in coord.texts)
    with bot.db.session() as s:
        assert s.exec(select(Broadcast)).one().status == "done"


async def test_cancel_a_scheduled_broadcast_and_a_draft(bot: Harness) -> None:
    sms = setup(bot)
    coord = bot.user(5001)
    await compose(bot)
    await coord.press("Zaplanuj")
    await coord.press("wt. 08.12")
    await coord.press("08:00")
    await coord.press("Anuluj")
    assert coord.last_text == "Ogłoszenie anulowane. Nic nie zostało wysłane."
    assert rows(bot) == {("cancelled", None), ("skipped", "opted_out")}  # nothing pending
    bot.clock.advance(timedelta(days=2))
    assert (await finished(bot)).counts == {}
    assert bot.user(1001).messages == [] and sms.sent == []
    with bot.db.session() as s:
        assert s.exec(select(Broadcast)).one().status == "cancelled"
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
    assert rows(bot) == {("sent", None), ("failed", "blocked the bot"), ("skipped", "opted_out")}
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


async def test_a_long_sms_is_fitted_to_the_segment_limit_and_priced_so(bot: Harness) -> None:
    sms = setup(bot)
    coord = bot.user(5001)
    long = "Zażółć gęślą jaźń w piątek o 10:00. " * 20  # 720 characters, 5 SMS parts if sent whole
    await coord.send(f"/ogloszenie {long}")
    await coord.press("Wszyscy aktywni")
    assert "2 części na SMS, koszt ok. 0,32\xa0zł" in coord.last_text  # as the sender sends it
    assert "SMS zostanie ucięty do 2 części" in coord.last_text
    assert bot.deps.wake_sender is not None  # the runtime's: start a pass now
    woken: list[bool] = []
    bot.deps.wake_sender = lambda: woken.append(True)
    await coord.press("Wyślij teraz")
    assert woken == [True] and bot.user(1001).messages == []  # the handler only queued rows
    await finished(bot)
    assert bot.user(1001).last_text == long.strip()  # Telegram gets it whole
    [only] = sms.sent
    assert count_segments(only.text).segments == 2 and only.text.endswith("...")
    assert only.text.startswith("Zazolc gesla jazn w piatek")
    with bot.db.session() as s:
        sent = s.exec(select(OutboxMessage).where(OutboxMessage.channel == "sms")).one()
    assert sent.segments == 2


async def test_opted_out_and_blocked_gets_no_broadcast_sms_but_a_reminder_sms(bot: Harness) -> None:
    sms = setup(bot)
    with bot.db.session() as s:
        anna = s.exec(select(Participant).where(Participant.number == "1")).one()
        anna.sms_opt_out = True
    bot.api.block(1001)
    coord = bot.user(5001)
    await compose(bot)
    assert "• Telegram: 2" in coord.last_text  # not known to be blocked yet
    await coord.press("Wyślij teraz")
    await finished(bot)
    assert [m.to for m in sms.sent] == ["+48601000003"]  # Cezary only: Anna said STOP
    assert "Zablokowali bota (bez SMS): 1" in coord.last_text
    from storage import outbox
    with bot.db.session() as s:
        anna = s.get(Participant, anna.id)
        assert anna is not None and anna.blocked_bot
        assert outbox.channel_for(anna, kind="broadcast") == "opted_out"
        assert outbox.channel_for(anna, kind="reminder") == "sms"  # reminders still go (STOP)
