"""Participants and staff: imports are all-or-nothing and name every bad row."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from storage import people, sites
from storage.clock import ManualClock
from storage.csvfile import ImportFailed
from storage.db import Database
from storage.errors import DomainError
from storage.models import Role

HEADER = "number,first_name,last_name,gender,phone,referred_on,work_site\n"


def write(tmp_path: Path, body: str, name: str = "people.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding=encoding)
    return path


@pytest.fixture
def with_sites(db: Database, tmp_path: Path) -> Database:
    db.call(sites.import_sites, path=write(tmp_path, "name\nPark Miejski\nBiblioteka\n", "s.csv"))
    return db


def test_import_adds_every_row_in_any_notation(with_sites: Database, tmp_path: Path,
                                               clock: ManualClock) -> None:
    path = write(tmp_path, HEADER
                 + "1,Anna,Kowalska,K,601 234 567,2021-01-04,Park Miejski\n"
                 + "2,Jan,Nowak,m,+48 602-345-678,15.02.2021,\n"
                 + "3,Ewa,Wiśniewska,K,,2021-03-01,biblioteka\n")
    result = with_sites.call(people.import_participants, path=path, actor="cli", now=clock.now())
    assert result.created == 3
    listed = with_sites.call(people.list_participants)
    assert [(p.number, p.gender, p.phone, p.referred_on) for p in listed] == [
        ("1", "K", "+48601234567", date(2021, 1, 4)),
        ("2", "M", "+48602345678", date(2021, 2, 15)),
        ("3", "K", None, date(2021, 3, 1)),
    ]
    assert listed[0].work_site_id is not None and listed[1].work_site_id is None


def test_import_reports_every_bad_row_and_saves_nothing(with_sites: Database, tmp_path: Path,
                                                        clock: ManualClock) -> None:
    path = write(tmp_path, HEADER
                 + "1,Anna,Kowalska,K,601234567,2021-01-04,Park Miejski\n"
                 + "2,Jan,Nowak,X,601234568,2021-01-04,\n"
                 + "3,Ewa,Lis,K,601234569,31.02.2021,\n"
                 + "4,Olga,Kot,K,12,2021-01-04,\n"
                 + "5,Piotr,Wąs,M,601234570,2021-01-04,Zoo\n"
                 + "1,Adam,Bis,M,601234571,2021-01-04,\n")
    with pytest.raises(ImportFailed) as failed:
        with_sites.call(people.import_participants, path=path, actor="cli", now=clock.now())
    assert [(e.line, e.code) for e in failed.value.errors] == [
        (3, "bad_gender"), (4, "bad_referred_on"), (5, "bad_phone"), (6, "unknown_site"),
        (7, "duplicate")]
    assert with_sites.call(people.list_participants) == []


def test_import_refuses_numbers_already_in_the_club(with_sites: Database, tmp_path: Path,
                                                   clock: ManualClock) -> None:
    first = write(tmp_path, HEADER + "7,Anna,Kowalska,K,601234567,2021-01-04,\n", "a.csv")
    with_sites.call(people.import_participants, path=first, actor="cli", now=clock.now())
    again = write(tmp_path, HEADER + "7,Anna,Kowalska,K,,2021-01-04,\n"
                  + "8,Jan,Nowak,M,601 234 567,2021-01-04,\n", "b.csv")
    with pytest.raises(ImportFailed) as failed:
        with_sites.call(people.import_participants, path=again, actor="cli", now=clock.now())
    assert [(e.line, e.code, e.params["column"]) for e in failed.value.errors] == [
        (2, "exists", "number"), (3, "exists", "phone")]


def test_import_reads_excel_semicolons_and_windows_1250(with_sites: Database, tmp_path: Path,
                                                        clock: ManualClock) -> None:
    body = HEADER.replace(",", ";") + "9;Łucja;Żółć;K;601234567;04.01.2021;Park Miejski\n"
    path = write(tmp_path, body, encoding="cp1250")
    with_sites.call(people.import_participants, path=path, actor="cli", now=clock.now())
    [p] = with_sites.call(people.list_participants)
    assert (p.first_name, p.last_name) == ("Łucja", "Żółć")


def test_missing_columns_are_named(db: Database, tmp_path: Path, clock: ManualClock) -> None:
    path = write(tmp_path, "number,first_name\n1,Anna\n")
    with pytest.raises(ImportFailed) as failed:
        db.call(people.import_participants, path=path, actor="cli", now=clock.now())
    [error] = failed.value.errors
    assert error.code == "missing_columns" and "gender" in error.params["missing"]


def test_staff_roles_and_recognition(db: Database, clock: ManualClock) -> None:
    member = db.call(people.add_staff, name="Monika", roles=["psychologist", "coordinator"],
                     telegram_user_id=5001, phone=None, actor="cli", now=clock.now())
    assert member.role_set == {Role.psychologist, Role.coordinator}
    who = db.call(people.identify, telegram_user_id=5001)
    assert who.staff is not None and who.roles == {Role.psychologist, Role.coordinator}
    assert not db.call(people.identify, telegram_user_id=5002).known
    with pytest.raises(DomainError, match="unknown_role"):
        db.call(people.add_staff, name="X", roles=["boss"], telegram_user_id=None, phone=None,
                actor="cli", now=clock.now())
    with pytest.raises(DomainError, match="exists"):
        db.call(people.add_staff, name="Y", roles=["admin"], telegram_user_id=5001, phone=None,
                actor="cli", now=clock.now())


def test_the_optional_language_column(with_sites: Database, tmp_path: Path,
                                      clock: ManualClock) -> None:
    header = HEADER.replace("\n", ",language\n")
    bad = write(tmp_path, header + "1,Olena,Koval,K,,2021-01-04,,uk\n"
                + "2,Jan,Nowak,M,,2021-01-04,,klingoński\n", "bad.csv")
    with pytest.raises(ImportFailed) as failed:
        with_sites.call(people.import_participants, path=bad, actor="cli", now=clock.now())
    assert [(e.line, e.code, e.params) for e in failed.value.errors] == [
        (3, "bad_language", {"value": "klingoński"})]
    good = write(tmp_path, header + "1,Olena,Koval,K,,2021-01-04,,UK\n"
                 + "2,Jan,Nowak,M,,2021-01-04,,\n" + "3,John,Smith,M,,2021-01-04,,english\n")
    with_sites.call(people.import_participants, path=good, actor="cli", now=clock.now())
    assert [p.language for p in with_sites.call(people.list_participants)] == ["uk", "pl", "en"]
