"""The sender's settings: the new names, and the broadcast names they replace still read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from storage.settings import DEPRECATED, load_settings

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def test_defaults_pace_bulk_sends_under_telegrams_limit() -> None:
    settings = load_settings(None)
    assert (settings.telegram_bulk_rate, settings.send_concurrency, settings.sms_rate) == (28, 16, 5)


@pytest.mark.parametrize(("old", "new"), sorted(DEPRECATED.items()))
def test_a_deprecated_name_is_read_with_a_warning(old: str, new: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(old.upper(), "3")
    with pytest.warns(DeprecationWarning, match=f"{old.upper()} is deprecated: use {new.upper()}"):
        settings = load_settings(None)
    assert getattr(settings, new) == 3
    monkeypatch.setenv(new.upper(), "7")
    assert getattr(load_settings(None), new) == 7  # the new name wins


def test_env_example_documents_the_new_and_the_old_names() -> None:
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    for old, new in DEPRECATED.items():
        assert re.search(rf"^# {new.upper()}=", text, re.M), new
        assert f"{old.upper()} (→ {new.upper()})" in text, old
