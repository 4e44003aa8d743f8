"""The sandbox as the README runs it: `python -m bot run` with no token, in a temporary folder."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
URL_LINE = re.compile(r"Piaskownica działa: (http://\S+)")


@dataclass
class SandboxProcess:
    """A running `kisbot run` sandbox and everything it printed."""

    proc: subprocess.Popen[str]
    url: str = ""
    lines: list[str] = field(default_factory=list)

    @property
    def output(self) -> str:
        """Everything printed so far."""
        return "".join(self.lines)


def sandbox_env(**extra: str) -> dict[str, str]:
    """The environment without a token (and without our test database settings)."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"TELEGRAM_BOT_TOKEN", "DATABASE_URL", "SANDBOX_PORT"}}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return {**env, "PYTHONUNBUFFERED": "1", "SANDBOX_PORT": "0", **extra}


def start_sandbox(cwd: Path, timeout: float = 60.0, **env: str) -> SandboxProcess:
    """Start the sandbox and wait for its URL line (AssertionError with the output if none)."""
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=cwd, env=sandbox_env(**env),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    running = SandboxProcess(proc)
    found = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            running.lines.append(line)
            match = URL_LINE.search(line)
            if match and not running.url:
                running.url = match.group(1)
                found.set()
        found.set()

    threading.Thread(target=read, daemon=True).start()
    if not found.wait(timeout) or not running.url:
        stop_sandbox(running)
        raise AssertionError(f"the sandbox did not start:\n{running.output}")
    return running


def stop_sandbox(running: SandboxProcess) -> int:
    """SIGTERM, then wait; the exit code."""
    if running.proc.poll() is None:
        running.proc.send_signal(signal.SIGTERM)
    try:
        return running.proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        running.proc.kill()
        raise AssertionError(f"the sandbox did not stop on SIGTERM:\n{running.output}") from None


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxProcess]:
    """The README's run command without a token, on any free port; must stop cleanly."""
    running = start_sandbox(tmp_path)
    yield running
    code = stop_sandbox(running)
    assert code == 0, running.output
    assert "Piaskownica zatrzymana." in running.output
