"""The sender's settings: the new names, and the broadcast names they replace still read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from storage.settings import DEPRECATED, Settings, load_settings

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


def test_env_example_documents_the_backup_and_health_settings() -> None:
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    names = [n for n in Settings.model_fields if n.startswith(("backup_", "health_"))]
    assert len(names) == 9
    for name in names:
        assert re.search(rf"^# {name.upper()}=", text, re.M), name


def test_the_backup_secret_comes_from_the_key_file_or_the_passphrase(tmp_path: Path) -> None:
    from storage.settings import ConfigError

    assert load_settings(None, backup_passphrase="").backup_secret() is None
    assert load_settings(None, backup_dir="").backup_dir is None  # no daily backup
    assert load_settings(None, backup_passphrase="hasło").backup_secret() == "hasło".encode()
    key = tmp_path / "backup.key"
    key.write_text("  a-key-of-at-least-16-characters\n")
    chosen = load_settings(None, backup_passphrase="hasło", backup_key_file=str(key))
    assert chosen.backup_secret() == b"a-key-of-at-least-16-characters"
    assert "hasło" in chosen.secrets()  # never in a log
    key.write_text("short")
    with pytest.raises(ConfigError, match="at least 16 characters"):
        chosen.backup_secret()
    with pytest.raises(ConfigError, match="BACKUP_KEY_FILE: cannot read"):
        load_settings(None, backup_key_file=str(tmp_path / "missing")).backup_secret()


@pytest.mark.parametrize("name", ["Klub", "KIS Opole", "MOPS", "OPS Gmina", "Psycholog", "Pomoc"])
def test_a_sender_name_that_tells_where_the_sms_is_from_is_refused(name: str) -> None:
    from storage.settings import ConfigError
    with pytest.raises(ConfigError, match=r"SMS_SENDER: .*must not name the club"):
        load_settings(None, sms_sender=name)


def test_the_sender_name_is_unset_by_default_and_a_neutral_one_is_kept() -> None:
    assert load_settings(None).sms_sender is None
    assert load_settings(None, sms_sender="").sms_sender is None
    assert load_settings(None, sms_sender="Info").sms_sender == "Info"
