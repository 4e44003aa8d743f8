"""The layer contract (pyproject.toml, [tool.importlinter]): a wrong import fails the suite."""

from __future__ import annotations

import os
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contract_holds() -> None:
    """bot → handlers → storage, storage without Telegram, handlers without the network, no cycles."""
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        assert lint_imports(no_cache=True) == 0, "an import breaks the layers: run lint-imports"
    finally:
        os.chdir(cwd)
