"""The `kisbot` command line, run in-process against the test database."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app


@pytest.fixture
def kisbot(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run `kisbot ARGS` against the test database; returns the result."""
    monkeypatch.chdir(tmp_path)  # no stray .env
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args), env={"DATABASE_URL": db_url,
                                                    "TELEGRAM_BOT_TOKEN": ""})
    return invoke
