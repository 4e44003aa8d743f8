"""The annual report against a hand-computed year (tests/auxil/annual_data.py), and its inputs:
exits (idempotent, checked, audited, one at a time), employment and grants."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import select

from storage import audit, employment, grants, people
from storage.annual import AnnualReport, annual_report
from storage.csvfile import ImportFailed
from storage.db import Database
from storage.errors import DomainError
from storage.exits import ExitResult, record_exit
from storage.models import EmploymentBasis, ExitOutcome, Participant
from storage.periods import ByGender
from tests.auxil.annual_data import NOW, WARSAW, load_year, write

TODAY = NOW.date()


def leave(db: Database, number: str, day: date, outcome: ExitOutcome,
          actor: str = "staff:1") -> ExitResult:
    person = db.call(people.get_participant, number=number)
    _, result = db.call(record_exit, participant_id=person.id, left_on=day, outcome=outcome,
                        today=TODAY, actor=actor, now=NOW)
    return result


@pytest.fixture
def year(db: Database, tmp_path: Path) -> Database:
    load_year(db, tmp_path)
    assert leave(db, "R7", date(2021, 12, 15), ExitOutcome.wlasna_firma) is ExitResult.recorded
    return db


@pytest.fixture
def report(year: Database) -> AnnualReport:
    return year.call(annual_report, year=2021, tz=WARSAW)


def test_part_one_staff_with_an_etat_change_mid_year(report: AnnualReport) -> None:
    staff = report.staff
    assert [(r.ordinal, r.basis, r.fte, r.monthly_hours, r.since, r.until) for r in staff.rows] == [
        (1, EmploymentBasis.umowa_o_prace, Decimal("1.00"), None, date(2021, 1, 1), date(2021, 6, 30)),
        (1, EmploymentBasis.umowa_o_prace, Decimal("0.50"), None, date(2021, 7, 1), date(2021, 12, 31)),
        (2, EmploymentBasis.umowa_zlecenie, None, Decimal("40.0"), date(2021, 3, 1), date(2021, 12, 31)),
        (3, EmploymentBasis.umowa_o_prace, Decimal("1.00"), None, date(2021, 1, 1), date(2021, 9, 30))]
    assert staff.people == 3  # not the psychologist who left in 2020
    assert staff.by_basis == {EmploymentBasis.umowa_o_prace: 2, EmploymentBasis.umowa_zlecenie: 1,
                              EmploymentBasis.inna: 0}
    assert staff.fte_on_last_day == Decimal("0.50")  # the coordinator's contract ended
    # (181 days × 1 + 184 × 0,5 + 273 × 1) / 365 = 546 / 365 = 1,4959 → 1,50
    assert staff.average_fte == Decimal("1.50")
    assert staff.unrecorded == 1  # the social worker


def test_part_two_groups_effects_and_employment(report: AnnualReport) -> None:
    p = report.participants
    # In the club in 2021: R2..R7 (R1 left in 2020, R8 came in 2022).
    assert [(g.code, g.people, g.effects, g.employed) for g in p.groups] == [
        ("1", ByGender(0, 1), ByGender(), ByGender()),                     # R5: left unfinished
        ("2", ByGender(0, 1), ByGender(0, 1), ByGender(0, 1)),             # R3: umowa o pracę
        ("4", ByGender(1, 0), ByGender(), ByGender()),                     # R4: leaves in 2022
        ("5", ByGender(1, 1), ByGender(1, 1), ByGender(0, 1)),             # R2 programme, R7 firm
        ("", ByGender(1, 0), ByGender(), ByGender())]                      # R6: no outcome
    assert (p.total.people, p.total.effects, p.total.employed) == (
        ByGender(3, 3), ByGender(1, 2), ByGender(0, 2))
    assert p.exits == {
        ExitOutcome.umowa_o_prace: ByGender(0, 1), ExitOutcome.umowa_zlecenie: ByGender(),
        ExitOutcome.wlasna_firma: ByGender(0, 1), ExitOutcome.cis_spoldzielnia: ByGender(),
        ExitOutcome.program_ukonczony: ByGender(1, 0), ExitOutcome.bez_ukonczenia: ByGender(0, 1),
        ExitOutcome.inne: ByGender(), None: ByGender(1, 0)}
    assert p.finished == ByGender(2, 3)
    assert p.started == ByGender(2, 2)  # R4, R5, R6, R7
    assert p.in_club_on_last_day == ByGender(1, 0)  # R4


def test_part_three_activities_with_their_effects(report: AnnualReport) -> None:
    rows = {r.kind: (r.meetings, r.hours, r.people, r.effects) for r in report.activities}
    assert rows == {
        "psychologist": (2, Decimal("2.5"), ByGender(1, 1), ByGender(1, 1)),  # R2, R3; not R4
        "career_advisor": (2, Decimal(2), ByGender(0, 1), ByGender(0, 1)),    # R7 twice
        "workshops": (1, Decimal(3), ByGender(1, 1), ByGender()),             # R4, R5
        "psu": (3, Decimal("11.5"), ByGender(1, 1), ByGender(0, 1))}          # R6, R7


def test_part_four_the_years_grants(report: AnnualReport) -> None:
    g = report.grants
    assert [(r.source, r.granted, r.spent, r.unspent) for r in g.rows] == [
        ("budżet gminy", Decimal("120000.00"), Decimal("118500.50"), Decimal("1499.50")),
        ("fundusz testowy", Decimal("5000.00"), Decimal("5000.00"), Decimal("0.00"))]
    assert (g.total.granted, g.total.spent) == (Decimal("125000.00"), Decimal("123500.50"))


def test_the_next_year_counts_who_was_referred_before_and_left_then(year: Database) -> None:
    p = year.call(annual_report, year=2022, tz=WARSAW).participants
    assert p.total.people == ByGender(2, 0)  # R4 (left 20.01.2022) and R8; not R7
    assert p.total.employed == ByGender(1, 0)  # R4: umowa zlecenie
    assert p.exits[ExitOutcome.umowa_zlecenie] == ByGender(1, 0)
    assert year.call(annual_report, year=2022, tz=WARSAW).grants.rows == []


def test_a_year_without_data_is_none_not_zero(db: Database) -> None:
    report = db.call(annual_report, year=2021, tz=WARSAW)
    assert report.staff.rows == [] and report.staff.fte_on_last_day is None
    assert report.staff.average_fte is None and report.grants.rows == []


def test_an_exit_is_recorded_once_corrected_with_its_history_and_audited(year: Database) -> None:
    assert leave(year, "R7", date(2021, 12, 15), ExitOutcome.wlasna_firma) is ExitResult.unchanged
    assert leave(year, "R7", date(2021, 12, 16), ExitOutcome.umowa_o_prace,
                 actor="cli") is ExitResult.changed
    r7 = year.call(people.get_participant, number="R7")
    entries = year.call(audit.about, target=f"participant:{r7.id}")
    assert [(e.actor, e.action, e.details) for e in entries] == [
        ("staff:1", "participant_exit", {"left_on": "2021-12-15", "outcome": "wlasna_firma"}),
        ("cli", "participant_exit", {"left_on": "2021-12-16", "outcome": "umowa_o_prace",
                                     "before_left_on": "2021-12-15",
                                     "before_outcome": "wlasna_firma"})]


@pytest.mark.parametrize(("day", "code"), [(date(2021, 5, 31), "exit_before_referral"),
                                           (date(2022, 3, 3), "exit_in_future")])
def test_an_exit_day_must_be_possible(year: Database, day: date, code: str) -> None:
    with pytest.raises(DomainError) as caught:
        leave(year, "R7", day, ExitOutcome.inne)
    assert caught.value.code == code
    assert year.call(people.get_participant, number="R7").exit_outcome is ExitOutcome.wlasna_firma


def test_import_reports_every_bad_exit_and_saves_nothing(db: Database, tmp_path: Path) -> None:
    csv = ("number,first_name,last_name,gender,phone,referred_on,work_site,left_on,outcome\n"
           "X1,A,B,K,,2021-01-10,,2021-01-09,inne\n"          # before the referral
           "X2,A,B,K,,2021-01-10,,,umowa_o_prace\n"           # an outcome without a day
           "X3,A,B,K,,2021-01-10,,2021-02-30,praca\n"         # bad day, unknown outcome
           "X4,A,B,K,,2021-01-10,,2030-01-01,inne\n")         # in the future
    with pytest.raises(ImportFailed) as caught:
        db.call(people.import_participants, path=write(tmp_path, "p.csv", csv), actor="cli",
                now=NOW)
    assert [(e.line, e.code) for e in caught.value.errors] == [
        (2, "exit_before_referral"), (3, "outcome_without_left_on"), (4, "bad_left_on"),
        (4, "bad_outcome"), (5, "exit_in_future")]
    assert db.call(people.list_participants) == []


def test_employment_and_grant_rules(db: Database) -> None:
    staff = db.call(people.add_staff, name="X", roles=["psychologist"], telegram_user_id=None,
                    phone=None, actor="cli", now=NOW)
    for kwargs, code in (({"fte": Decimal("1.5")}, "bad_fte"), ({"fte": Decimal(0)}, "bad_fte"),
                         ({}, "working_time_missing"),
                         ({"monthly_hours": Decimal(400)}, "bad_monthly_hours")):
        with pytest.raises(DomainError) as caught:
            db.call(employment.set_employment, staff_id=staff.id, valid_from=date(2021, 1, 1),
                    basis=EmploymentBasis.umowa_o_prace, **{"fte": None, "monthly_hours": None,
                                                            **kwargs}, actor="cli", now=NOW)
        assert caught.value.code == code
    with pytest.raises(DomainError) as caught:
        db.call(employment.set_employment, staff_id=999, valid_from=date(2021, 1, 1),
                basis=EmploymentBasis.inna, fte=Decimal(1), monthly_hours=None, actor="cli",
                now=NOW)
    assert caught.value.code == "staff_not_found"
    for granted, spent, code in (("10", "11", "spent_over_granted"), ("-1", "0", "bad_amount"),
                                 ("1.001", "0", "bad_amount")):
        with pytest.raises(DomainError) as caught:
            db.call(grants.add_grant, year=2021, source="g", granted=Decimal(granted),
                    spent=Decimal(spent), actor="cli", now=NOW)
        assert caught.value.code == code
    db.call(grants.add_grant, year=2021, source="g", granted=Decimal(1), spent=Decimal(0),
            actor="cli", now=NOW)
    with pytest.raises(DomainError) as caught:
        db.call(grants.add_grant, year=2021, source="g", granted=Decimal(1), spent=Decimal(0),
                actor="cli", now=NOW)
    assert caught.value.code == "exists"
    odd = db.call(grants.add_grant, year=2021, source=" fundusz\n\tgminy\x07 ", granted=Decimal(1),
                  spent=Decimal(0), actor="cli", now=NOW)
    assert odd.source == "fundusz gminy"  # one line in the report


def test_a_second_press_waits_for_the_first_on_postgresql(pg_db: Database) -> None:
    """The participant's row is locked before the check: a concurrent press blocks until the
    first commits, then sees its exit (without the lock both would record one)."""
    person = pg_db.call(people.add_participant, new=people.NewParticipant(
        number="Z1", first_name="A", last_name="B", gender="K", phone=None,
        referred_on=date(2021, 1, 1)), actor="cli", now=NOW)
    press = {"participant_id": person.id, "left_on": date(2021, 6, 1), "outcome": ExitOutcome.inne,
             "today": TODAY, "actor": "staff:1", "now": NOW}
    second: list[ExitResult] = []
    thread = threading.Thread(target=lambda: second.append(pg_db.call(record_exit, **press)[1]))
    with pg_db.session() as first:
        _, result = record_exit(session=first, **press)
        assert result is ExitResult.recorded
        thread.start()
        thread.join(timeout=1)
        assert thread.is_alive() and second == []  # waiting on the row lock
    thread.join()
    assert second == [ExitResult.unchanged]
    entries = pg_db.call(audit.about, target=f"participant:{person.id}")
    assert [e.action for e in entries] == ["participant_add", "participant_exit"]
    with pg_db.session() as session:
        assert session.exec(select(Participant.exit_outcome)).all() == [ExitOutcome.inne]
