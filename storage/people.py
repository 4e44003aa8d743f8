"""Participants and staff: adding, importing, listing, recognising."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import BigInteger, bindparam
from sqlmodel import Session, col, select

from storage import audit
from storage.csvfile import ImportFailed, ImportResult, RowError, read_rows
from storage.db import short
from storage.errors import DomainError, NotFound
from storage.exits import parse_outcome
from storage.locks import lock
from storage.models import ExitOutcome, Language, Participant, Role, Staff, WorkSite
from storage.parsing import parse_date, parse_gender, parse_language, parse_phone

PARTICIPANT_COLUMNS = ["number", "first_name", "last_name", "gender", "phone", "referred_on",
                       "work_site"]
OPTIONAL_COLUMNS = ["group_code", "left_on", "outcome", "language"]


@dataclass(frozen=True)
class NewParticipant:
    """A participant's data as typed by staff, already parsed."""

    number: str
    first_name: str
    last_name: str
    gender: str
    phone: str | None
    referred_on: date
    work_site: str | None = None
    group_code: str | None = None
    left_on: date | None = None
    exit_outcome: ExitOutcome | None = None
    language: str = "pl"


def _site_ids(session: Session) -> dict[str, int]:
    return {s.name.casefold(): s.id for s in session.exec(select(WorkSite))}  # type: ignore[misc]


def _parse_exit(line: int, row: dict[str, str], referred_on: object, today: date,
                errors: list[RowError]) -> tuple[date | None, ExitOutcome | None]:
    """The optional left_on and outcome columns: an outcome needs a day; the day is checked."""
    left_on = outcome = None
    if row.get("left_on"):
        try:
            left_on = parse_date(row["left_on"])
        except ValueError:
            errors.append(RowError(line, "bad_left_on", {"value": row["left_on"]}))
    if row.get("outcome"):
        try:
            outcome = parse_outcome(row["outcome"])
        except ValueError:
            errors.append(RowError(line, "bad_outcome", {"value": row["outcome"]}))
        if not row.get("left_on"):
            errors.append(RowError(line, "outcome_without_left_on"))
    if left_on is not None and isinstance(referred_on, date):
        if left_on < referred_on:  # the same rules as storage.exits.check_exit
            errors.append(RowError(line, "exit_before_referral",
                                   {"left_on": left_on, "referred_on": referred_on}))
        elif left_on > today:
            errors.append(RowError(line, "exit_in_future", {"left_on": left_on}))
    return left_on, outcome


def _parse_row(line: int, row: dict[str, str], sites: dict[str, int],
               errors: list[RowError], today: date) -> NewParticipant | None:
    """Parse one CSV row, collecting every problem of the row."""
    before = len(errors)
    for column in ("number", "first_name", "last_name"):
        if not row.get(column):
            errors.append(RowError(line, "empty", {"column": column}))
    parsed: dict[str, object] = {}
    for column, parser in (("gender", parse_gender), ("referred_on", parse_date)):
        try:
            parsed[column] = parser(row.get(column, ""))
        except ValueError:
            errors.append(RowError(line, f"bad_{column}", {"value": row.get(column, "")}))
    phone = None
    if row.get("phone"):
        try:
            phone = parse_phone(row["phone"])
        except ValueError:
            errors.append(RowError(line, "bad_phone", {"value": row["phone"]}))
    language = "pl"
    if row.get("language"):
        try:
            language = parse_language(row["language"])
        except ValueError:
            errors.append(RowError(line, "bad_language", {"value": row["language"]}))
    site = row.get("work_site") or None
    if site and site.casefold() not in sites:
        errors.append(RowError(line, "unknown_site", {"value": site}))
    left_on, outcome = _parse_exit(line, row, parsed.get("referred_on"), today, errors)
    if len(errors) > before:
        return None
    return NewParticipant(number=row["number"], first_name=row["first_name"],
                          last_name=row["last_name"], gender=str(parsed["gender"]), phone=phone,
                          referred_on=parsed["referred_on"], work_site=site,  # type: ignore[arg-type]
                          group_code=row.get("group_code") or None, left_on=left_on,
                          exit_outcome=outcome, language=language)


def _check_unique(line: int, new: NewParticipant, seen: dict[str, dict[str, int]],
                  taken: dict[str, dict[str, int]], errors: list[RowError]) -> None:
    for column, value in (("number", new.number), ("phone", new.phone)):
        if value is None:
            continue
        if value in seen[column]:
            errors.append(RowError(line, "duplicate", {"column": column, "value": value,
                                                        "first_line": seen[column][value]}))
        elif value in taken[column]:
            errors.append(RowError(line, "exists", {"column": column, "value": value}))
        seen[column][value] = line


def import_participants(*, session: Session, path: Path | str, actor: str,
                        now: datetime) -> ImportResult:
    """Add participants from a CSV; every bad row is reported and nothing is saved then."""
    sites = _site_ids(session)
    existing = list(session.exec(select(Participant)))
    taken = {"number": {p.number: 0 for p in existing},
             "phone": {p.phone: 0 for p in existing if p.phone}}
    seen: dict[str, dict[str, int]] = {"number": {}, "phone": {}}
    errors: list[RowError] = []
    new_rows = []
    for line, row in read_rows(path, [*PARTICIPANT_COLUMNS[:4], "referred_on"],
                               [*PARTICIPANT_COLUMNS, *OPTIONAL_COLUMNS]):
        if (new := _parse_row(line, row, sites, errors, now.date())) is not None:
            _check_unique(line, new, seen, taken, errors)
            new_rows.append(new)
    if errors:
        raise ImportFailed(errors)
    for new in new_rows:
        _insert(session, new, sites)
    audit.record(session=session, at=now, actor=actor, action="participants_import",
                 count=len(new_rows), exits=sum(new.left_on is not None for new in new_rows))
    return ImportResult(created=len(new_rows))


