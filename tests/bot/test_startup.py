"""The database unavailable at start: clear error after retries with backoff."""

from __future__ import annotations

import pytest

from bot.runtime import StartupError, upgrade_with_retry


def test_unreachable_database_is_retried_with_backoff_then_reported() -> None:
    waits: list[float] = []
    with pytest.raises(StartupError) as failed:
        upgrade_with_retry("postgresql://postgres@127.0.0.1:9/none", attempts=4, first_delay=1,
                           sleep=waits.append)
    assert waits == [1, 2, 4]
    message = str(failed.value)
    assert message.startswith("Database unavailable after 4 attempts:") and "\n" not in message


def test_database_that_comes_back_is_used(tmp_path) -> None:
    waits: list[float] = []
    url = f"sqlite:///{tmp_path}/missing-dir/kis.db"

    def sleep(seconds: float) -> None:  # the directory appears while we wait
        waits.append(seconds)
        (tmp_path / "missing-dir").mkdir(exist_ok=True)

    upgrade_with_retry(url, attempts=3, sleep=sleep)
    assert waits == [1.0] and (tmp_path / "missing-dir" / "kis.db").exists()
