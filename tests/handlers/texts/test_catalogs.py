"""The gettext catalogs (handlers/texts/locale): every message the code marks with _() is in
every catalog, translated, with the msgid's placeholders; a broken one falls back to Polish."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import handlers.texts as texts_package
from handlers.texts import common, i18n

TEXTS = Path(texts_package.__file__).parent


KEYWORDS = {"_": None, "N_": None, "n_": (1, 3)}  # as the README's pybabel extract


def used_msgids() -> set[str | tuple[str, str]]:
    found = (item[2] for item in extract_from_dir(TEXTS, keywords=KEYWORDS))  # (file, line, msgid, …)
    return {msgid for msgid in found if isinstance(msgid, str | tuple)}


def test_the_code_marks_messages() -> None:
    used = used_msgids()
    assert "Dzień dobry, {first_name}! 👋" in used  # _()
    assert "Najpierw dołącz przez link z zaproszeniem." in used  # N_()
    assert ("{n} godzina", "{n} godzin") in used  # n_()


@pytest.mark.parametrize("language", [lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE])
def test_every_catalog_has_every_message_translated_with_its_placeholders(language: str) -> None:
    catalog = i18n.catalog(language)
    assert catalog is not None, f"no {i18n.catalog_path(language)}"
    problems = []
    for msgid in sorted(used_msgids(), key=str):
        message = catalog.get(msgid)
        if message is None or not message.string or message.id != msgid:
            problems.append(f"{language}: missing {msgid!r}")
        elif message.fuzzy:
            problems.append(f"{language}: fuzzy {msgid!r}")
        elif not i18n.sound(msgid, message.string):
            problems.append(f"{language}: placeholders of {message.string!r} differ from {msgid!r}")
        elif isinstance(msgid, tuple) and len(message.string) != catalog.num_plurals:
            problems.append(f"{language}: {msgid!r} needs {catalog.num_plurals} forms")
    stale = sorted((m.id for m in catalog if m.id and m.id not in used_msgids()), key=str)
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


def test_constants_are_read_in_the_language_of_the_moment() -> None:
    assert common.STRANGER_CALLBACK == "Najpierw dołącz przez link z zaproszeniem."
    with i18n.speaking("uk"):
        assert common.STRANGER_CALLBACK == "Спершу приєднайтеся за посиланням-запрошенням."
    with i18n.speaking("en"):
        assert common.STRANGER_CALLBACK == "Please join first through your invitation link."


@pytest.mark.parametrize(("language", "forms"), [
    ("pl", ["1 godzina", "2 godziny", "5 godzin", "12 godzin", "22 godziny", "4,5 godziny",
            "4 godziny"]),
    ("uk", ["1 година", "2 години", "5 годин", "12 годин", "22 години", "4,5 години", "4 години"]),
    ("en", ["1 hour", "2 hours", "5 hours", "12 hours", "22 hours", "4.5 hours", "4 hours"]),
])
def test_plural_forms_follow_each_languages_rule(language: str, forms: list[str]) -> None:
    from decimal import Decimal

    from handlers.texts import fmt
    with i18n.speaking(language):
        assert [fmt.hours(n) for n in (1, 2, 5, 12, 22, Decimal("4.5"), Decimal("4.00"))] == forms


def test_a_plural_with_the_wrong_number_of_forms_falls_back_to_polish(
        monkeypatch: pytest.MonkeyPatch) -> None:
    broken = Catalog(locale="uk")
    broken.add(("{n} godzina", "{n} godzin"), ("{n} година", "{n} годин"))  # two of three forms
    monkeypatch.setattr(i18n, "catalog", lambda language: broken)
    with i18n.speaking("uk"):
        assert i18n.n_("{n} godzina", "{n} godziny", "{n} godzin", 5) == "5 godzin"


def test_the_language_is_per_context_and_polish_by_default() -> None:
    assert common.welcome_back("Olena").startswith("Dzień dobry")
    with i18n.speaking("uk"):
        assert common.welcome_back("Olena") == "Добрий день, Olena! Оберіть, що хочете зробити:"
        with i18n.speaking("xx"):  # unknown: Polish
            assert common.welcome_back("Olena").startswith("Dzień dobry")
        with i18n.speaking("en"):
            assert common.welcome_back("John") == "Hello, John! Choose what you want to do:"
    assert common.welcome_back("Anna").startswith("Dzień dobry")


def test_the_template_lists_what_the_code_marks() -> None:
    """handlers/texts/locale/kisbot.pot is what translators start from: regenerated (README's
    `pybabel extract` line) whenever a marked message changes."""
    with (TEXTS / "locale" / "kisbot.pot").open("rb") as pot:
        template = read_po(pot)
    assert {m.id for m in template if m.id} == used_msgids()
