"""`python -m bot run` under tracemalloc: each SIGUSR1 writes a snapshot (bench/updates.py
--tracemalloc DIR compares the one taken idle with the one after the load)."""

from __future__ import annotations

import os
import signal
import sys
import tracemalloc
from itertools import count
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = Path(os.environ["KIS_TRACEMALLOC_DIR"])
_numbers = count()


def snapshot(_signum: int, _frame: object) -> None:
    """Write the current allocations (grouped by the line that made them)."""
    tracemalloc.take_snapshot().dump(str(OUT / f"snapshot{next(_numbers)}.pickle"))
    (OUT / "ready").touch()


tracemalloc.start(10)
signal.signal(signal.SIGUSR1, snapshot)
from bot.cli import main  # noqa: E402

sys.argv = ["kisbot", "run"]
main()
