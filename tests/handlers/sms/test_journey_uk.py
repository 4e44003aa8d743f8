"""The SMS journey in Ukrainian (and a short one in English), end to end: keywords in, the
replies as the provider (the SMSAPI stand-in) receives them, their encoding and segments."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlmodel import select

from bot.delivery.sender import deliver_due
from bot.sandbox.botapi import BotApiStandIn
from handlers.sms.conversation import handle_sms
from handlers.sms.keywords import keyword, normalise, parse_sms
from storage import consultations
from storage.clock import ManualClock
from storage.consultation_rules import parse_slot_request
from storage.db import Database
from storage.models import (
    Booking,
    BookingStatus,
    HourEntry,
    Language,
    OutboxMessage,
    Participant,
    Staff,
)
from tests.auxil.harness import Harness
from tests.auxil.sms_standin import Canned, ProviderStandIn
from tests.auxil.sms_webhook import replies, running
from tests.handlers.texts.test_every_template import RENDERED

PHONE = "+48601234568"
POLISH_LETTERS = re.compile(r"[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]")
GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVW"
           "XYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€")


def parts(message: str) -> tuple[str, int]:
    """How an operator counts an SMS (worked out here, not by the bot's own counter): GSM-7
    160 / 153 a part, else UCS-2 70 / 67 (every character here is one UTF-16 unit)."""
    if set(message) <= GSM7:
        return "GSM-7", 1 if len(message) <= 160 else -(-len(message) // 153)
    return "UCS-2", 1 if len(message) <= 70 else -(-len(message) // 67)


def smsapi(form: dict[str, str]) -> Canned:
    """SMSAPI's answer: the message id and the parts it counted."""
    return Canned(200, {"count": 1, "list": [{"id": f"M{form['idx']}",
                                              "parts": parts(form["message"])[1]}]})


class Phone:
    """A participant's phone talking to the bot; what the provider was asked to send."""

    def __init__(self, bot: Harness, server: ProviderStandIn, number: str = PHONE) -> None:
        self.bot, self.server, self.number = bot, server, number
        self.encodings: list[tuple[str, str, int]] = []  # (message, encoding, parts) as sent

    async def send(self, text: str) -> str:
        """One SMS in; the reply as the provider received it (checked for encoding and cost)."""
        before = len(self.server.requests)
        assert await handle_sms(self.bot.deps, self.number, text) is not None
        await deliver_due(self.bot.live.app)
        [form] = [f for _, _, f in self.server.requests[before:]  # others may be told too
                  if f["to"] == self.number.lstrip("+")]
        assert form["encoding"] == "utf-8"
        message = form["message"]
        encoding, count = parts(message)
        with self.bot.db.session() as s:
            row = s.exec(select(OutboxMessage).where(OutboxMessage.provider_id == f"M{form['idx']}")).one()
        assert row.segments == count <= self.bot.deps.settings.sms_max_segments, message
        self.encodings.append((message, encoding, count))
        return message


@pytest.fixture
async def provider() -> AsyncIterator[ProviderStandIn]:
    server = await ProviderStandIn(answer=smsapi).start()
    yield server
    await server.stop()


async def phone_of(bot: Harness, server: ProviderStandIn, language: Language) -> Phone:
    """Olena (or John), SMS only, in PSU at the library; psychologist's slots on Tuesday 10-12."""
    bot.make.participant("30", "Olena", phone=PHONE, work_site="Biblioteka", language=language)
    member = bot.staff("Monika", "psychologist", telegram_user_id=5001)
    bot.db.call(consultations.publish_slots, staff=member,
                request=parse_slot_request(["08.12", "10:00-12:00"], bot.clock.now().date()),
                now=bot.clock.now(), tz=bot.deps.settings.tz, default_minutes=60)
    bot.deps.settings = bot.deps.settings.model_copy(update={
        "sms_provider": "smsapi", "smsapi_base_url": server.url, "smsapi_token": "t"})
    bot.live.app.bot_data.pop("sms_gateway", None)
    return Phone(bot, server)


def person(bot: Harness) -> Participant:
    with bot.db.session() as s:
        return s.exec(select(Participant).where(Participant.phone == PHONE)).one()


async def test_the_whole_sms_journey_in_ukrainian(bot: Harness, provider: ProviderStandIn) -> None:
    olena = await phone_of(bot, provider, Language.uk)
    send = olena.send
    assert await send("ДОПОМОГА") == ("ГОДИНИ 4 (або ГОДИНИ 4 03.12) - години; ЗАПИС - розмова; "
                                      "МОЇ - Ваші записи; СКАСУВАТИ 1; НІ - вихід; "
                                      "СТОП/СТАРТ - оголошення.")
    assert await send("добрий день") == ("Не розумію повідомлення. Напишіть ДОПОМОГА, щоб "
                                         "побачити команди.")
    # ЗАПИС: the kind of talk, the day and the time by number, then ТАК
    assert await send("запис") == ("Надішліть номер: 1 - розмова-підтримка, 2 - про роботу. "
                                   "Вихід: НІ")
    assert await send("7") == ("Немає такого варіанта. Надішліть номер розмови: 1 або 2. "
                               "Вихід: НІ")
    assert await send("1") == "1 - вт 08.12. Надішліть номер дня: 1."
    assert await send("1") == "1 - 10:00; 2 - 11:00. Надішліть номер часу: 1 або 2."
    assert await send("2") == "Розмова у вівторок, 8 грудня, о 11:00. Підтверджуєте? ТАК або НІ"
    assert await send("так") == ("Записано: вівторок, 8 грудня, о 11:00. Ми подзвонимо. "
                                 "Нагадаємо за день і годину. Скасувати: МОЇ")
    assert await send("МОЇ") == "1 - вівторок, 8 грудня, о 11:00. Скасувати: СКАСУВАТИ і номер."
    # A second booking of the same kind: the limit, in Ukrainian, with the way to change
    for step in ("ЗАПИС", "1", "1", "1"):
        await send(step)
    assert await send("ТАК") == "У Вас уже є запис на розмову. Див.: МОЇ (там і скасування)."
    # Change: cancel, then book the other time
    await send("МОЇ")
    assert await send("СКАСУВАТИ") == ("Напишіть, який запис скасувати, напр. СКАСУВАТИ 1 "
                                       "(список: МОЇ)")
    assert await send("скасувати 1") == ("Розмову у вівторок, 8 грудня, о 11:00 скасовано. "
                                         "Новий запис: ЗАПИС")
    for step in ("ЗАПИС", "1", "1"):
        await send(step)
    assert (await send("1")).startswith("Розмова у вівторок, 8 грудня, о 10:00.")
    assert (await send("ТАК")).startswith("Записано: вівторок, 8 грудня, о 10:00.")
    # СКАСУВАТИ: the booking goes
    assert (await send("МОЇ")).startswith("1 - вівторок, 8 грудня, о 10:00.")
    assert (await send("СКАСУВАТИ 1")).startswith("Розмову у вівторок, 8 грудня, о 10:00 скасовано")
    assert await send("СКАСУВАТИ 1") == ("У Вас немає запланованих розмов. Щоб записатися, "
                                         "напишіть ЗАПИС.")
    with bot.db.session() as s:
        assert s.exec(select(Booking.status)).all() == [BookingStatus.cancelled] * 2
    # ГОДИНИ 4, a correction, plural forms and a refusal
    assert await send("ГОДИНИ 4") == "Записано 4 години за 07.12.2026. Дякуємо!"
    assert await send("години 5") == "Запис за 07.12.2026 змінено: було 4 години, стало 5 годин."
    assert await send("ГОДИНИ 1 04.12") == "Записано 1 годину за 04.12.2026. Дякуємо!"
    assert await send("ГОДИНИ 4,5 03.12") == "Записано 4,5 години за 03.12.2026. Дякуємо!"
    assert await send("ГОДИНИ 4,3") == ("Години вказуйте з кроком пів години, напр. ГОДИНИ 4 або "
                                        "ГОДИНИ 4,5")
    assert await send("ГОДИНИ 2 09.12") == ("Години не можна вносити наперед - лише за сьогодні "
                                            "або минулий день.")
    assert await send("ГОДИНИ 9") == "Денний ліміт: 8 годин. Цього дня можна внести ще 8 годин."
    assert await send("ГОДИНИ 2 20.11") == ("Цей день задалеко в минулому (можна до 7 днів). "
                                            "Скажіть про це людині, яка Вас супроводжує.")
    with bot.db.session() as s:
        assert sorted(e.hours for e in s.exec(select(HourEntry))) == [1, 4.5, 5]
    # СТОП, СТОП НАГАДУВАННЯ, СТАРТ
    assert (await send("СТОП")).startswith("Оголошень не надсилатимемо.")
    assert not person(bot).reminders_opt_out and person(bot).sms_opt_out
    assert await send("стоп нагадування") == ("Не надсилатимемо ні нагадувань, ні оголошень. "
                                              "Повернути: СТАРТ")
    assert person(bot).reminders_opt_out
    assert await send("СТАРТ") == "Увімкнено: оголошення і нагадування. Вимкнути: СТОП"
    assert not person(bot).sms_opt_out and not person(bot).reminders_opt_out
    # МОВА: how to choose, then English for the next reply, then back
    assert "МОВА UK" in await send("МОВА")
    assert (await send("МОВА EN")).startswith("Saved: English.")
    assert (await send("HELP")).startswith("Send: HOURS 4")
    assert (await send("LANGUAGE UK")).startswith("Збережено: українська.")
    assert person(bot).language == Language.uk

    ukrainian = [(m, e, n) for m, e, n in olena.encodings if re.search("[а-яіїєґ]", m)]
    assert len(ukrainian) >= 35
    for message, encoding, _ in ukrainian:  # every Ukrainian reply: UCS-2, no Polish left
        assert encoding == "UCS-2", message
        assert not POLISH_LETTERS.search(message), message
        assert not re.search(r"\b(WIZYTA|MOJE|ANULUJ|POMOC|GODZINY|DALEJ|NIE)\b", message), message
    counts = {m: n for m, _, n in ukrainian}
    assert counts["1 - вт 08.12. Надішліть номер дня: 1."] == 1
    assert counts["Розмова у вівторок, 8 грудня, о 11:00. Підтверджуєте? ТАК або НІ"] == 1
    assert counts["Записано 4 години за 07.12.2026. Дякуємо!"] == 1
    assert counts[("ГОДИНИ 4 (або ГОДИНИ 4 03.12) - години; ЗАПИС - розмова; МОЇ - Ваші записи; "
                   "СКАСУВАТИ 1; НІ - вихід; СТОП/СТАРТ - оголошення.")] == 2  # 125 of 134
    assert sum(n for _, _, n in ukrainian) < 1.5 * len(ukrainian)  # most fit one UCS-2 SMS


async def test_ukrainian_days_paged_with_dali_and_ni_leaves(bot: Harness,
                                                           provider: ProviderStandIn) -> None:
    olena = await phone_of(bot, provider, Language.uk)
    member = bot.db.call(lambda session: session.exec(select(Staff)).first())
    for day in ("09.12", "10.12", "11.12", "14.12", "15.12", "16.12", "17.12"):
        bot.make.slots(member, day, "10:00-11:00")
    await olena.send("ЗАПИС")
    first = await olena.send("1")
    assert first == ("1 - вт 08.12; 2 - ср 09.12; 3 - чт 10.12; 4 - пт 11.12; 5 - пн 14.12; "
                     "6 - вт 15.12. Надішліть номер дня (1-6). Ще дні: ДАЛІ")
    assert await olena.send("ДАЛІ") == "1 - ср 16.12; 2 - чт 17.12. Надішліть номер дня: 1 або 2."
    assert await olena.send("НІ") == ("Добре, список закрито. Коли захочете, напишіть ЗАПИС або "
                                      "ДОПОМОГА.")
    assert await olena.send("1") == "Цей список уже неактуальний. Напишіть ЗАПИС, щоб почати знову."


async def test_a_short_sms_journey_in_english(bot: Harness, provider: ProviderStandIn) -> None:
    john = await phone_of(bot, provider, Language.en)
    send = john.send
    assert (await send("HELP")).startswith("Send: HOURS 4 (or HOURS 4 03.12) - log hours; BOOK")
    assert (await send("book")).startswith("Who would you like to talk to? Reply with a number")
    assert await send("1") == "1 - Tue 08.12. Reply with the number of the day: 1."
    assert await send("1") == "1 - 10:00; 2 - 11:00. Reply with the number of the time: 1 or 2."
    assert await send("1") == ("Talk on Tuesday, 8 December, at 10:00. Do you confirm? "
                               "Reply YES or NO.")
    assert await send("yes") == ("Booked: Tuesday, 8 December, at 10:00, we will call this number. "
                                 "We will remind you a day and an hour before. To cancel: MINE")
    assert await send("MINE") == "1 - Tuesday, 8 December, at 10:00. To cancel: CANCEL and the number."
    assert await send("CANCEL 1") == "Cancelled the talk on Tuesday, 8 December, at 10:00. New time: BOOK"
    assert await send("HOURS 4") == "Logged 4 hours for 07.12.2026. Thank you!"
    assert await send("HOURS 1") == "Entry for 07.12.2026 changed: was 4 hours, now 1 hour."
    assert await send("STOP REMINDERS") == "We will send neither reminders nor notices. To undo: START"
    assert await send("START") == "On: notices and reminders. To turn off: STOP"
    for message, encoding, count in john.encodings:  # English: GSM-7, one SMS each
        assert (encoding, count) == ("GSM-7", 1), message
        assert not POLISH_LETTERS.search(message), message


async def test_an_unknown_number_is_answered_in_polish(bot: Harness,
                                                       provider: ProviderStandIn) -> None:
    olena = await phone_of(bot, provider, Language.uk)
    await olena.send("ДОПОМОГА")  # a Ukrainian reply first: the next stranger still gets Polish
    stranger = Phone(bot, provider, "+48700800900")
    assert (await stranger.send("ДОПОМОГА")).startswith("Dzien dobry. Tego numeru nie ma")


async def test_the_webhook_answers_a_ukrainian_participant_in_ukrainian(
        api: BotApiStandIn, db: Database, db_url: str, clock: ManualClock) -> None:
    """The provider's callback (not only handle_sms) runs in the person's language."""
    from tests.auxil.factories import Factory

    Factory(db, clock).participant("30", "Olena", phone="+48601234567", language=Language.uk)
    async with running(api, db_url, clock, "smsapi") as public, aiohttp.ClientSession() as http:
        form = {"sms_from": "48601234567", "sms_to": "48500000000", "sms_text": "ДОПОМОГА",
                "MsgId": "1"}
        async with http.post(f"{public}/sms/smsapi/s3cr3t/incoming", data=form) as r:
            assert r.status == 200
    [reply] = replies(db)
    assert reply.text.startswith("ГОДИНИ 4 (або ГОДИНИ 4 03.12)")


# --- every keyword an SMS text names is one the SMS parser accepts ---------------------------

SPOKEN = re.compile(r"[A-ZА-ЯІЇЄҐ]{2,}(?:\s+[A-ZА-ЯІЇЄҐ]{2,})?")
NOT_KEYWORDS = {"SMS"}  # a word in the texts, not a keyword
UKRAINIAN_KINDS = {"ДОПОМОГА", "ЗАПИС", "ГОДИНИ", "МОЇ", "СКАСУВАТИ", "СТОП", "СТАРТ", "ТАК",
                   "НІ", "ДАЛІ", "МОВА"}
ENGLISH_KINDS = {"HELP", "BOOK", "HOURS", "MINE", "CANCEL", "STOP", "START", "YES", "NO", "MORE",
                 "LANGUAGE"}


def named_keywords(language: str) -> set[str]:
    """The keyword phrases the SMS texts of a language name ('СТОП НАГАДУВАННЯ', 'МОВА UK')."""
    found: set[str] = set()
    for r in RENDERED:
        if r.channel == "sms" and r.language == language:
            for phrase in SPOKEN.findall(r.text.replace("/", " ")):
                if phrase.split()[0] not in NOT_KEYWORDS:
                    found.add(phrase)
    return found


@pytest.mark.parametrize("language", ["uk", "en"])
def test_every_keyword_an_sms_text_names_is_accepted(language: str) -> None:
    phrases = named_keywords(language)
    firsts = {p.split()[0] for p in phrases}
    assert firsts >= ({"ДОПОМОГА", "ЗАПИС", "ГОДИНИ", "МОЇ", "СКАСУВАТИ", "СТОП", "СТАРТ", "ТАК",
                       "НІ", "ДАЛІ"} if language == "uk" else
                      {"HELP", "BOOK", "HOURS", "MINE", "CANCEL", "STOP", "START", "YES", "NO",
                       "MORE"})
    assert firsts <= (UKRAINIAN_KINDS if language == "uk" else ENGLISH_KINDS), firsts
    for phrase in sorted(phrases):
        first, *rest = phrase.split()
        assert keyword(normalise(first)[0]) is not None, phrase
        if not rest or keyword(normalise(rest[0])[0]) is not None:
            continue  # 'СТОП/СТАРТ': two keywords, each accepted
        command = parse_sms(phrase)  # a keyword and its word: 'СТОП НАГАДУВАННЯ', 'МОВА UK'
        assert (command.kind, command.words) in (("stop", ("reminders",)), ("language", ("pl",)),
                                                 ("language", ("uk",)), ("language", ("en",))), phrase


async def test_a_place_freed_by_a_ukrainian_sms_is_offered_in_polish_to_the_next(
        bot: Harness, provider: ProviderStandIn) -> None:
    """The text for someone else goes as a text function, rendered for its recipient (the
    outbox speaks the recipient's language), not in the language of the person answering."""
    from datetime import timedelta
    from decimal import Decimal

    from storage import workshops

    olena = await phone_of(bot, provider, Language.uk)
    anna = bot.make.participant("31", "Anna", phone="+48601000222")
    boss = bot.staff("Ewa", "coordinator")
    workshop = bot.db.call(workshops.create, title="Gotowanie", place="Sala 2", capacity=1,
                           starts_at=bot.clock.now() + timedelta(days=3), hours=Decimal(2),
                           staff_id=boss.id, now=bot.clock.now())
    bot.make.invite_everyone(workshop.id)
    await olena.send("ТАК")  # Olena has the place
    bot.db.call(workshops.answer, workshop_id=workshop.id, participant_id=anna.id, yes=True,
                now=bot.clock.now())  # Anna waits
    await olena.send("НІ")  # … and gets it
    [sent] = [f["message"] for _, _, f in provider.requests if f["to"] == "48601000222"]
    assert sent.startswith("Dobra wiadomosc! Zwolnilo sie miejsce")
