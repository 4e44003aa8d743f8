#!/usr/bin/env python3
"""The README's two commands: `python3 dev.py run` and `python3 dev.py test`.

Each makes a virtual environment in .venv (once), installs kisbot into it (again only when
pyproject.toml changed), then runs the bot or the tests. Needs only Python 3.11+.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def ensure_installed(extras: str) -> None:
    """Create .venv and install the project with the given extras, if not done yet."""
    if not (BIN / "python").exists():
        print("Creating the virtual environment in .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / ".kisbot-installed"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print("Installing kisbot and its dependencies …", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}{extras}"], check=True)
    stamp.write_text(digest)


def main(argv: list[str]) -> int:
    """Dispatch `run` or `test` (extra arguments go to kisbot run / pytest)."""
    if not argv or argv[0] not in {"run", "test"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    os.chdir(ROOT)
    if command == "run":
        ensure_installed("")
        return subprocess.call([str(BIN / "kisbot"), "run", *rest])
    ensure_installed("[dev]")
    return subprocess.call([str(BIN / "python"), "-m", "pytest", *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
