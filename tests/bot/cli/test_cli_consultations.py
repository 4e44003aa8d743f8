"""`kisbot consultations import`: history in, every bad row named, all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import select

from storage.db import Database
from storage.models import Booking, BookingStatus, Service

PEOPLE = ("number,first_name,last_name,gender,phone,referred_on,work_site\n"
          "12,Anna,Kowalska,K,,2021-01-04,\n13,Jan,Nowak,M,,2021-01-04,\n")


def test_import_consultations(kisbot, tmp_path: Path, db: Database) -> None:
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE)
    assert kisbot("participants", "import", str(people)).exit_code == 0
    good = tmp_path / "c.csv"
    good.write_text("participant,service,date,start,minutes,status\n"
                    "12,psycholog,2021-03-04,10:00,60,\n"
                    "13,career_advisor,04.03.2021,9:30,45,no_show\n")
    result = kisbot("consultations", "import", str(good))
    assert result.exit_code == 0, result.output
    with db.session() as s:
        rows = s.exec(select(Booking).order_by(Booking.id)).all()
    assert [(b.service, b.status, b.minutes) for b in rows] == [
        (Service.psychologist, BookingStatus.attended, 60),
        (Service.career_advisor, BookingStatus.no_show, 45)]
    assert rows[0].starts_at == datetime(2021, 3, 4, 9, 0, tzinfo=UTC)  # 10:00 Warsaw (CET)


def test_bad_rows_are_all_reported(kisbot, tmp_path: Path, db: Database) -> None:
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE)
    kisbot("participants", "import", str(people))
    bad = tmp_path / "c.csv"
    bad.write_text("participant,service,date,start,minutes,status\n"
                   "12,psycholog,2021-03-04,10:00,60,\n"
                   "99,prawnik,2021-02-30,25:00,0,maybe\n")
    result = kisbot("consultations", "import", str(bad))
    assert result.exit_code == 1
    for expected in ("wiersz 3: nieznany numer uczestnika '99'", "wiersz 3: nieznana usługa 'prawnik'",
                     "wiersz 3: nieczytelna data lub godzina", "wiersz 3: nieprawidłowa liczba minut",
                     "wiersz 3: nieznany status 'maybe'"):
        assert expected in result.output
    with db.session() as s:
        assert s.exec(select(Booking)).all() == []
