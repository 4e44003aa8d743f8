"""The SMS conversation end to end: keywords in, replies out through the outbox (console SMS)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.delivery.sender import deliver_due
from handlers.sms.conversation import handle_sms
from storage import consultations
from storage.consultation_rules import parse_slot_request
from storage.models import (
    Booking,
    BookingStatus,
    HourEntry,
    OutboxMessage,
    Participant,
    Source,
    Staff,
    WorkSite,
)
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


# --- issue 19: every SMS step has a way forward and a way out ---------------------------------


async def test_an_unexpected_answer_repeats_what_is_expected(phone: Harness) -> None:
    await sms(phone, "WIZYTA")
    assert await sms(phone, "7") == ("Nie ma takiego wyboru. Odpisz numerem rozmowy: 1 albo 2. "
                                     "Rezygnacja: NIE")
    await sms(phone, "1")
    assert await sms(phone, "9") == ("Nie ma takiego wyboru. Odpisz numerem dnia: 1. "
                                     "Rezygnacja: NIE")
    assert "Odpisz numerem dnia: 1." in await sms(phone, "jutro rano")  # words, not a number
    await sms(phone, "1")
    assert "Odpisz numerem godziny: 1 albo 2." in await sms(phone, "5")
    await sms(phone, "2")
    assert "Odpisz TAK, aby potwierdzic, albo NIE" in await sms(phone, "3")


@pytest.mark.parametrize("way_out", ["NIE", "ANULUJ", "anuluj", "Nie."])
@pytest.mark.parametrize("steps", [["WIZYTA"], ["WIZYTA", "1"], ["WIZYTA", "1", "1"]])
async def test_nie_or_anuluj_leaves_any_list(phone: Harness, steps: list[str], way_out: str) -> None:
    for step in steps:
        await sms(phone, step)
    assert (await sms(phone, way_out)).startswith("Dobrze, zamykamy liste.")
    assert "nieaktualna" in await sms(phone, "1")  # the list is closed
    with phone.db.session() as s:
        assert s.exec(select(Booking)).all() == []


async def test_sms_offers_the_same_days_as_telegram_paged(phone: Harness) -> None:
    member = phone.db.call(lambda session: session.exec(select(Staff)).first())
    for day in ("09.12", "10.12", "11.12", "14.12", "15.12", "16.12", "17.12"):
        phone.make.slots(member, day, "10:00-11:00")
    days = phone.db.call(consultations.free_days, service="psychologist", now=phone.clock.now(),
                         horizon_days=phone.deps.settings.booking_horizon_days,
                         tz=phone.deps.settings.tz)
    assert len(days) == 8  # what Telegram shows as buttons
    await sms(phone, "WIZYTA")
    first = await sms(phone, "1")
    assert first.startswith("1 - wt. 08.12;") and "6 - wt. 15.12." in first
    assert first.endswith("Odpisz numerem dnia od 1 do 6. Dalsze dni: DALEJ")
    second = await sms(phone, "DALEJ")
    assert second == "1 - sr. 16.12; 2 - czw. 17.12. Odpisz numerem dnia: 1 albo 2."
    assert (await sms(phone, "2")).startswith("1 - 10:00.")  # the 17th's time
    assert "Potwierdzasz?" in await sms(phone, "1")
    assert "czwartek, 17 grudnia" in await sms(phone, "TAK")


async def test_sms_confirmations_read_right_and_promise_only_what_happens(phone: Harness) -> None:
    await sms(phone, "WIZYTA")
    await sms(phone, "1")
    await sms(phone, "1")
    assert await sms(phone, "1") == ("Rozmowa we wtorek, 8 grudnia, godz. 10:00. Potwierdzasz? "
                                     "Odpisz TAK albo NIE.")
    booked = await sms(phone, "TAK")
    assert "Przypomnimy Ci dzien i godzine wczesniej. Odwolanie: MOJE" in booked
    assert (await sms(phone, "ANULUJ 1")).startswith("Odwolano rozmowe we wtorek, 8 grudnia")


async def test_a_booking_too_soon_to_cancel_does_not_offer_it(phone: Harness) -> None:
    phone.deps.settings.club_phone = "77 483 20 10"
    phone.clock.set(datetime(2026, 12, 8, 7, 30, tzinfo=UTC))  # 08:30 Warsaw: 10:00 in 1.5 h
    await sms(phone, "WIZYTA")
    await sms(phone, "1")
    await sms(phone, "1")
    await sms(phone, "1")
    booked = await sms(phone, "TAK")
    # No reminder a day before (that moment has passed), and cancelling is closed (2 h).
    assert "dzien" not in booked and "Przypomnimy Ci godzine wczesniej." in booked
    assert "MOJE" not in booked and booked.endswith("Nie mozesz przyjsc? Zadzwon: 77 483 20 10")
    refused = await sms(phone, "ANULUJ 1")
    assert "zadzwon: 77 483 20 10" in refused and "klub" not in refused


async def test_after_moje_a_bare_anuluj_asks_which_one(phone: Harness) -> None:
    for step in ("WIZYTA", "1", "1", "1", "TAK"):
        await sms(phone, step)
    assert "ANULUJ i numer" in await sms(phone, "MOJE")
    assert (await sms(phone, "ANULUJ")).startswith("Napisz, ktory termin odwolac")
    assert "ANULUJ i jej numer" in await sms(phone, "7")


async def test_the_language_keyword_in_each_language(phone: Harness) -> None:
    def language() -> str:
        with phone.db.session() as s:
            return s.exec(select(Participant.language).where(Participant.number == "20")).one()

    assert await sms(phone, "МОВА UK") == "Збережено: українська."
    assert language() == "uk"
    assert (await sms(phone, "language english")).startswith("Saved: English.")
    assert language() == "en"
    assert await sms(phone, "Język pl") == "Zapisane: jezyk polski."
    assert (await sms(phone, "jezik ukrainska")).startswith("Збережено") and language() == "uk"
    assert (await sms(phone, "LANGUAGE ENGLSH")).startswith("Saved") and language() == "en"  # typos
    usage = await sms(phone, "JEZYK KLINGON")
    assert usage.startswith("Odpisz: JEZYK PL, JEZYK UK lub JEZYK EN.") and "МОВА UK" in usage
    assert language() == "en"  # nothing changed
    assert await sms(phone, "JEZYK") == usage


async def test_ukrainian_keywords_from_a_polish_speaker_get_polish_replies(phone: Harness) -> None:
    """The reply follows the person's language, not the keyword's (МОВА changes it)."""
    assert (await sms(phone, "ДОПОМОГА")).startswith("Napisz: GODZINY 4")
    assert await sms(phone, "години 4") == "Zapisano 4 godziny za 07.12.2026. Dziekujemy!"
    with phone.db.session() as s:
        assert [e.hours for e in s.exec(select(HourEntry))] == [4]
    await sms(phone, "МОВА UK")
    assert await sms(phone, "POMOC") == ("ГОДИНИ 4 (або ГОДИНИ 4 03.12) - години; ЗАПИС - "
                                         "розмова; МОЇ - Ваші записи; СКАСУВАТИ 1; НІ - вихід; "
                                         "СТОП/СТАРТ - оголошення.")
