"""Reading spreadsheets exported as CSV: any delimiter Excel uses, UTF-8 or Windows-1250."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storage.errors import DomainError
from storage.parsing import strip_controls


@dataclass(frozen=True)
class RowError:
    """What is wrong with one line of a file: a code (rendered by bot/texts) and parameters."""

    line: int
    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportResult:
    """What an import did."""

    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)


class ImportFailed(DomainError):
    """An import found bad rows and changed nothing."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("import_failed", count=len(errors))
        self.errors = errors


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1250"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFailed([RowError(0, "bad_encoding")])


def read_rows(path: Path | str, required: list[str],
              optional: list[str] = ()) -> Iterator[tuple[int, dict[str, str]]]:  # type: ignore[assignment]
    """Yield (line number, row) with lower-cased, stripped column names and values."""
    try:
        text = _decode(Path(path).read_bytes())
    except OSError as exc:
        raise ImportFailed([RowError(0, "unreadable", {"reason": exc.strerror})]) from None
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportFailed([RowError(1, "missing_columns", {"missing": ", ".join(missing),
                                                            "required": ",".join(required)})])
    reader.fieldnames = header
    known = set(required) | set(optional)
    try:
        for row in reader:
            values = {k: strip_controls(v or "").strip() for k, v in row.items()
                      if k in known and k is not None}
            if any(values.values()):
                yield reader.line_num, values
    except csv.Error as exc:
        raise ImportFailed([RowError(reader.line_num, "bad_csv", {"reason": str(exc)})]) from None
