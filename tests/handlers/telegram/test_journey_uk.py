"""Issue 18: a participant's whole Telegram journey in their own language, through the real
bot and the Bot API stand-in: joining from a Ukrainian Telegram (the offered language
accepted), help, booking, /moje, moving and cancelling, logging and correcting hours, the
status; and a shorter English one. Nothing the participant reads after choosing is Polish."""

from __future__ import annotations

import re
from collections.abc import Awaitable

from bot.sandbox.botapi import SentMessage
from storage.models import Language, Participant
from tests.auxil.harness import LIBRARY, Harness
from tests.auxil.tg import TelegramUser

POLISH_LETTERS = re.compile(r"[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]")
# Allowed: the złoty's sign after an amount, as on every price in Poland (fmt.money).
ZLOTY = re.compile(r"\d\szł\b")


class Reader:
    """What one participant reads: every message the bot sends or edits, with its buttons."""

    def __init__(self, user: TelegramUser) -> None:
        self.user = user
        self.read: list[str] = []

    async def __call__(self, action: Awaitable[list[SentMessage]]) -> str:
        """Do the action; keep what changed in the chat; the newest text."""
        for message in await action:
            self.read += [message.content, *message.labels]
        return self.user.last_text

    def polish(self) -> list[str]:
        """Whatever was read with a Polish-only letter in it."""
        return [text for text in self.read if POLISH_LETTERS.search(ZLOTY.sub("", text))]


def publish(bot: Harness, text: str) -> Awaitable[list[SentMessage]]:
    return bot.user(5001, "Monika").send(text)


