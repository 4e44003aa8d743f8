"""`kisbot db backup`, `kisbot db restore` and `kisbot status`, as an admin types them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from storage.db import Database
from tests.auxil.factories import Factory
from tests.auxil.filled import every_row


@pytest.fixture
def kisbot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run `kisbot ARGS` with the given environment (no .env, no bot listening)."""
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str, **env: str):
        base = {"TELEGRAM_BOT_TOKEN": "", "HEALTH_PORT": "0", "BACKUP_PASSPHRASE": "",
                "BACKUP_KEY_FILE": "", "BACKUP_DIR": str(tmp_path / "backups")}
        return CliRunner().invoke(app, list(args), env={**base, **env})
    return invoke


def test_backup_and_restore_round_trip_through_the_cli(kisbot, make: Factory, db: Database,
                                                       db_url: str, other_url: str,
                                                       tmp_path: Path) -> None:
    make.participant("12", "Anna", phone="+48601234567")
    make.staff("Monika", "admin", telegram_user_id=5001)
    done = kisbot("db", "backup", "--out", "kopia.tar.gz", DATABASE_URL=db_url)
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("Kopia zapisana: kopia.tar.gz (")
    assert "nie jest zaszyfrowana" in done.stderr
    assert stat.S_IMODE(os.stat(tmp_path / "kopia.tar.gz").st_mode) == 0o600
    restored = kisbot("db", "restore", "kopia.tar.gz", DATABASE_URL=other_url)
    assert restored.exit_code == 0, restored.output
    assert restored.stdout.startswith("Odtworzono bazę z kopii z ")
    target = Database(other_url)
    try:
        mine, theirs = every_row(db.engine), every_row(target.engine)
    finally:
        target.dispose()
    mine.pop("runtime_facts"), theirs.pop("runtime_facts")  # the backup itself was recorded after
    assert mine == theirs
    again = kisbot("db", "restore", "kopia.tar.gz", DATABASE_URL=other_url)
    assert again.exit_code == 2
    assert "baza docelowa nie jest pusta" in again.stderr and "--force" in again.stderr
    forced = kisbot("db", "restore", "--force", "kopia.tar.gz", DATABASE_URL=other_url)
    assert forced.exit_code == 0, forced.output


def test_an_encrypted_backup_and_a_wrong_passphrase(kisbot, make: Factory, db_url: str,
                                                    other_url: str, tmp_path: Path) -> None:
    make.staff("Monika", "admin")
    done = kisbot("db", "backup", DATABASE_URL=db_url, BACKUP_PASSPHRASE="dobre hasło do kopii")
    assert done.exit_code == 0, done.output
    [made] = (tmp_path / "backups").iterdir()
    assert made.name.endswith(".tar.gz.enc") and str(made.name) in done.stdout
    assert stat.S_IMODE(os.stat(tmp_path / "backups").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(made).st_mode) == 0o600
    wrong = kisbot("db", "restore", str(made), DATABASE_URL=other_url, BACKUP_PASSPHRASE="złe")
    assert wrong.exit_code == 2
    assert wrong.stderr == ("Błąd: złe hasło kopii (BACKUP_PASSPHRASE albo BACKUP_KEY_FILE) "
                            "albo plik kopii jest uszkodzony\n")
    missing = kisbot("db", "restore", str(made), DATABASE_URL=other_url)
    assert "kopia jest zaszyfrowana: ustaw BACKUP_PASSPHRASE" in missing.stderr
    key = tmp_path / "backup.key"
    key.write_text("dobre hasło do kopii\n")
    right = kisbot("db", "restore", str(made), DATABASE_URL=other_url, BACKUP_KEY_FILE=str(key))
    assert right.exit_code == 0, right.output
    absent = kisbot("db", "restore", "nie-ma.tar.gz", DATABASE_URL=other_url)
    assert absent.exit_code == 2 and "nie można odczytać pliku kopii nie-ma.tar.gz" in absent.stderr


def test_status_at_a_glance(kisbot, make: Factory, db_url: str) -> None:
    quiet = kisbot("status", DATABASE_URL=db_url)
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stdout.splitlines() == [
        "Bot: bez adresu stanu (HEALTH_PORT=0).",
        "Kolejka: nic nie czeka na wysłanie; zaplanowane na później: 0; w trakcie wysyłki: 0.",
        "Ostatnie 24 godziny: wysłane 0, nieudane 0.",
        "Ostatnia wysyłka: jeszcze żadnej.",
        "Ostatnia kopia: jeszcze żadnej (kisbot db backup).",
    ]
    assert kisbot("db", "backup", DATABASE_URL=db_url).exit_code == 0
    after = kisbot("status", DATABASE_URL=db_url).stdout.splitlines()
    assert after[-1].startswith("Ostatnia kopia: ") and after[-1].endswith(" KB).")
    down = kisbot("status", DATABASE_URL=db_url, HEALTH_PORT="1").stdout.splitlines()
    assert down[0] == ("Bot: nie odpowiada pod http://127.0.0.1:1/healthz (nie działa albo "
                       "HEALTH_PORT jest inny).")


def test_a_backup_takes_the_database_as_it_is(kisbot, tmp_path: Path) -> None:
    """No upgrade first (a backup before `kisbot db upgrade`), and nothing to copy is said."""
    url = f"sqlite:///{tmp_path / 'never-migrated.db'}"
    done = kisbot("db", "backup", "--out", "x.tar.gz", DATABASE_URL=url)
    assert done.exit_code == 2
    assert done.stderr == ("Błąd: baza nie ma jeszcze tabel kisbota (kisbot db upgrade): nie ma "
                           "czego kopiować\n")
    assert not (tmp_path / "x.tar.gz").exists()
