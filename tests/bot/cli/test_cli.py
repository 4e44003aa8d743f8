"""The `kisbot` command line, as an admin uses it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from storage import people
from storage.db import Database

HEADER = "number,first_name,last_name,gender,phone,referred_on,work_site\n"


def test_help_everywhere(kisbot) -> None:
    for args in ([], ["staff"], ["participants", "import"], ["rates", "set"], ["invite"]):
        result = kisbot(*args, "--help")
        assert result.exit_code == 0, result.output
        assert "Usage" in result.output


# The 22 municipal units of the club's H1 2021 report ("Prace społecznie użyteczne są wykonywane
# w jednostkach organizacyjnych Gminy Kędzierzyn-Koźle: …"), by the names it uses.
REPORT_UNITS = [
    "Urząd Miasta", "Miejski Zarząd Budynków Komunalnych", "Miejski Ośrodek Sportu i Rekreacji",
    "Miejski Zakład Cmentarny", "Środowiskowy Dom Samopomocy „Promyczek”",
    *(f"Publiczna Szkoła Podstawowa nr {n}" for n in (3, 5, 6, 9, 10, 11, 12, 15, 16, 20)),
    "Miejski Ośrodek Pomocy Społecznej", "Mieszkania Chronione",
    *(f"Dom Dziennego Pobytu nr {n}" for n in range(1, 6)),
]


def test_sites_ship_with_the_22_units_of_the_clubs_report(kisbot) -> None:
    result = kisbot("sites", "import")
    assert result.exit_code == 0, result.output
    assert "dodano 22" in result.output
    rows = [line.split("\t") for line in kisbot("sites", "list").output.splitlines() if line]
    assert sorted(name for _, name, _ in rows) == sorted(REPORT_UNITS)  # none invented or missing
    assert all(address == "" for *_, address in rows)  # the report gives no addresses
    assert "dodano 0, zmieniono 0" in kisbot("sites", "import").output  # idempotent


def test_participants_import_add_list(kisbot, tmp_path: Path) -> None:
    kisbot("sites", "import")
    csv = tmp_path / "p.csv"
    csv.write_text(HEADER + "1,Anna,Kowalska,K,601234567,2021-01-04,Urząd Miasta\n")
    assert kisbot("participants", "import", str(csv)).exit_code == 0
    result = kisbot("participants", "add", "--number", "2", "--first-name", "Jan",
                    "--last-name", "Nowak", "--gender", "M", "--referred-on", "01.02.2021",
                    "--phone", "602 345 678")
    assert result.exit_code == 0, result.output
    listing = kisbot("participants", "list").output
    assert "Anna Kowalska" in listing and "Urząd Miasta" in listing
    assert "Jan Nowak" in listing and "SMS" in listing


def test_bad_rows_are_listed_with_line_numbers(kisbot, tmp_path: Path, db: Database) -> None:
    csv = tmp_path / "p.csv"
    csv.write_text(HEADER + "1,Anna,Kowalska,X,601234567,2021-01-04,\n"
                   + "2,Jan,Nowak,M,123,2021-13-01,Nieznane\n")
    result = kisbot("participants", "import", str(csv))
    assert result.exit_code == 1
    assert "Nic nie zapisano" in result.output
    assert "wiersz 2: płeć musi być K lub M" in result.output
    assert "wiersz 3: nieczytelna data '2021-13-01'" in result.output
    assert "wiersz 3: nieprawidłowy numer telefonu '123'" in result.output
    assert "wiersz 3: nieznane miejsce pracy 'Nieznane'" in result.output
    assert db.call(people.list_participants) == []


def test_staff_and_rates(kisbot) -> None:
    result = kisbot("staff", "add", "--name", "Monika S.", "--role", "psychologist",
                    "--role", "coordinator", "--telegram-id", "5001")
    assert result.exit_code == 0, result.output
    assert "coordinator,psychologist" in kisbot("staff", "list").output
    assert "nieznana rola 'boss'" in kisbot("staff", "add", "--name", "X", "--role", "boss").output
    assert kisbot("rates", "set", "psu", "8,70", "--from", "2021-01-01").exit_code == 0
    assert kisbot("rates", "set", "psu", "9.00", "--from", "2021-06-01").exit_code == 0
    listing = kisbot("rates", "list").output
    assert "psu\t8.70\tod 2021-01-01" in listing and "psu\t9.00\tod 2021-06-01" in listing
    assert kisbot("rates", "set", "psu", "abc", "--from", "2021-06-01").exit_code == 2


def test_invite_prints_a_one_time_deep_link(kisbot) -> None:
    kisbot("participants", "add", "--number", "5", "--first-name", "Ola", "--last-name", "Lis",
           "--gender", "K", "--referred-on", "2021-01-04")
    result = kisbot("invite", "5")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("https://t.me/kisbot_sandbox_bot?start=")
    assert "nie ma uczestnika o numerze '404'" in kisbot("invite", "404").output


def test_bad_configuration_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["staff", "list"], env={"KIS_TIMEZONE": "Mars/Olympus"})
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "KIS_TIMEZONE" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(app, ["staff", "list"], env={"DATABASE_URL": "mysql://x/y"})
    assert result.exit_code == 2 and "unsupported database 'mysql'" in result.output
