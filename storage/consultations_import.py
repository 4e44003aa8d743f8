"""`kisbot consultations import`: history of consultations from a spreadsheet."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from storage import audit
from storage.consultation_rules import parse_clock, parse_service
from storage.csvfile import ImportFailed, ImportResult, RowError, read_rows
from storage.models import Booking, BookingStatus, Participant, SlotMode, Source
from storage.parsing import parse_date

REQUIRED = ["participant", "service", "date", "start", "minutes"]
STATUSES = {"": BookingStatus.attended, "attended": BookingStatus.attended,
            "odbyła się": BookingStatus.attended, "tak": BookingStatus.attended,
            "no_show": BookingStatus.no_show, "nieobecność": BookingStatus.no_show,
            "nie": BookingStatus.no_show}


def _parse(line: int, row: dict[str, str], people: dict[str, int], tz: ZoneInfo,
           errors: list[RowError]) -> Booking | None:
    before = len(errors)
    pid = people.get(row["participant"])
    if pid is None:
        errors.append(RowError(line, "unknown_participant", {"value": row["participant"]}))
    try:
        service = parse_service(row["service"])
    except ValueError:
        service = None
        errors.append(RowError(line, "bad_service", {"value": row["service"]}))
    try:
        starts = datetime.combine(parse_date(row["date"]), parse_clock(row["start"]), tz)
    except ValueError:
        starts = None
        errors.append(RowError(line, "bad_date_time", {"value": f"{row['date']} {row['start']}"}))
    minutes = int(row["minutes"]) if row["minutes"].isdigit() else 0
    if not 5 <= minutes <= 480:
        errors.append(RowError(line, "bad_minutes", {"value": row["minutes"]}))
    status = STATUSES.get(row.get("status", "").strip().lower())
    if status is None:
        errors.append(RowError(line, "bad_status", {"value": row.get("status", "")}))
    if len(errors) > before:
        return None
    assert starts is not None and service is not None and pid is not None
    return Booking(participant_id=pid, service=service, starts_at=starts, minutes=minutes,
                   mode=SlotMode.phone, status=status, source=Source.imported)


def import_consultations(*, session: Session, path: Path | str, tz: ZoneInfo, actor: str,
                         now: datetime) -> ImportResult:
    """Add past consultations (date and start in the club's time); all rows or none."""
    people = {p.number: p.id for p in session.exec(select(Participant))}
    errors: list[RowError] = []
    new: list[Booking] = []
    for line, row in read_rows(path, REQUIRED, ["status"]):
        booking = _parse(line, row, people, tz, errors)  # type: ignore[arg-type]
        if booking is not None:
            booking.created_at = booking.marked_at = now
            new.append(booking)
    if errors:
        raise ImportFailed(errors)
    session.add_all(new)
    audit.record(session=session, at=now, actor=actor, action="consultations_import",
                 count=len(new))
    return ImportResult(created=len(new))
