"""Joining and help, through the real PTB stack: invite → /start code → greeting → /pomoc."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from storage.models import Participant, StartAttempt
from tests.auxil.harness import Harness


async def test_invite_start_greeting_help(bot: Harness) -> None:
    anna = bot.participant("12", "Anna")
    code = bot.invite(anna)
    user = bot.user(1001, "Anna")
    await user.send(f"/start {code}")
    assert user.last_text.startswith("Dzień dobry, Anna!")
    assert "❓ Pomoc" in user.buttons()
    with bot.db.session() as s:
        assert s.get(Participant, anna.id).telegram_user_id == 1001  # type: ignore[union-attr]
    # The participant's own command list was registered with Telegram.
    assert ("pomoc", "co mogę zrobić") in bot.api.commands({"type": "chat", "chat_id": 1001})

    await user.send("/pomoc")
    assert "/pomoc – " in user.last_text and "(/help)" not in user.last_text  # aliases: staff only
    assert "/start" in user.last_text
    await user.press("❓ Pomoc")  # the same from the menu button
    assert "Oto, co możesz zrobić" in user.last_text

    await user.send("/help")
    assert "Oto, co możesz zrobić" in user.last_text
    await user.send("/start")
    assert user.last_text.startswith("Dzień dobry, Anna! Wybierz")


async def test_stranger_gets_one_polite_message_and_nothing_else(bot: Harness) -> None:
    bot.participant("12", "Anna", telegram_user_id=1001)
    stranger = bot.user(666, "Obcy")
    for text in ("/start", "cześć", "/pomoc", "/wizyta", "/start 12"):
        await stranger.send(text)
        assert "poproś swojego pracownika socjalnego o link" in stranger.last_text or \
            "Ten kod nie działa" in stranger.last_text
        assert "Anna" not in stranger.last_text
    before = len(stranger.messages)
    await stranger.press_data("cmd:pomoc", message=stranger.last_message)
    assert stranger.last_answer is not None  # the press was answered
    assert len(stranger.messages) == before + 1
    assert "poproś swojego pracownika socjalnego o link" in stranger.last_text


async def test_a_code_works_once(bot: Harness) -> None:
    anna = bot.participant("12", "Anna")
    code = bot.invite(anna)
    await bot.user(1001).send(f"/start {code}")
    other = bot.user(1002, "Ktoś")
    await other.send(f"/start {code}")
    assert "Ten link był już użyty" in other.last_text


async def test_expired_code(bot: Harness) -> None:
    code = bot.invite(bot.participant("12", "Anna"))
    bot.clock.advance(timedelta(days=15))
    user = bot.user(1001)
    await user.send(f"/start {code}")
    assert "nieważny" in user.last_text


async def test_five_wrong_codes_lock_out_then_the_right_one_waits(bot: Harness) -> None:
    code = bot.invite(bot.participant("12", "Anna"))
    user = bot.user(1001)
    for attempt in range(5):
        await user.send(f"/start zly-kod-{attempt}")
        assert "Ten kod nie działa" in user.last_text
    await user.send(f"/start {code}")
    assert "Za dużo błędnych kodów. Spróbuj ponownie za 60 min" in user.last_text
    bot.clock.advance(timedelta(hours=1))
    await user.send(f"/start {code}")
    assert user.last_text.startswith("Dzień dobry, Anna!")
    with bot.db.session() as s:
        assert s.exec(select(StartAttempt)).all() == []


async def test_staff_recognised_by_telegram_id(bot: Harness) -> None:
    bot.staff("Monika", "psychologist", telegram_user_id=5001)
    monika = bot.user(5001, "Monika")
    await monika.send("/start")
    assert monika.last_text.startswith("Dzień dobry, Monika!")
    await monika.send("/nieznane")
    assert "Nie znam tego polecenia" in monika.last_text


async def test_unknown_text_and_stale_buttons(bot: Harness) -> None:
    bot.participant("12", "Anna", telegram_user_id=1001)
    anna = bot.user(1001)
    await anna.send("dzień dobry")
    assert "Nie rozumiem" in anna.last_text and anna.buttons()
    await anna.press_data("bk:slot:999999")
    assert anna.last_answer["text"] == "Ten przycisk jest już nieaktualny."


async def test_public_command_list_is_registered(bot: Harness) -> None:
    assert [name for name, _ in bot.api.commands()] == ["start", "pomoc"]