async def test_a_ukrainian_participants_journey_in_ukrainian(bot: Harness) -> None:
    bot.staff("Monika W.", "psychologist", telegram_user_id=5001)
    assert "Dodano 3 terminy" in (await publish(bot, "/terminy 08.12 10:00-13:00"))[-1].content
    olena = bot.make.participant("12", "Olena", phone="+48601234567", gender="K",
                                 work_site=LIBRARY)
    user = bot.live.user(1001, first_name="Olena", language_code="uk")
    olena_reads = Reader(user)

    # Joining: greeted in the club's language, offered her own once; she accepts.
    await user.send(f"/start {bot.invite(olena)}")
    assert user.texts[-1] == "Бажаєте отримувати повідомлення українською?"
    text = await olena_reads(user.press("🇺🇦 Українська"))
    assert text == "Збережено: українська.\nЩо Ви хочете зробити?"
    assert user.buttons() == ["📅 Записатися", "🗂 Мої записи", "🕒 Мої години",
                              "❓ Довідка"]
    # Her Telegram menu of commands is Ukrainian too (her chat's list, Telegram's rules).
    shown = dict(bot.api.shown_commands(1001, "uk"))
    assert shown["wizyta"] == "запис на розмову з психологом або консультантом"
    assert shown["godziny"] == "мої години роботи" and shown["pomoc"] == "що я можу зробити"

    text = await olena_reads(user.send("/pomoc"))
    assert text.startswith("Ось що Ви можете зробити:\n/start – початок і меню\n")
    assert "/moje – мої записи: змінити або скасувати" in text
    assert text.endswith("Також можна користуватися кнопками під повідомленнями.")

    # Booking: service, day, time, confirmation; dates and times in Ukrainian.
    text = await olena_reads(user.press("📅 Записатися"))
    assert text == "З ким Ви хочете поговорити? Розмови проходять телефоном або через інтернет."
    assert user.buttons() == ["🧠 Психолог", "💼 Кар’єрний консультант"]
    assert await olena_reads(user.press("🧠 Психолог")) == "Оберіть день:"
    assert user.buttons() == ["вт 08.12"]
    text = await olena_reads(user.press("вт 08.12"))
    assert text == "вівторок, 8 грудня – оберіть час:"
    assert user.buttons() == ["10:00", "11:00", "12:00"]
    text = await olena_reads(user.press("11:00"))
    assert text == ("Психолог: вівторок, 8 грудня, о 11:00, 60 хв.\nВеде: Monika W.\n"
                    "Телефонна розмова – ми зателефонуємо на Ваш номер.\n\n"
                    "Записатися на цей час?")
    assert user.buttons() == ["✅ Так, записатися", "↩️ Інший час"]
    text = await olena_reads(user.press("✅ Так, записатися"))
    assert text == ("Записано! ✅\nРозмова з психологом (Monika W.): вівторок, 8 грудня, о 11:00, "
                    "60 хв.\nТелефонна розмова – ми зателефонуємо на Ваш номер.\n"
                    "Ми нагадаємо Вам за день і годину до початку. Змінити або скасувати: /moje")

    # /moje, then moving the booking to another time.
    await olena_reads(user.send("/moje"))
    assert user.texts[-2] == "Ваші записи:"
    assert user.texts[-1] == ("📅 Психолог (Monika W.): вівторок, 8 грудня, о 11:00\n"
                              "Телефонна розмова – ми зателефонуємо на Ваш номер.")
    assert user.buttons() == ["✏️ Змінити час", "✖ Скасувати"]
    assert await olena_reads(user.press("✏️ Змінити час")) == "Оберіть день:"
    await olena_reads(user.press("вт 08.12"))
    assert user.buttons() == ["10:00", "12:00"]
    text = await olena_reads(user.press("12:00"))
    assert text == "Час змінено. Новий час: вівторок, 8 грудня, о 12:00. ✅"

    # Cancelling: asked first, then told, with the day after its preposition.
    await olena_reads(user.send("/moje"))
    text = await olena_reads(user.press("✖ Скасувати"))
    assert text == "Скасувати запис: Психолог, вівторок, 8 грудня, о 12:00?"
    assert user.buttons() == ["Так, скасувати", "Ні, залишити"]
    text = await olena_reads(user.press("Так, скасувати"))
    assert text == ("Запис у вівторок, 8 грудня, о 12:00 скасовано. Якщо хочете, запишіться на "
                    "інший час: /wizyta")
    assert await olena_reads(user.send("/moje")) == (
        "У Вас немає записів. Щоб записатися, напишіть /wizyta.")

    assert await olena_reads(user.send("привіт")) == (
        "Я не розумію цього повідомлення. Оберіть щось у меню або напишіть /pomoc.")
    assert await olena_reads(user.send("/foo")) == (
        "Я не знаю цієї команди. Напишіть /pomoc, щоб побачити, що я можу зробити.")
    text = await olena_reads(user.send("/przypomnienia"))
    assert text.startswith("Як мають виглядати нагадування про розмови?\n🔒 Непомітні:")
    assert text.endswith("Зараз у Вас: непомітні. SMS завжди непомітні.")
    text = await olena_reads(user.press("🏷 З назвою розмови"))
    assert text == "Збережено: нагадування з назвою розмови."

    # Hours: /godziny 4, the status, correcting by the buttons; Ukrainian plural forms.
    text = await olena_reads(user.send("/godziny 4"))
    assert text == ("Записано 4 години за понеділок, 7 грудня. Дякуємо!\n"
                    "Залишилося цього тижня: 6 годин, цього місяця: 36 годин.")
    text = await olena_reads(user.send("/godziny"))
    assert text.startswith("Ваші години (понеділок, 7 грудня):\n• сьогодні: 4 години\n"
                           "• цей тиждень: 4 години (залишилося 6 годин)\n"
                           "• цей місяць: 4 години (залишилося 36 годин)\nЗа цей місяць: ")
    assert "(частина чекає на підтвердження)" in text
    assert "Останні записи (⏳ чекає на підтвердження, ✅ підтверджено, ❌ відхилено):\n" \
           "⏳ пн 07.12 – 4 години" in text
    assert text.endswith("Скільки годин Ви сьогодні працювали?")
    assert user.buttons() == ["1 год", "2 год", "3 год", "4 год", "✏️ 07.12", "🗑 07.12"]
    text = await olena_reads(user.press("✏️ 07.12"))
    assert text == "Скільки годин записати за понеділок, 7 грудня?"
    text = await olena_reads(user.press("5 год"))
    assert text == ("Запис за понеділок, 7 грудня змінено: було 4 години, стало 5 годин.\n"
                    "Залишилося цього тижня: 5 годин, цього місяця: 35 годин.")
    await olena_reads(user.send("/godziny"))
    text = await olena_reads(user.press("🗑 07.12"))
    assert text.startswith("Запис за понеділок, 7 грудня видалено (5 годин).\n\nВаші години")
    await olena_reads(user.send("/godziny 1"))
    assert user.last_text.startswith("Записано 1 годину за понеділок, 7 грудня.")  # accusative

    assert len(olena_reads.read) > 40
    assert olena_reads.polish() == [], "Polish read after choosing Ukrainian"
    assert bot.live.errors == []


