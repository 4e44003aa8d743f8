"""A database with every table filled, found by walking the metadata (a new table is filled
without touching this file), and every row read back for comparison."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Table, select
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

from storage.models import EnumText

# Text that a dump must carry intact: Polish letters, the COPY format's own escapes
# (tab, newline, backslash), quotes, and a character outside the BMP.
AWKWARD = "Zażółć gęślą jaźń\t\\N \"cudzysłów\" 'apostrof'\n druga linia 🙂"


def _python(column: Column) -> type:
    kind = column.type
    return (kind.impl_instance if isinstance(kind, TypeDecorator) else kind).python_type


def _value(column: Column, table: Table, i: int, parents: dict[str, list[Any]]) -> Any:
    if column.foreign_keys:
        [fk] = column.foreign_keys
        return parents[fk.column.table.name][i % len(parents[fk.column.table.name])]
    kind = column.type
    if isinstance(kind, EnumText):
        members = list(kind.kind)
        return members[i % len(members)].value
    python = _python(column)
    if python is bool:
        return i % 2 == 0
    if python is int:
        return 7_000_000_000 + i if "telegram" in column.name or column.name.endswith("chat_id") \
            else 3 + i
    if python is Decimal:
        return Decimal("2.5") + i
    if python is datetime:
        return datetime(2026, 12, 7, 8, 30, 15, 123456, tzinfo=UTC) + timedelta(days=i)
    if python is date:
        return date(2026, 12, 7) + timedelta(days=i)
    if isinstance(kind, JSON):
        return {"text": AWKWARD, "list": [1, 2.5, None, True], "i": i}
    if python is str:
        length = getattr(kind, "length", None) or 1000
        text = f"{i}:{table.name}.{column.name}:{AWKWARD}"
        return text[:length]
    raise AssertionError(f"no sample value for {table.name}.{column.name} ({kind!r})")


def fill_every_table(engine: Engine, rows: int = 2) -> dict[str, int]:
    """`rows` rows in every table of the metadata (parents first); rows per table."""
    parents: dict[str, list[Any]] = {}
    with engine.begin() as conn:
        for table in SQLModel.metadata.sorted_tables:
            ids = []
            for i in range(rows):
                values = {c.name: _value(c, table, i, parents) for c in table.columns
                          if not (c.primary_key and c.autoincrement is not False
                                  and _python(c) is int)}
                result = conn.execute(table.insert().values(**values))
                ids.append(result.inserted_primary_key[0])
            parents[table.name] = ids
    return {t.name: rows for t in SQLModel.metadata.sorted_tables}


def every_row(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table in the metadata, in primary-key order, as plain values."""
    found = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            found[table.name] = [tuple(_plain(v) for v in row) for row in rows]
    return found


def _plain(value: Any) -> Any:
    """Values comparable across a round trip (enums as their strings, times in UTC)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    return value
