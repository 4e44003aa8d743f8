"""The README's run command, used in a real headless Chromium as a new user would.

A participant books a consultation by clicking, the psychologist sees it in /agenda, hours are
logged, the coordinator gets the report with its XLSX and chart; every step is printed
(pytest -s) and listed in test-artifacts/sandbox-browser-steps.txt beside the screenshot.
"""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

from handlers.texts import common as texts
from tests.bot.sandbox.browser import Pane, chromium, require_browser, wait_until
from tests.bot.sandbox.conftest import SandboxProcess

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
BOOKED = re.compile(r"umówion|zarezerwowan|zapisan|potwierdz", re.IGNORECASE)
CONFIRM = re.compile(r"^(✅ )?(tak|potwierdzam|potwierdź|zarezerwuj|umów)", re.IGNORECASE)


def book_with_psychologist(anna: Pane, steps: list[str]) -> str:
    """Click through /wizyta: the psychologist, then the first offered day and time, confirm."""
    reply = anna.press(re.compile("psycholog", re.IGNORECASE))
    steps.append("Anna: wybór usługi (psycholog)")
    for _ in range(4):
        if BOOKED.search(reply):
            break
        labels = anna.button_labels()
        confirm = [label for label in labels if CONFIRM.search(label)]
        choice = confirm[0] if confirm else labels[0]
        reply = anna.press(choice)
        steps.append(f"Anna: przycisk {choice!r}")
    assert BOOKED.search(reply), reply
    return reply


def test_a_new_user_books_and_logs_hours_in_the_browser(sandbox: SandboxProcess) -> None:
    require_browser()
    ARTIFACTS.mkdir(exist_ok=True)
    steps: list[str] = []
    with chromium() as driver:
        driver.get(f"{sandbox.url}/#p1,s1,p8")
        wait_until(lambda: len(driver.find_elements("css selector", "section.pane")) == 3,
                   "the page with three panes")
        anna, psychologist, phone = Pane(driver, 0), Pane(driver, 1), Pane(driver, 2)
        assert "Anna Kowalska" in anna.element.text and "tylko SMS" in phone.element.text

        assert anna.type("/start").startswith("Dzień dobry, Anna!")
        steps.append("Anna: /start → powitanie z menu")
        assert texts.HELP_HEADER in anna.press("Pomoc")
        steps.append("Anna: przycisk Pomoc → lista poleceń")

        anna.type("/wizyta")
        booked = book_with_psychologist(anna, steps)
        agenda = psychologist.type("/agenda")
        assert "Anna Kowalska" in agenda, agenda
        steps.append(f"Psycholog: /agenda pokazuje wizytę Anny ({booked[:40]!r})")

        anna.type("/godziny")
        saved = anna.press("2 h")
        assert saved.startswith("Zapisano 2 godziny"), saved
        steps.append("Anna: /godziny → przycisk 2 h → zapisano")

        coordinator = psychologist
        coordinator.choose("Jan Kos")
        coordinator.type("/raport")
        coordinator.press_first()
        wait_until(lambda: len(coordinator.shown_pictures()) >= 1, "the report's charts")
        name, href = wait_until(coordinator.document_links, "the report's XLSX")[0]
        assert name.endswith(".xlsx")
        with urllib.request.urlopen(href, timeout=10) as response:
            assert response.read(2) == b"PK"  # an XLSX is a zip file
        steps.append(f"Koordynator: /raport → tekst, {name} (pobrany), "
                     f"wykresy na czacie: {len(coordinator.shown_pictures())}")

        assert phone.type("POMOC").startswith("Napisz: GODZINY 4")
        steps.append("Telefon SMS: POMOC → lista poleceń SMS")

        clock = driver.find_element("id", "clock")
        before = clock.text
        driver.find_element("css selector", "button[data-minutes='1440']").click()
        wait_until(lambda: clock.text not in {before, "…"}, "the clock to move a day")
        steps.append(f"Zegar: +1 dzień ({before} → {clock.text})")

        driver.save_screenshot(str(ARTIFACTS / "sandbox-browser.png"))
    (ARTIFACTS / "sandbox-browser-steps.txt").write_text("\n".join(steps) + "\n")
    print("\n".join(steps))
