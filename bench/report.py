"""Benchmark: /raport for one year over 30,000 participants, SQL aggregation vs loading every row.

    python -m bench.report [--participants 30000] [--year 2025] [--runs 3] [--pg URL | --no-pg]

Generates the data (bench/dataset.py), bulk-loads it (executemany on SQLite, COPY on
PostgreSQL), times `storage.reports.period_report` for the year and a naive baseline that loads
the year's rows as ORM objects and adds them up in Python, checks both give the same figures,
and prints a table. PostgreSQL is skipped when the server is not reachable.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from bench.dataset import WARSAW, Dataset, generate
from bench.naive import naive_report, sql_figures
from storage.db import Database, upgrade
from storage.reports import period_report

ORDER = ["work_sites", "staff", "rates", "participants", "bookings", "hour_entries", "workshops",
         "workshop_signups"]
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds taken and the result."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def load_sqlite(db: Database, data: Dataset) -> None:
    """executemany through SQLAlchemy Core, one transaction."""
    from sqlmodel import SQLModel

    with db.engine.begin() as conn:
        for name in ORDER:
            conn.execute(SQLModel.metadata.tables[name].insert(), data.tables[name])


def load_postgres(db: Database, data: Dataset) -> None:
    """COPY FROM STDIN per table, then ANALYZE."""
    raw = db.engine.raw_connection()
    try:
        with raw.cursor() as cur:  # type: ignore[attr-defined]
            for name in ORDER:
                rows = data.tables[name]
                columns = list(rows[0])
                with cur.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row([row[c] for c in columns])
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), {len(rows)})")
            cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


def pg_database(admin: str) -> str | None:
    """A fresh database on the server, or None when it cannot be reached."""
    name = f"kisbot_bench_{uuid.uuid4().hex[:8]}"
    libpq = make_url(admin).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(libpq, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL skipped: {str(exc).splitlines()[0]}")
        return None
    return make_url(admin).set(database=name).render_as_string(hide_password=False)


def drop_pg(admin: str, url: str) -> None:
    """Remove the benchmark database."""
    libpq = make_url(admin).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def measure(name: str, url: str, data: Dataset, runs: int) -> dict[str, Any]:
    """Migrate, load, then time the SQL report (median of runs) and the naive baseline (once)."""
    upgrade(url)
    db = Database(url)
    try:
        loader = load_postgres if db.dialect == "postgresql" else load_sqlite
        load_s, _ = timed(lambda: loader(db, data))
        first, last = date(data.year, 1, 1), date(data.year, 12, 31)
        sql_runs = []
        for _ in range(runs):
            seconds, report = timed(lambda: db.call(period_report, date_from=first, date_to=last,
                                                    tz=WARSAW, psu_places=35))
            sql_runs.append(seconds)
        naive_s, naive = timed(lambda: db.call(naive_report, date_from=first, date_to=last, tz=WARSAW))
        same = sql_figures(report) == naive
        if not same:
            print(f"{name}: MISMATCH\n sql:   {sql_figures(report)}\n naive: {naive}")
        return {"backend": name, "load": load_s, "sql": statistics.median(sql_runs),
                "naive": naive_s, "same": same, "report": report}
    finally:
        db.dispose()


def print_table(results: list[dict[str, Any]], data: Dataset) -> None:
    """The figures, one line per backend."""
    counts = data.count()
    print(f"\nrows: {', '.join(f'{k} {v:,}' for k, v in counts.items())}".replace(",", " "))
    print(f"\n{'backend':<12}{'load s':>9}{'report s':>11}{'naive s':>10}{'speed-up':>10}  same figures")
    for r in results:
        print(f"{r['backend']:<12}{r['load']:>9.2f}{r['sql']:>11.3f}{r['naive']:>10.2f}"
              f"{r['naive'] / r['sql']:>9.1f}×  {'yes' if r['same'] else 'NO'}")
    if results:
        rep = results[0]["report"]
        psych, advisor = rep.services
        print(f"\nyear {data.year}: referred {rep.referred.total}, psychologist {psych.hours} h "
              f"({psych.cost} zł), career advisor {advisor.hours} h ({advisor.cost} zł), "
              f"PSU {rep.psu.hours} h ({rep.psu.cost} zł, {rep.psu.people.total} people), "
              f"workshops held {rep.workshops.held}")


def main() -> None:
    """Parse arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=30_000)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg", default=DEFAULT_PG, help="PostgreSQL server to create a database on")
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    gen_s, data = timed(lambda: generate(args.participants, args.year))
    print(f"generated {args.participants} participants in {gen_s:.1f} s")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(measure("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", data, args.runs))
    if not args.no_pg and (url := pg_database(args.pg)):
        try:
            results.append(measure("PostgreSQL", url, data, args.runs))
        finally:
            drop_pg(args.pg, url)
    print_table(results, data)


if __name__ == "__main__":
    main()
