"""Workshops end to end: create, invite with Będę/Nie będę, capacity and waiting list, list, attendance."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import select

from bot.broadcasts.runner import tasks
from storage import workshops
from storage.models import OutboxMessage, Participant, SignupStatus, WorkshopSignup
from tests.auxil.harness import Harness


async def test_invitation_rsvp_capacity_waiting_list_and_attendance(bot: Harness) -> None:
    bot.staff("Koordynatorka", "coordinator", telegram_user_id=5001)
    bot.staff("Socjalna", "social_worker", telegram_user_id=5002)
    people = [bot.participant(str(n), name, telegram_user_id=1000 + n, phone=f"+4860100000{n}")
              for n, name in ((1, "Anna"), (2, "Basia"), (3, "Celina"))]
    users = [bot.user(1000 + n, p.first_name) for n, p in enumerate(people, 1)]
    social = bot.user(5002, "Socjalna")
    await social.send('/warsztat 9.12 10:00 "Sala 2, ul. Judyma 6" 2 3 Gotowanie')
    assert social.last_text.startswith("✅ Dodano warsztat „Gotowanie”")
    assert "środa, 9 grudnia, godz. 10:00" in social.last_text
    await social.send("/warsztat jutro")
    assert social.last_text.startswith("Użycie: /warsztat")
    await social.send('/warsztat 1.12.2026 10:00 "Sala" 5 2')
    assert "Ten termin już minął" in social.last_text
    await social.send("/warsztaty")
    assert "Zaproś 1" not in social.buttons()  # invitations are for coordinators

    coord = bot.user(5001, "Koordynatorka")
    await coord.send("/warsztaty")
    assert "Zapisani: 0/2" in coord.last_text
    await coord.press("📣 Zaproś 1")
    assert "Zaproszenie na warsztat: Gotowanie" in coord.last_text
    await coord.send("Wracają warsztaty kulinarne!")
    await coord.press("Wszyscy aktywni")
    assert "• Telegram: 3" in coord.last_text
    await coord.press("Wyślij teraz")
    await asyncio.wait_for(asyncio.gather(*tasks(bot.live.app).values()), 10)
    anna, basia, celina = users
    assert "📍 Sala 2, ul. Judyma 6" in anna.last_text
    assert anna.buttons() == ["✅ Będę", "❌ Nie będę"]

    await anna.press("Będę")
    assert anna.last_text.startswith("Dziękujemy! Masz miejsce")
    await basia.press("Będę")
    await celina.press("Będę")
    assert "liście rezerwowej (miejsce 1)" in celina.last_text
    await celina.press("Będę")  # pressing again changes nothing
    assert "miejsce 1" in celina.last_text

    await coord.send("/warsztaty")
    assert "Zapisani: 2/2, rezerwowa: 1" in coord.last_text
    await coord.press("👥 Lista 1")
    assert "Będą (2/2):\n1. Anna Testowa\n2. Basia Testowa" in coord.last_text
    assert "Lista rezerwowa (1):\n1. Celina Testowa" in coord.last_text

    await anna.press("Nie będę")  # on the invitation
    assert anna.last_text.startswith("Dziękujemy za odpowiedź")
    with bot.db.session() as s:
        statuses = {su.participant_id: su.status for su in s.exec(select(WorkshopSignup))}
        promoted = s.exec(select(OutboxMessage)).one()
    assert statuses == {people[0].id: SignupStatus.declined, people[1].id: SignupStatus.going,
                        people[2].id: SignupStatus.going}
    assert promoted.participant_id == people[2].id and "Zwolniło się miejsce" in promoted.text

    await coord.send("/warsztaty")
    await coord.press("✅ Obecność 1")
    assert "po rozpoczęciu" in coord.last_answer["text"]
    bot.clock.advance(timedelta(days=2, hours=1))  # Wednesday 10:00 Warsaw
    await coord.press("✅ Obecność 1")
    assert coord.buttons() == ["⬜ Basia Testowa", "⬜ Celina Testowa"]
    await coord.press("Basia")
    await coord.press("Celina")
    await coord.press("Celina")
    assert coord.buttons() == ["✅ Basia Testowa", "❌ Celina Testowa"]
    await basia.press("Nie będę")
    assert "zamknięte" in basia.last_answer["text"]
    hours = bot.db.call(workshops.hours_by_participant, start=date(2026, 12, 1),
                        end=date(2026, 12, 31), tz=bot.deps.settings.tz)
    assert hours == {people[1].id: Decimal(3)}
    held = bot.db.call(workshops.held_in_period, start=date(2026, 12, 1), end=date(2026, 12, 31),
                       tz=bot.deps.settings.tz)
    assert [(w.title, n) for w, n in held] == [("Gotowanie", 1)]


async def test_forged_workshop_buttons(bot: Harness) -> None:
    bot.staff("Koordynatorka", "coordinator", telegram_user_id=5001)
    anna = bot.participant("1", "Anna", telegram_user_id=1001)
    coord = bot.user(5001)
    await coord.send('/warsztat 9.12 10 "Sala" 20 2,5')
    assert "czas: 2,5 godziny" in coord.last_text
    for data in ("ws:list:abc", "ws:att:999", "ws:mark:1:x", "ws:inv:999", "ws:zzz:1"):
        await coord.press_data(data, message=coord.last_message)
        assert coord.last_answer is not None and coord.last_answer.get("show_alert"), data
    user = bot.user(1001)
    await user.press_data("ws:yes:999", message=coord.last_message)
    assert user.last_answer.get("show_alert")
    await user.press_data("ws:list:1", message=coord.last_message)  # staff only
    assert user.last_answer.get("show_alert")
    with bot.db.session() as s:
        assert s.exec(select(WorkshopSignup)).all() == []
        assert s.get(Participant, anna.id) is not None
