"""The gettext catalogs (handlers/texts/locale): every message the code marks with _() is in
every catalog, translated, with the msgid's placeholders; a broken one falls back to Polish."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir

import handlers.texts as texts_package
from handlers.texts import common, i18n

TEXTS = Path(texts_package.__file__).parent


def used_msgids() -> set[str]:
    found = (item[2] for item in extract_from_dir(TEXTS, keywords={"_": None}))  # (file, line, msgid, …)
    return {msgid for msgid in found if isinstance(msgid, str)}


def test_the_code_marks_messages() -> None:
    assert "Dzień dobry, {first_name}! 👋" in used_msgids()


@pytest.mark.parametrize("language", [lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE])
def test_every_catalog_has_every_message_translated_with_its_placeholders(language: str) -> None:
    catalog = i18n.catalog(language)
    assert catalog is not None, f"no {i18n.catalog_path(language)}"
    problems = []
    for msgid in sorted(used_msgids()):
        message = catalog.get(msgid)
        if message is None or not message.string:
            problems.append(f"{language}: missing {msgid!r}")
        elif message.fuzzy:
            problems.append(f"{language}: fuzzy {msgid!r}")
        elif i18n.fields(message.string) != i18n.fields(msgid):
            problems.append(f"{language}: placeholders of {message.string!r} differ from {msgid!r}")
    stale = sorted(m.id for m in catalog if m.id and m.id not in used_msgids())
    assert problems == [] and stale == [], problems + [f"{language}: unused {s!r}" for s in stale]


@pytest.mark.parametrize("language", ["uk", "en"])
def test_the_plural_rules_come_from_babel(language: str) -> None:
    catalog = i18n.catalog(language)
    assert catalog is not None
    assert catalog.num_plurals == {"uk": 3, "en": 2}[language]


def test_a_broken_or_missing_translation_falls_back_to_polish(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = Catalog(locale="uk")
    broken.add("Dzień dobry, {first_name}! 👋", "Добрий день, {name}! 👋")
    monkeypatch.setattr(i18n, "catalog", lambda language: broken)
    with i18n.speaking("uk"):
        assert common.welcome_back("Olena") == "Dzień dobry, Olena! Wybierz, co chcesz zrobić:"
        assert common.greeting("Olena", "K").startswith("Dzień dobry, Olena! 👋")


def test_the_language_is_per_context_and_polish_by_default() -> None:
    assert common.welcome_back("Olena").startswith("Dzień dobry")
    with i18n.speaking("uk"):
        assert common.welcome_back("Olena") == "Добрий день, Olena! Оберіть, що хочете зробити:"
        with i18n.speaking("xx"):  # unknown: Polish
            assert common.welcome_back("Olena").startswith("Dzień dobry")
        with i18n.speaking("en"):
            assert common.welcome_back("John") == "Hello, John! Choose what you want to do:"
    assert common.welcome_back("Anna").startswith("Dzień dobry")
