#!/usr/bin/env python3
"""The README's two commands: `python3 dev.py run` and `python3 dev.py test`.

Each makes a virtual environment in .venv (once), installs kisbot into it (again only when
pyproject.toml changed; `test` adds the dev extras once), then runs the bot or the tests.
Needs only Python 3.11+.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".kisbot-installed"  # {"pyproject": sha256, "extras": [...]} of the last install
PIP = [str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]


def installed() -> dict:
    """What the stamp says was installed (nothing, if there is no readable stamp)."""
    try:
        found = json.loads(STAMP.read_text())
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def ensure_installed(extras: set[str]) -> None:
    """Create .venv and install kisbot with at least these extras, unless already done."""
    if not (BIN / "python").exists():
        print("Creating the virtual environment in .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
        subprocess.run([*PIP, "--upgrade", "pip"], check=True)
    pyproject = (ROOT / "pyproject.toml").read_bytes()
    digest = hashlib.sha256(pyproject).hexdigest()
    stamp = installed()
    have = set(stamp.get("extras", []))
    if stamp.get("pyproject") == digest:
        missing = extras - have
        if not missing:
            return
        print(f"Installing kisbot's {', '.join(sorted(missing))} dependencies …", flush=True)
        optional = tomllib.loads(pyproject.decode())["project"]["optional-dependencies"]
        subprocess.run([*PIP, *(req for extra in sorted(missing) for req in optional[extra])],
                       check=True)
    else:
        print("Installing kisbot and its dependencies …", flush=True)
        wanted = f"[{','.join(sorted(extras | have))}]" if extras | have else ""
        subprocess.run([*PIP, "-e", f"{ROOT}{wanted}"], check=True)
    STAMP.write_text(json.dumps({"pyproject": digest, "extras": sorted(extras | have)}))


def main(argv: list[str]) -> int:
    """Dispatch `run` or `test` (extra arguments go to kisbot run / pytest)."""
    if not argv or argv[0] not in {"run", "test"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    os.chdir(ROOT)
    if command == "run":
        ensure_installed(set())
        return subprocess.call([str(BIN / "kisbot"), "run", *rest])
    ensure_installed({"dev"})
    return subprocess.call([str(BIN / "python"), "-m", "pytest", *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
