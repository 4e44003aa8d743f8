"""Issue 18, the foundation: each participant's language is kept, chosen with /jezyk, offered
once on joining from Telegram's language_code, and a forged choice changes nothing."""

from __future__ import annotations

from sqlmodel import select

from storage.models import Language, Participant
from tests.auxil.harness import Harness


def language_of(bot: Harness, number: str) -> Language:
    with bot.db.session() as s:
        return s.exec(select(Participant.language).where(Participant.number == number)).one()


async def test_joining_from_a_ukrainian_telegram_offers_ukrainian_once(bot: Harness) -> None:
    olena = bot.participant("12", "Olena", phone=None)
    code = bot.invite(olena)
    user = bot.live.user(1001, first_name="Olena", language_code="uk")
    await user.send(f"/start {code}")
    assert user.last_text == "Бажаєте отримувати повідомлення українською?"
    assert user.buttons() == ["🇺🇦 Українська", "Ні, польською"]
    assert language_of(bot, "12") == "pl"  # an offer, not a switch
    await user.press("🇺🇦 Українська")
    assert user.last_text.startswith("Збережено: українська.")
    assert language_of(bot, "12") == "uk"
    await user.send("/start")  # already linked: nothing is offered again
    assert "українською?" not in user.last_text


async def test_a_polish_or_unknown_telegram_gets_no_offer(bot: Harness) -> None:
    for number, user_id, language_code in (("12", 1001, "pl"), ("13", 1002, None),
                                           ("14", 1003, "de")):
        person = bot.participant(number, "Anna", phone=None)
        user = bot.live.user(user_id, first_name="Anna", language_code=language_code)
        await user.send(f"/start {bot.invite(person)}")
        assert user.last_text.startswith("Dzień dobry, Anna!")
        assert "Would you like" not in user.last_text and "Бажаєте" not in user.last_text


async def test_an_english_telegram_may_keep_polish(bot: Harness) -> None:
    person = bot.participant("12", "John", phone=None, gender="M")
    user = bot.live.user(1001, first_name="John", language_code="en-GB")
    await user.send(f"/start {bot.invite(person)}")
    assert user.last_text == "Would you like messages in English?"
    await user.press("No, Polish")
    assert user.last_text == "Zapisane: język polski.\nCo chcesz zrobić?"  # and the menu
    assert "📅 Umów wizytę" in user.buttons()
    assert language_of(bot, "12") == "pl"


async def test_jezyk_shows_the_choice_and_keeps_it(bot: Harness) -> None:
    bot.participant("12", "Olena", phone=None, telegram_user_id=1001)
    olena = bot.user(1001, "Olena")
    await olena.send("/jezyk")
    assert olena.last_text == ("Wybierz język.\nОберіть мову.\nChoose a language.\nTeraz: polski.")
    assert olena.buttons() == ["🇵🇱 Polski", "🇺🇦 Українська", "🇬🇧 English"]
    await olena.press("🇬🇧 English")
    assert olena.last_text.startswith("Saved: English.")
    await olena.send("/language")  # the alias
    assert olena.last_text.endswith("Now: English.")
    choice = olena.last_message
    await olena.press("🇺🇦 Українська", message=choice)
    await olena.press_data("lang:uk", message=choice)  # a double tap changes nothing
    assert language_of(bot, "12") == "uk"


async def test_a_forged_language_button_changes_nothing(bot: Harness) -> None:
    bot.participant("12", "Olena", phone=None, telegram_user_id=1001)
    olena = bot.user(1001, "Olena")
    await olena.send("/jezyk")
    for forged in ("lang:de", "lang:uk' OR 1=1", "lang:", "lang:UK", "lang:uk:1"):
        await olena.press_data(forged)
    assert language_of(bot, "12") == "pl"


async def test_staff_and_strangers_have_no_language_to_choose(bot: Harness) -> None:
    bot.staff("Monika", "psychologist", telegram_user_id=5001)
    await bot.user(5001, "Monika").send("/jezyk")
    assert "Wybierz język" not in bot.user(5001, "Monika").last_text
    await bot.user(7777, "Obcy").send("/jezyk")
    assert "Wybierz język" not in bot.user(7777, "Obcy").last_text


async def test_a_ukrainian_participant_is_greeted_in_ukrainian(bot: Harness) -> None:
    olena = bot.participant("12", "Olena", phone=None)
    with bot.db.session() as s:
        s.get(Participant, olena.id).language = Language.uk
    user = bot.live.user(1001, first_name="Olena", language_code="uk")
    await user.send(f"/start {bot.invite(olena)}")
    assert user.last_text.startswith("Добрий день, Olena! 👋\nВи вже підключені до клубу.")
    await user.send("/start")
    assert user.last_text == "Добрий день, Olena! Оберіть, що хочете зробити:"
    anna = bot.participant("13", "Anna", phone=None, telegram_user_id=1002)
    assert anna.language == "pl"
    await bot.user(1002, "Anna").send("/start")  # the next person is not spoken to in Ukrainian
    assert bot.user(1002, "Anna").last_text == "Dzień dobry, Anna! Wybierz, co chcesz zrobić:"
