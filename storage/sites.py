"""Work sites of socially useful work (PSU)."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from storage.csvfile import ImportFailed, ImportResult, RowError, read_rows
from storage.models import WorkSite


def list_sites(*, session: Session, active_only: bool = False) -> list[WorkSite]:
    """All sites by name."""
    query = select(WorkSite).order_by(WorkSite.name)
    if active_only:
        query = query.where(WorkSite.active)
    return list(session.exec(query))


def find_site(*, session: Session, name: str) -> WorkSite | None:
    """A site by its exact name, ignoring case and surrounding spaces."""
    wanted = name.strip().casefold()
    return next((s for s in list_sites(session=session) if s.name.casefold() == wanted), None)


def import_sites(*, session: Session, path: Path | str) -> ImportResult:
    """Add or update sites from a CSV (`name[,address]`); all rows or none."""
    result = ImportResult()
    existing = {s.name.casefold(): s for s in list_sites(session=session)}
    seen: dict[str, int] = {}
    rows = []
    for line, row in read_rows(path, ["name"], ["address"]):
        name = row["name"]
        if len(name) > 200:
            result.errors.append(RowError(line, "too_long", {"column": "name", "max": 200}))
        elif name.casefold() in seen:
            result.errors.append(RowError(line, "duplicate", {
                "column": "name", "value": name, "first_line": seen[name.casefold()]}))
        else:
            seen[name.casefold()] = line
            rows.append((name, row.get("address") or None))
    if result.errors:
        raise ImportFailed(result.errors)
    for name, address in rows:
        site = existing.get(name.casefold())
        if site is None:
            session.add(WorkSite(name=name, address=address))
            result.created += 1
        elif site.address != address or not site.active:
            site.address, site.active = address, True
            result.updated += 1
    return result