async def test_an_english_journey_help_book_hours(bot: Harness) -> None:
    bot.staff("Monika W.", "psychologist", telegram_user_id=5001)
    await publish(bot, "/terminy 09.12 10:00-12:00")
    john = bot.make.participant("14", "John", phone=None, gender="M", work_site=LIBRARY)
    user = bot.live.user(1003, first_name="John", language_code="en-GB")
    john_reads = Reader(user)
    await user.send(f"/start {bot.invite(john)}")
    assert await john_reads(user.press("🇬🇧 English")) == "Saved: English.\nWhat would you like to do?"

    text = await john_reads(user.press("❓ Help"))
    assert text.startswith("Here is what you can do:\n/start – start and menu\n/pomoc – what I can do")
    assert "/godziny – my work hours" in text

    await john_reads(user.send("/wizyta"))
    await john_reads(user.press("🧠 Psychologist"))
    assert user.buttons() == ["Wed 09.12"]
    assert await john_reads(user.press("Wed 09.12")) == "Wednesday, 9 December – choose a time:"
    text = await john_reads(user.press("10:00"))
    assert text.startswith("Psychologist: Wednesday, 9 December, at 10:00, 60 min.\n"
                           "With: Monika W.\nPhone call. We don't have your phone number")
    text = await john_reads(user.press("✅ Yes, book it"))
    assert text.startswith("Booked! ✅\nTalk with the psychologist (Monika W.): Wednesday, "
                           "9 December, at 10:00, 60 min.\n")
    assert text.endswith("We will remind you a day and an hour before. To change or cancel: /moje")

    text = await john_reads(user.send("/godziny 1"))
    assert text == ("Logged 1 hour for Monday, 7 December. Thank you!\n"
                    "Left this week: 9 hours, this month: 39 hours.")
    text = await john_reads(user.send("/godziny"))
    assert "• today: 1 hour\n• this week: 1 hour (9 hours left)" in text
    assert text.endswith("How many hours did you work today?")
    assert user.buttons()[:4] == ["1 h", "2 h", "3 h", "4 h"]
    text = await john_reads(user.press("2 h"))
    assert text == ("Entry for Monday, 7 December changed: it was 1 hour, now it is 2 hours.\n"
                    "Left this week: 8 hours, this month: 38 hours.")
    assert john_reads.polish() == []


async def test_a_stranger_is_answered_in_their_telegrams_language(bot: Harness) -> None:
    for user_id, code, start in ((701, "uk", "Добрий день! Цей чат — для учасників"),
                                 (702, "en-US", "Hello! This chat is for the members"),
                                 (703, "de", "Dzień dobry! Ten czat jest dla uczestników"),
                                 (704, None, "Dzień dobry! Ten czat jest dla uczestników")):
        stranger = bot.live.user(user_id, first_name="X", language_code=code)
        for text in ("/start", "привіт", "/wizyta"):
            await stranger.send(text)
            assert stranger.last_text.startswith(start), (code, text, stranger.last_text)
    stranger = bot.live.user(701, first_name="X", language_code="uk")
    await stranger.press_data("bk:svc:psychologist", message=stranger.last_message)
    assert stranger.last_answer["text"] == "Спершу приєднайтеся за посиланням-запрошенням."
    # The public command list in the client's language (Telegram's default scope per code).
    assert dict(bot.api.shown_commands(701, "uk"))["pomoc"] == "що я можу зробити"
    assert dict(bot.api.shown_commands(702, "en"))["start"] == "start and menu"
    assert dict(bot.api.shown_commands(703, "de"))["pomoc"] == "co mogę zrobić"


async def test_choosing_another_language_changes_the_command_list(bot: Harness) -> None:
    bot.participant("12", "Olena", phone=None, telegram_user_id=1001)
    olena = bot.live.user(1001, first_name="Olena", language_code="uk")
    await olena.send("/jezyk")
    await olena.press("🇺🇦 Українська")
    assert dict(bot.api.shown_commands(1001, "uk"))["moje"] == "мої записи: змінити або скасувати"
    await olena.send("/jezyk")
    await olena.press("🇵🇱 Polski")
    assert olena.last_text == "Zapisane: język polski.\nCo chcesz zrobić?"
    # Her chat's own list is in her choice, whatever her Telegram speaks.
    assert dict(bot.api.shown_commands(1001, "uk"))["moje"] == "moje wizyty: zmień lub odwołaj"



async def test_the_command_list_follows_a_language_set_elsewhere(bot: Harness) -> None:
    """Staff, an SMS or the CSV may change the language: the list follows at the next update."""
    olena = bot.participant("12", "Olena", phone=None, telegram_user_id=1001)
    user = bot.live.user(1001, first_name="Olena", language_code="uk")
    await user.send("/start")
    assert dict(bot.api.shown_commands(1001, "uk"))["pomoc"] == "co mogę zrobić"
    with bot.db.session() as s:
        s.get(Participant, olena.id).language = Language.uk  # type: ignore[union-attr]
    bot.live.app.bot_data["identities"].clear()  # as IDENTITY_SECONDS later
    await user.send("/pomoc")
    assert user.last_text.startswith("Ось що Ви можете зробити:")
    assert dict(bot.api.shown_commands(1001, "uk"))["pomoc"] == "що я можу зробити"
    calls = len(bot.api.calls("setMyCommands"))
    bot.live.app.bot_data["identities"].clear()
    await user.send("/moje")  # published once: not again at every update
    assert len(bot.api.calls("setMyCommands")) == calls
