"""Two transactions interleaved on purpose: the first holds its transaction open while the
second runs in another thread, then the first commits.

Without a lock the second reads what was there before the first, decides on it and commits
first (the lost-update order a race produces by chance); with the lock it waits for the first
to commit and decides on what the first did. Either way the outcome is fixed, so the test
asserting the rule's final state is deterministic, not a matter of luck or sleeps.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from storage.db import Database
from storage.errors import DomainError

HOLD = 1.0  # seconds the first transaction stays open while the second runs


@dataclass(frozen=True)
class Race:
    """What each side returned (the second: its value or the DomainError it raised)."""

    first: Any
    second: Any
    second_waited: bool  # the second had to wait for the first's commit (a lock held it)

    @property
    def second_refused(self) -> str | None:
        """The domain error code the second got, if any."""
        return self.second.code if isinstance(self.second, DomainError) else None


def interleave(db: Database, first: Callable[[Session], Any],
               second: Callable[[Session], Any], hold: float = HOLD) -> Race:
    """Run first(session) and, before it commits, second(session) in its own transaction."""
    outcome: dict[str, Any] = {}

    def run_second() -> None:
        try:
            with db.session() as session:
                outcome["value"] = second(session)
        except DomainError as exc:
            outcome["value"] = exc
        except BaseException as exc:  # re-raised in the test's thread below
            outcome["crash"] = exc

    with db.session() as session:
        first_value = first(session)
        session.flush()
        thread = threading.Thread(target=run_second, daemon=True)
        thread.start()
        thread.join(hold)
        waited = thread.is_alive()
    thread.join(30)
    assert not thread.is_alive(), "the second transaction never finished (deadlock?)"
    if "crash" in outcome:
        raise outcome["crash"]
    return Race(first_value, outcome["value"], waited)


def race_backends(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The store on PostgreSQL or on a fresh SQLite file, as the parameter says."""
    if request.param == "postgresql":
        yield request.getfixturevalue("pg_db")
        return
    url = request.getfixturevalue("_sqlite_template").fresh(tmp_path / "race.db")
    database = Database(url)
    yield database
    database.dispose()
