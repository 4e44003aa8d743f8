"""Files with people's data (databases, backups, exports) are readable by their owner only."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE = 0o600


def create_private(path: Path) -> None:
    """Create an empty file 0600 unless it exists (SQLite then keeps the mode for -wal, -shm).
    A path that cannot be created is left for SQLite to report when it connects."""
    with contextlib.suppress(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))


def write_private(path: Path, data: bytes | str) -> None:
    """Write a file created 0600, atomically (a temporary file renamed over the target)."""
    path = Path(path)
    body = data.encode("utf-8") if isinstance(data, str) else data
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(body)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, PRIVATE)  # a temporary file left over from a crash keeps its mode
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
