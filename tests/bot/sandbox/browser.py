"""Driving the sandbox page in headless Chromium (Selenium with Debian's chromium-driver)."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT = 15.0
ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1500,950", "--lang=pl")


def require_browser() -> None:
    """Skip without Chromium, except in CI (CI=true), where that is a failure."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(p)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package (pip install -e .[dev])")
    if missing:
        reason = f"browser test needs {', '.join(missing)} (apt-get install chromium chromium-driver)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium with a fresh profile, driven through the system chromedriver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="kisbot-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (*ARGS, f"--user-data-dir={profile}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


class Pane:
    """One chat pane of the page, used the way a person would."""

    def __init__(self, driver: Any, index: int) -> None:
        self.driver = driver
        self.index = index

    @property
    def element(self) -> Any:
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, "section.pane")[self.index]

    def _css(self, selector: str) -> list[Any]:
        from selenium.webdriver.common.by import By

        return self.element.find_elements(By.CSS_SELECTOR, selector)

    def bot_texts(self) -> list[str]:
        """Texts of the bot's bubbles, oldest first (read again when the page redrew the chat
        meanwhile, e.g. a notice's progress message being edited)."""
        from selenium.common.exceptions import StaleElementReferenceException

        for _ in range(20):
            try:
                return [b.text for b in self._css(".bubble.bot .text")]
            except StaleElementReferenceException:
                time.sleep(0.1)
        return [b.text for b in self._css(".bubble.bot .text")]

    def snapshot(self) -> str:
        """Everything the chat shows now."""
        return self._css(".chat")[0].text

    def choose(self, name: str) -> None:
        """Pick a demo person in the pane's list."""
        from selenium.webdriver.support.ui import Select

        select = Select(self._css("select.who")[0])
        select.select_by_visible_text(next(o.text for o in select.options if o.text.startswith(name)))

    def type(self, text: str) -> str:
        """Type a message, press Wyślij, and return the newest bot text once the chat settles."""
        before = self.snapshot()
        field = self._css("input.text")[0]
        field.clear()
        field.send_keys(text)
        self._css("button.send")[0].click()
        return self.settle(before)

    def press(self, label: str | re.Pattern[str]) -> str:
        """Press the matching button under the newest message that has it; the newest bot text."""
        before = self.snapshot()
        buttons = [b for b in self._css(".keyboard button.key") if _matches(label, b.text)]
        assert buttons, f"no button {label!r} in pane {self.index}: {self.button_labels()}"
        buttons[-1].click()
        return self.settle(before)

    def press_first(self) -> str:
        """Press the first button under the newest message with buttons."""
        labels = self.button_labels()
        assert labels, f"no buttons in pane {self.index}"
        return self.press(labels[0])

    def shown_pictures(self) -> list[Any]:
        """Pictures in the chat that the browser has actually loaded and drawn."""
        return [img for img in self._css("img.photo")
                if self.driver.execute_script("return arguments[0].naturalWidth", img) > 0]

    def document_links(self) -> list[tuple[str, str]]:
        """(file name, URL) of each document in the chat."""
        return [(a.get_attribute("download"), a.get_attribute("href"))
                for a in self._css("a.document")]

    def button_labels(self) -> list[str]:
        """Labels of the newest message's buttons."""
        keyboards = self._css(".keyboard")
        return [b.text for b in keyboards[-1].find_elements("css selector", "button")] \
            if keyboards else []

    def settle(self, before: str) -> str:
        """Wait until the chat changed and then stayed the same for a moment; the last bot text."""
        wait_until(lambda: self.snapshot() != before, f"a reply in pane {self.index}")
        stable, last = 0, self.snapshot()
        while stable < 3:
            time.sleep(0.25)
            now = self.snapshot()
            stable, last = (stable + 1, now) if now == last else (0, now)
        texts = self.bot_texts()
        return texts[-1] if texts else ""


def _matches(label: str | re.Pattern[str], text: str) -> bool:
    return bool(label.search(text)) if isinstance(label, re.Pattern) else label in text


def wait_until(check: Callable[[], Any], what: str, timeout: float = WAIT) -> Any:
    """Poll `check` until truthy; AssertionError after `timeout` seconds. An element the
    page redrew while `check` read it counts as not yet (read again)."""
    from selenium.common.exceptions import StaleElementReferenceException

    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
        except StaleElementReferenceException:
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)
