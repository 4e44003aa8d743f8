"""The SMS conversation end to end: keywords in, replies out through the outbox (console SMS)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.delivery.sender import deliver_due
from handlers.sms.conversation import handle_sms
from storage import consultations
from storage.consultation_rules import parse_slot_request
from storage.models import Booking, BookingStatus, HourEntry, OutboxMessage, Participant, Source, WorkSite
from tests.auxil.harness import Harness

PHONE = "+48601234567"


@pytest.fixture
def phone(bot: Harness) -> Harness:
    """Stanisław, SMS only, in PSU at the library; a psychologist with slots on Tuesday."""
    with bot.db.session() as s:
        s.add(WorkSite(name="Biblioteka"))
    bot.participant("20", "Stanisław", phone=PHONE, work_site="Biblioteka", gender="M")
    member = bot.staff("Monika", "psychologist", telegram_user_id=5001)
    bot.db.call(consultations.publish_slots, staff=member,
                request=parse_slot_request(["08.12", "10:00-12:00"], bot.clock.now().date()),
                now=bot.clock.now(), tz=bot.deps.settings.tz, default_minutes=60)
    return bot


async def sms(bot: Harness, text: str, number: str = PHONE) -> str | None:
    """Send an SMS as the phone, let the outbox deliver the answer; the answer as sent."""
    reply = await handle_sms(bot.deps, number, text)
    await deliver_due(bot.live.app)
    sent = bot.live.app.bot_data["sms_gateway"].sent
    assert reply is None or sent[-1][0] == number
    return sent[-1][1] if reply is not None else None


async def test_help_hours_and_corrections(phone: Harness) -> None:
    assert (await sms(phone, "POMOC")).startswith("Napisz: GODZINY 4")
    assert await sms(phone, "godz 4") == "Zapisano 4 godziny za 07.12.2026. Dziekujemy!"
    assert await sms(phone, "Godziny 4,5") == ("Zmieniono wpis za 07.12.2026: bylo 4 godziny, "
                                               "jest 4,5 godziny.")
    assert "03.12.2026" in await sms(phone, "GODZINY 3 03.12")
    assert "pol godziny" in await sms(phone, "godziny 4,3")
    assert "z wyprzedzeniem" in await sms(phone, "godziny 2 09.12")
    with phone.db.session() as s:
        assert sorted(e.hours for e in s.exec(select(HourEntry))) == [3, 4.5]
        assert {e.source for e in s.exec(select(HourEntry))} == {Source.sms}


async def test_book_by_numbers_then_see_and_cancel(phone: Harness) -> None:
    reply = await sms(phone, "WIZYTA")
    assert "1 - rozmowa wspierajaca" in reply and "psycholog" not in reply.lower()
    assert await sms(phone, "1") == "1 - wt. 08.12. Odpisz numerem dnia: 1."
    assert await sms(phone, "1") == "1 - 10:00; 2 - 11:00. Odpisz numerem godziny: 1 albo 2."
    assert "Potwierdzasz? Odpisz TAK albo NIE" in await sms(phone, "2")
    booked = await sms(phone, "tak")
    assert booked.startswith("Umowione: wtorek, 8 grudnia, godz. 11:00, zadzwonimy na ten numer.")
    assert "1 - wtorek, 8 grudnia, godz. 11:00" in await sms(phone, "MOJE")
    assert (await sms(phone, "ANULUJ 1")).startswith("Odwolano rozmowe")
    with phone.db.session() as s:
        assert s.exec(select(Booking.status)).all() == [BookingStatus.cancelled]
    assert "Nie masz umowionych" in await sms(phone, "ANULUJ 1")


async def test_numbers_without_a_menu_and_expired_menus(phone: Harness) -> None:
    assert "WIZYTA" in await sms(phone, "3")
    await sms(phone, "WIZYTA")
    phone.clock.advance(timedelta(minutes=31))
    assert "nieaktualna" in await sms(phone, "1")
    assert "POMOC" in await sms(phone, "dzień dobry")


async def test_stop_and_start(phone: Harness) -> None:
    assert (await sms(phone, "STOP")).startswith("Nie bedziemy wysylac ogloszen")
    assert (await sms(phone, "stop przypomnienia")).startswith("Nie bedziemy wysylac przypomnien")
    with phone.db.session() as s:
        person = s.exec(select(Participant).where(Participant.phone == PHONE)).one()
        assert person.sms_opt_out and person.reminders_opt_out
    assert (await sms(phone, "start")).startswith("Wlaczone")
    with phone.db.session() as s:
        person = s.exec(select(Participant).where(Participant.phone == PHONE)).one()
        assert not person.sms_opt_out and not person.reminders_opt_out


async def test_unknown_number_gets_one_reply_a_day_and_no_data(phone: Harness) -> None:
    stranger = "+48 700 800 900"
    first = await sms(phone, "MOJE", stranger.replace(" ", ""))
    assert first.startswith("Dzien dobry. Tego numeru nie ma") and "Stanis" not in first
    assert await handle_sms(phone.deps, stranger, "POMOC") is None
    phone.clock.advance(timedelta(days=1))
    assert await handle_sms(phone.deps, stranger, "POMOC") is not None


async def test_replies_are_transliterated_and_counted(phone: Harness) -> None:
    await sms(phone, "POMOC")
    with phone.db.session() as s:
        [row] = s.exec(select(OutboxMessage).where(OutboxMessage.channel == "sms")).all()
    assert row.status == "sent" and row.segments == 1  # POMOC fits in one SMS (GSM-7)


async def test_no_during_booking_keeps_nothing_and_tak_without_a_question(phone: Harness) -> None:
    await sms(phone, "WIZYTA")
    await sms(phone, "1")
    await sms(phone, "1")
    await sms(phone, "1")
    assert await sms(phone, "NIE") == "Dobrze, nic nie zmieniamy."
    assert "POMOC" in await sms(phone, "TAK")  # nothing to confirm, no workshop invitation
    with phone.db.session() as s:
        assert s.exec(select(Booking)).all() == []


async def test_provider_failure_is_retried_then_sent_with_its_id(phone: Harness) -> None:
    from tests.auxil.sms_standin import Canned, ProviderStandIn

    server = await ProviderStandIn().start()
    try:
        phone.deps.settings = phone.deps.settings.model_copy(update={
            "sms_provider": "smsapi", "smsapi_base_url": server.url, "smsapi_token": "t"})
        phone.live.app.bot_data.pop("sms_gateway", None)
        server.responses = [Canned(500, "down"),
                            Canned(200, {"count": 1, "list": [{"id": "X1", "parts": 1}]})]
        await handle_sms(phone.deps, PHONE, "POMOC")
        await deliver_due(phone.live.app)
        with phone.db.session() as s:
            row = s.exec(select(OutboxMessage)).one()
        assert (row.status, row.attempts) == ("pending", 1) and "HTTP 500" in row.last_error
        phone.clock.advance(timedelta(seconds=31))
        await deliver_due(phone.live.app)
        with phone.db.session() as s:
            row = s.exec(select(OutboxMessage)).one()
        assert (row.status, row.provider_id, row.segments) == ("sent", "X1", 1)
        assert server.requests[-1][2]["message"].startswith("Napisz: GODZINY 4")
    finally:
        await server.stop()
