"""/jezykosoby and `kisbot participants edit --language`: staff set a participant's language
(audited once; repeats, forged presses and people without the role change nothing), and what
the club sends next comes in it."""

from __future__ import annotations

from storage import audit, people
from tests.auxil.factories import at
from tests.auxil.harness import Harness

STALE = "Ten przycisk jest już nieaktualny. Napisz /jezykosoby NUMER jeszcze raz."


async def test_a_social_worker_sets_a_language_by_button_then_reminders_follow(bot: Harness) -> None:
    worker_row = bot.staff("Ola", "social_worker", telegram_user_id=7101)
    member = bot.staff("Monika", "psychologist", telegram_user_id=5001)
    olena = bot.make.participant("12", "Olena", telegram_user_id=1001, phone="+48601000001")
    worker = bot.user(7101, "Ola")
    await worker.send("/jezykosoby 12")
    assert worker.last_text.startswith("Uczestnik 12 czyta teraz: polski.")
    assert worker.buttons() == ["🇵🇱 Polski", "🇺🇦 Українська", "🇬🇧 English"]
    question = worker.last_message
    await worker.press("🇺🇦 Українська")
    assert worker.last_text == ("Zapisane: uczestnik 12 dostaje teraz wiadomości w języku: "
                                "ukraiński.")
    await worker.press_data(f"jo:{olena.id}:uk", message=question)  # a repeat
    assert worker.last_text == "Uczestnik 12 już ma język: ukraiński. Nic nie zmieniono."
    for forged in (f"jo:{olena.id}:de", "jo:999999:uk", "jo:x:uk", f"jo:{olena.id}:uk:1"):
        await worker.press_data(forged, message=question)
        assert worker.last_answer is not None and worker.last_answer["text"] == STALE
    entries = bot.db.call(audit.about, target=f"participant:{olena.id}")
    assert [(e.actor, e.action) for e in entries if e.action == "participant_language"] == [
        (f"staff:{worker_row.id}", "participant_language")]
    assert bot.db.call(people.get_participant, number="12").language == "uk"
    [slot, *_] = bot.make.slots(member, "08.12", "10:00-11:00")
    bot.make.booking(bot.db.call(people.get_participant, number="12"), slot)
    await bot.tick(at(2026, 12, 7, 10, 0))
    assert bot.api.chat(1001)[-1].text.startswith("⏰ Нагадування:")


async def test_set_at_once_usage_and_who_may(bot: Harness) -> None:
    bot.staff("Jan", "coordinator", telegram_user_id=7102)
    bot.staff("Monika", "psychologist", telegram_user_id=5001)
    bot.make.participant("12", "John", telegram_user_id=1001)
    coordinator = bot.user(7102, "Jan")
    await coordinator.send("/jezykosoby 12 english")
    assert coordinator.last_text.endswith("w języku: angielski.")
    await coordinator.send("/jezykosoby 12 klingon")
    assert coordinator.last_text == "Język musi być pl, uk lub en."
    await coordinator.send("/jezykosoby")
    assert coordinator.last_text.startswith("Użycie: /jezykosoby NUMER")
    await coordinator.send("/jezykosoby 99 uk")
    assert "99" in coordinator.last_text  # no such participant, said plainly
    psychologist = bot.user(5001, "Monika")
    await psychologist.send("/jezykosoby 12 pl")
    john = bot.user(1001, "John")
    await john.send("/jezykosoby 12 pl")
    assert bot.db.call(people.get_participant, number="12").language == "en"