def _insert(session: Session, new: NewParticipant, sites: dict[str, int]) -> Participant:
    participant = Participant(
        number=new.number, first_name=new.first_name, last_name=new.last_name,
        gender=new.gender, phone=new.phone, referred_on=new.referred_on,
        work_site_id=sites[new.work_site.casefold()] if new.work_site else None,
        group_code=new.group_code, left_on=new.left_on, exit_outcome=new.exit_outcome,
        language=Language(new.language))
    session.add(participant)
    return participant


def add_participant(*, session: Session, new: NewParticipant, actor: str,
                    now: datetime) -> Participant:
    """Add one participant; DomainError on a taken number/phone or unknown site."""
    sites = _site_ids(session)
    if new.work_site and new.work_site.casefold() not in sites:
        raise DomainError("unknown_site", value=new.work_site)
    if session.exec(select(Participant).where(Participant.number == new.number)).first():
        raise DomainError("exists", column="number", value=new.number)
    if new.phone and session.exec(select(Participant).where(Participant.phone == new.phone)).first():
        raise DomainError("exists", column="phone", value=new.phone)
    participant = _insert(session, new, sites)
    session.flush()
    audit.record(session=session, at=now, actor=actor, action="participant_add",
                 target=f"participant:{participant.id}")
    return participant


def list_participants(*, session: Session, active_on: date | None = None) -> list[Participant]:
    """Participants by club number; with active_on, only those in the club that day."""
    query = select(Participant).order_by(Participant.number)
    if active_on is not None:
        query = query.where(Participant.referred_on <= active_on,
                            (col(Participant.left_on).is_(None)) | (Participant.left_on >= active_on))
    return list(session.exec(query))


def get_participant(*, session: Session, number: str) -> Participant:
    """A participant by club number."""
    found = session.exec(select(Participant).where(Participant.number == number)).first()
    if found is None:
        raise NotFound("participant_not_found", number=number)
    return found


def add_staff(*, session: Session, name: str, roles: list[str], telegram_user_id: int | None,
              phone: str | None, actor: str, now: datetime) -> Staff:
    """Add a staff member with one or more roles."""
    unknown = [r for r in roles if r not in Role.__members__]
    if unknown or not roles:
        raise DomainError("unknown_role", value=", ".join(unknown), roles=", ".join(Role))
    if telegram_user_id is not None and session.exec(
            select(Staff).where(Staff.telegram_user_id == telegram_user_id)).first():
        raise DomainError("exists", column="telegram_id", value=telegram_user_id)
    staff = Staff(name=name.strip(), roles=",".join(sorted(set(roles))),
                  telegram_user_id=telegram_user_id, phone=phone)
    session.add(staff)
    session.flush()
    audit.record(session=session, at=now, actor=actor, action="staff_add",
                 target=f"staff:{staff.id}", roles=staff.roles)
    return staff


def list_staff(*, session: Session) -> list[Staff]:
    """Staff by name."""
    return list(session.exec(select(Staff).order_by(Staff.name)))


@dataclass(frozen=True)
class Identity:
    """Who a Telegram user is to the club."""

    participant: Participant | None = None
    staff: Staff | None = None

    @property
    def known(self) -> bool:
        """Whether the user is a participant or staff."""
        return self.participant is not None or self.staff is not None

    @property
    def roles(self) -> frozenset[Role]:
        """Staff roles (empty for participants and strangers)."""
        return self.staff.role_set if self.staff and self.staff.active else frozenset()


# Built once, one query: the account as a one-row table, the participant and the staff member
# joined to it by their indexed Telegram ids (looked up on every update not cached).
_ACCOUNT = select(bindparam("account", type_=BigInteger).label("id")).subquery("account")
_BY_ACCOUNT = (select(Participant, Staff).select_from(_ACCOUNT)
               .outerjoin(Participant, Participant.telegram_user_id == _ACCOUNT.c.id)
               .outerjoin(Staff, Staff.telegram_user_id == _ACCOUNT.c.id))


@short
def identify(*, session: Session, telegram_user_id: int) -> Identity:
    """Recognise a Telegram user: staff by id, participants by a linked account."""
    row = session.exec(_BY_ACCOUNT, params={"account": telegram_user_id}).first()
    participant, staff = row if row is not None else (None, None)
    return Identity(participant=participant, staff=staff if staff and staff.active else None)


def change_language(*, session: Session, participant_id: int, language: str, actor: str,
                    now: datetime) -> tuple[Participant, bool]:
    """Staff set a participant's language (audited); whether it changed (the same again:
    nothing). The person's row is locked, so two presses at once write one audit entry."""
    person = lock(session, Participant, participant_id)
    if person is None or person.anonymized_at is not None:
        raise NotFound("participant_not_found", number=str(participant_id))
    was = str(person.language)
    if was == language:
        return person, False
    person.language = Language(parse_language(language))
    audit.record(session=session, at=now, actor=actor, action="participant_language",
                 target=f"participant:{person.id}", was=was, language=language)
    return person, True
