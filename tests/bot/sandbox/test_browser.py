"""The README's run command, used in a real headless Chromium as a new user would.

A participant books a consultation by clicking, the psychologist sees it in /agenda, hours are
logged, the coordinator gets the report with its XLSX and chart; the clock is moved a day at a
time until the promised reminder arrives, and the coordinator's notice is seen on an SMS-only
phone exactly as the provider got it; every step is printed
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

        # Issue 19: moving the clock runs the scheduler as production would, so the reminder
        # promised at booking arrives (a day at a time until the consultation's day comes).
        clock = driver.find_element("id", "clock")
        for _ in range(10):
            before = clock.text
            day_button = driver.find_element("css selector", "button[data-minutes='1440']")
            day_button.click()
            wait_until(lambda day_button=day_button: day_button.is_enabled() and "moving" not in (
                driver.find_element("tag name", "body").get_attribute("class") or ""),
                "the clock to live through the day", timeout=90)
            wait_until(lambda before=before: clock.text not in {before, "…"}, "the new time")
            steps.append(f"Zegar: +1 dzień ({before} → {clock.text})")
            if any(t.startswith("⏰ Przypomnienie:") for t in anna.bot_texts()):
                break
        reminder = wait_until(lambda: [t for t in anna.bot_texts()
                                       if t.startswith("⏰ Przypomnienie:")], "the reminder")[0]
        assert "psycholog" not in reminder.lower(), reminder  # discreet by default
        steps.append(f"Anna: przypomnienie przyszło ({reminder.splitlines()[0]!r})")

        # A notice from the coordinator reaches the SMS-only phone as the provider sent it.
        coordinator.type("/ogloszenie Jutro zebranie o 10:00 w świetlicy.")
        coordinator.press("Dalej bez tłumaczenia")  # a Ukrainian version is offered (Solomiia)
        coordinator.press("Wszyscy aktywni")
        coordinator.press("Wyślij teraz")
        notice = wait_until(lambda: [b for b in phone.element.find_elements(
            "css selector", ".bubble.bot.sms") if "zebranie" in b.text], "the notice on the phone",
            timeout=30)[0]
        assert "Jutro zebranie o 10:00 w swietlicy." in notice.text  # transliterated, as sent
        assert "1 SMS (GSM-7)" in notice.text, notice.text
        steps.append(f"Telefon SMS: ogłoszenie koordynatora ({notice.text!r})")

        driver.save_screenshot(str(ARTIFACTS / "sandbox-browser.png"))
    (ARTIFACTS / "sandbox-browser-steps.txt").write_text("\n".join(steps) + "\n")
    print("\n".join(steps))
