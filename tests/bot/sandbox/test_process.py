"""`kisbot run` without a token, as a process: start, URL line, fresh demo database, stop."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.bot.sandbox.conftest import SandboxProcess, sandbox_env, start_sandbox, stop_sandbox


def test_run_without_token_starts_the_sandbox(sandbox: SandboxProcess, tmp_path: Path) -> None:
    with urllib.request.urlopen(f"{sandbox.url}/api/people", timeout=10) as response:
        people = json.load(response)
    assert len(people) == 16
    assert "nowa baza demonstracyjna" in sandbox.output
    assert (tmp_path / "kis-sandbox.db").exists()
    assert not (tmp_path / "kis.db").exists()  # the real database is never touched


def test_a_restart_starts_from_fresh_demo_data(tmp_path: Path) -> None:
    first = start_sandbox(tmp_path)
    body = json.dumps({"text": "/start"}).encode()
    request = urllib.request.Request(f"{first.url}/api/sms/p8/send", data=body,
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).close()
    assert stop_sandbox(first) == 0, first.output
    second = start_sandbox(tmp_path)
    try:
        with urllib.request.urlopen(f"{second.url}/api/sms/p8", timeout=10) as response:
            assert json.load(response)["messages"] == []
    finally:
        assert stop_sandbox(second) == 0, second.output


def test_a_taken_port_is_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=tmp_path,
                                env=sandbox_env(SANDBOX_PORT=str(port)), capture_output=True,
                                text=True, timeout=60)
    assert result.returncode == 2
    assert "nowa baza" not in result.stdout  # refused before building anything
    assert result.stderr.strip() == (f"Błąd: adres 127.0.0.1:{port} jest zajęty; zamknij program, "
                                     "który go używa, albo ustaw inny port: SANDBOX_PORT=8081")
    assert "Traceback" not in result.stdout + result.stderr
