"""Property-based: parsers and imports answer any input with a clear error, never a crash."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.texts.errors import row_sentence
from storage import people, sites
from storage.clock import ManualClock
from storage.csvfile import ImportFailed
from storage.db import Database
from storage.parsing import parse_amount, parse_date, parse_gender, parse_hours, parse_phone

NASTY = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["'; DROP TABLE participants; --", "1 OR 1=1", "\u202e601234567", "٤٫٥",
                     "4,5\u0000", "NaN", "Infinity", "-0", "1e9999", "31.02.2021", "9" * 5000,
                     "\ufeffK", "ｋ", "+48 601 234 567 ext. 9", "0000-00-00"]),
)


@pytest.mark.parametrize("parse", [parse_date, parse_phone, parse_gender, parse_hours, parse_amount])
@given(text=NASTY)
@settings(max_examples=150, deadline=None)
def test_parsers_raise_only_value_error(parse, text: str) -> None:
    with contextlib.suppress(ValueError):
        parse(text)


@given(hours=NASTY)
@settings(max_examples=100, deadline=None)
def test_parsed_hours_are_positive_half_steps(hours: str) -> None:
    try:
        value = parse_hours(hours)
    except ValueError:
        return
    assert value > 0 and (value * 2) % 1 == 0


ROW = st.lists(NASTY, min_size=0, max_size=9).map(lambda cells: ",".join(
    '"' + c.replace('"', '""') + '"' for c in cells))


@given(rows=st.lists(ROW, max_size=6), raw=st.binary(max_size=200))
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_participant_import_fails_cleanly_and_saves_nothing(db: Database, tmp_path: Path,
                                                            clock: ManualClock, rows: list[str],
                                                            raw: bytes) -> None:
    header = "number,first_name,last_name,gender,phone,referred_on,work_site"
    for content in (("\n".join([header, *rows]) + "\n").encode(), raw):
        path = tmp_path / "fuzz.csv"
        path.write_bytes(content)
        try:
            result = db.call(people.import_participants, path=path, actor="cli", now=clock.now())
        except ImportFailed as failed:
            assert failed.errors
            assert all(row_sentence(e) for e in failed.errors)  # every error renders
        else:
            assert result.created <= len(rows)
        with db.session() as s:  # clean up what a valid fuzz file added
            for p in people.list_participants(session=s):
                s.delete(p)


@given(raw=st.binary(max_size=300))
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_sites_import_never_crashes(db: Database, tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "sites.csv"
    path.write_bytes(raw)
    try:
        db.call(sites.import_sites, path=path)
    except ImportFailed as failed:
        assert all(row_sentence(e) for e in failed.errors)
