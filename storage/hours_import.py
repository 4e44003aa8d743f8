"""Importing PSU hour history from CSV (`participant,date,hours[,work_site]`): all rows or none."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlmodel import Session, select

from storage import audit
from storage.csvfile import ImportFailed, ImportResult, RowError, read_rows
from storage.models import HourEntry, HourStatus, Participant, Source, WorkSite
from storage.parsing import parse_date, parse_hours

REQUIRED = ["participant", "date", "hours"]


def _parse(line: int, row: dict[str, str], people: dict[str, Participant], sites: dict[str, int],
           day_limit: Decimal, errors: list[RowError]) -> HourEntry | None:
    """One row as a confirmed entry, or None after noting every problem of the row."""
    before = len(errors)
    person = people.get(row.get("participant", ""))
    if person is None:
        errors.append(RowError(line, "unknown_participant", {"value": row.get("participant", "")}))
    try:
        day = parse_date(row.get("date", ""))
    except ValueError:
        errors.append(RowError(line, "bad_date", {"value": row.get("date", "")}))
    try:
        hours = parse_hours(row.get("hours", ""))
        if hours > day_limit:
            errors.append(RowError(line, "over_day_limit", {"value": row["hours"], "max": day_limit}))
    except ValueError:
        errors.append(RowError(line, "bad_hours", {"value": row.get("hours", "")}))
    site_name = row.get("work_site") or ""
    if site_name and site_name.casefold() not in sites:
        errors.append(RowError(line, "unknown_site", {"value": site_name}))
    if len(errors) > before or person is None:
        return None
    site_id = sites[site_name.casefold()] if site_name else person.work_site_id
    return HourEntry(participant_id=person.id, work_site_id=site_id, work_date=day, hours=hours,
                     status=HourStatus.confirmed, source=Source.imported)


def _taken(session: Session) -> set[tuple[int, date]]:
    rows = session.exec(select(HourEntry.participant_id, HourEntry.work_date)
                        .where(HourEntry.status != HourStatus.rejected)).all()
    return {(pid, day) for pid, day in rows}


def import_hours(*, session: Session, path: Path | str, day_limit: Decimal, actor: str,
                 now: datetime) -> ImportResult:
    """Add confirmed historical entries; any bad row (reported by line) saves nothing."""
    people = {p.number: p for p in session.exec(select(Participant))}
    sites = {s.name.casefold(): s.id for s in session.exec(select(WorkSite))}
    taken, seen = _taken(session), {}
    errors: list[RowError] = []
    new: list[HourEntry] = []
    for line, row in read_rows(path, REQUIRED, ["work_site"]):
        entry = _parse(line, row, people, sites, day_limit, errors)  # type: ignore[arg-type]
        if entry is None:
            continue
        key = (entry.participant_id, entry.work_date)
        if key in seen:
            errors.append(RowError(line, "duplicate_day", {"first_line": seen[key]}))
        elif key in taken:
            errors.append(RowError(line, "day_exists", {"value": f"{entry.work_date:%d.%m.%Y}"}))
        seen[key] = line
        entry.created_at = entry.updated_at = entry.confirmed_at = now
        new.append(entry)
    if errors:
        raise ImportFailed(errors)
    session.add_all(new)
    audit.record(session=session, at=now, actor=actor, action="hours_import", count=len(new))
    return ImportResult(created=len(new))
