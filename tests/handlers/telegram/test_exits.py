"""/zakonczenie through the real PTB stack, then the annual report from the CSV imports and that
press: a social worker records an exit with a button; repeats and forged buttons change nothing."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from storage import audit, people
from storage.models import ExitOutcome
from tests.auxil.annual_data import load_year
from tests.auxil.harness import Harness

STALE = "Ten przycisk jest już nieaktualny."
OUTCOME_LABELS = ["Praca: umowa o pracę", "Praca: umowa zlecenie", "Własna działalność",
                  "CIS / przedsiębiorstwo społeczne", "Program ukończony",
                  "Przerwanie bez ukończenia", "Inny powód"]


def rows(book, sheet: str) -> list[list[object]]:
    """A sheet's rows without the empty cells after each row's last value."""
    out = []
    for row in book[sheet].iter_rows(values_only=True):
        cells = list(row)
        while cells and cells[-1] is None:
            cells.pop()
        out.append(cells)
    return out


async def test_exit_by_button_then_the_annual_report(bot: Harness, tmp_path: Path) -> None:
    ids = load_year(bot.db, tmp_path, social_worker_telegram=7101, coordinator_telegram=7102)
    worker = bot.user(7101, "Ola")
    await worker.send("/zakonczenie R7 15.12.2021")
    assert worker.last_text == ("Uczestnik nr R7 – zakończenie udziału 15.12.2021.\n"
                                "Jak zakończył się udział?")
    assert worker.buttons() == OUTCOME_LABELS
    question = worker.last_message
    await worker.press("Własna działalność")
    assert worker.last_text == ("Zapisano: uczestnik nr R7, koniec udziału 15.12.2021, "
                                "zatrudnienie: własna działalność gospodarcza.")
    r7 = bot.db.call(people.get_participant, number="R7")
    assert (str(r7.left_on), r7.exit_outcome) == ("2021-12-15", ExitOutcome.wlasna_firma)
    await worker.press_data(f"ex:{r7.id}:20211215:wlasna_firma", message=question)  # a repeat
    assert worker.last_text == "To zakończenie udziału uczestnika nr R7 jest już zapisane."
    entries = bot.db.call(audit.about, target=f"participant:{r7.id}")
    assert [(e.actor, e.action) for e in entries] == [
        (f"staff:{ids['social_worker']}", "participant_exit")]

    coordinator = bot.user(7102, "Jan")
    await coordinator.send("/raport")
    await coordinator.press_data("rp:y:2021")
    document = coordinator.last_document
    assert document is not None and document.filename == "sprawozdanie_roczne_2021.xlsx"
    book = load_workbook(io.BytesIO(document.data))
    assert book.sheetnames == ["I Pracownicy", "II Uczestnicy", "III Działania", "IV Dotacje"]
    people_rows = rows(book, "II Uczestnicy")
    assert ["Razem", 6, 3, 3, 3, 1, 2, 2, 0, 2] in people_rows
    assert ["pkt 5 – długotrwale bezrobotni", 2, 1, 1, 2, 1, 1, 1, 0, 1] in people_rows
    assert ["zatrudnienie: własna działalność gospodarcza", 1, 0, 1] in people_rows
    staff_rows = rows(book, "I Pracownicy")
    assert [1, "psycholog", "umowa o pracę", "0,5 etatu", "01.07.2021–31.12.2021"] in staff_rows
    assert [None, "Przeciętny wymiar zatrudnienia w roku (etaty)", 1.5] in staff_rows
    assert [None, "Razem", 125000, 123500.5, 1499.5] in rows(book, "IV Dotacje")
    activities = rows(book, "III Działania")
    assert ["prace społecznie użyteczne (liczba zajęć: dni pracy)", 3, 11.5, 2, 1, 1, 1, 0, 1] \
        in activities
    text = "\n".join(coordinator.texts)
    assert "Część IV. Rozliczenie przyznanych dotacji za rok 2021" in text
    cells = {str(c) for sheet in book.sheetnames for row in rows(book, sheet) for c in row}
    for name in ("Gniewko", "Testowa", "Testowy", "Psycholog Testowy"):  # counted, never named
        assert name not in text and not any(name in c for c in cells)


async def test_a_correction_shows_what_was_recorded(bot: Harness, tmp_path: Path) -> None:
    load_year(bot.db, tmp_path, social_worker_telegram=7101)
    worker = bot.user(7101, "Ola")
    await worker.send("/leave R5 30.11.2021")
    assert "Już zapisano: 30.11.2021, przerwanie uczestnictwa bez ukończenia." in worker.last_text
    await worker.press("Praca: umowa zlecenie")
    assert worker.last_text.startswith("Poprawiono: uczestnik nr R5, koniec udziału 30.11.2021")
    r5 = bot.db.call(people.get_participant, number="R5")
    assert r5.exit_outcome is ExitOutcome.umowa_zlecenie


async def test_bad_input_and_forged_buttons_fail_politely(bot: Harness, tmp_path: Path) -> None:
    load_year(bot.db, tmp_path, social_worker_telegram=7101)
    worker = bot.user(7101, "Ola")
    for text in ("/zakonczenie", "/zakonczenie R7 jutro", "/zakonczenie R7 1.1.2021 x"):
        await worker.send(text)
        assert worker.last_text.startswith("Użycie: /zakonczenie NUMER [DATA]"), text
    await worker.send("/start")  # the menu button says what to type
    await worker.press("🏁 Zakończenie udziału")
    assert worker.last_text.startswith("Użycie: /zakonczenie NUMER [DATA]")
    await worker.send("/zakonczenie X9")
    assert worker.last_text == "Nie ma uczestnika o numerze X9."
    await worker.send("/zakonczenie R7 31.05.2021")
    assert worker.last_text == ("Dzień zakończenia (31.05.2021) jest wcześniejszy niż "
                                "skierowanie do klubu (01.06.2021).")
    await worker.send("/zakonczenie R7 15.12.2021")
    r7 = bot.db.call(people.get_participant, number="R7")
    for data in (f"ex:{r7.id}:20211315:inne", f"ex:{r7.id}:20211215:praca", "ex:999999:20211215:inne",
                 f"ex:{r7.id}:2021-12-15:inne", "ex:"):
        await worker.press_data(data)
        assert worker.last_answer is not None and worker.last_answer["text"] == STALE, data
    await worker.press_data(f"ex:{r7.id}:20300101:inne")  # after the clock's today
    assert worker.last_answer["text"].startswith("Nie można zapisać zakończenia udziału")
    await worker.press_data(f"ex:{r7.id}:20210501:inne")
    assert worker.last_answer["text"].startswith("Dzień zakończenia (01.05.2021)")
    assert bot.db.call(people.get_participant, number="R7").left_on is None


async def test_only_social_workers_coordinators_and_admins(bot: Harness, tmp_path: Path) -> None:
    load_year(bot.db, tmp_path)
    bot.staff("Monika", "psychologist", telegram_user_id=7103)
    monika = bot.user(7103, "Monika")
    await monika.send("/zakonczenie R7")
    assert monika.last_text == "Ta funkcja nie jest dostępna na Twoim koncie."
    r7 = bot.db.call(people.get_participant, number="R7")
    await monika.send("/pomoc")
    await monika.press_data(f"ex:{r7.id}:20211215:inne", message=monika.last_message)
    assert bot.db.call(people.get_participant, number="R7").left_on is None
