"""Broadcasts: a coordinator's draft, its audience, the preview counts, confirm, schedule, cancel."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select, update

from storage import audit, broadcast_outbox, outbox
from storage.broadcast_outbox import BroadcastTexts
from storage.errors import DomainError, NotFound
from storage.locks import lock
from storage.models import Booking, Broadcast, BroadcastStatus, OutboxKind, Participant, Workshop, WorkSite

AUDIENCES = ("all", "psu", "site", "week")
DRAFT_TTL = timedelta(hours=24)


def active_filter(today: date) -> list[Any]:
    """Conditions for participants in the club on a day (not left, not anonymised)."""
    return [Participant.referred_on <= today,
            col(Participant.left_on).is_(None) | (col(Participant.left_on) >= today),
            col(Participant.anonymized_at).is_(None)]


def week_bounds(now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Monday 00:00 to next Monday 00:00 (club time) of the week containing now."""
    local = now.astimezone(tz).date()
    monday = local - timedelta(days=local.weekday())
    start = datetime.combine(monday, time(0), tzinfo=tz)
    return start, start + timedelta(days=7)


def recipients(*, session: Session, audience: str, param: str | None, now: datetime,
               tz: ZoneInfo) -> list[Participant]:
    """The participants an audience means today (by id; nobody twice)."""
    today = now.astimezone(tz).date()
    query = select(Participant).where(*active_filter(today)).order_by(Participant.id)
    if audience == "psu":
        query = query.where(col(Participant.work_site_id).is_not(None))
    elif audience == "site":
        site_id = int(param) if param and param.isdigit() else -1
        query = query.where(Participant.work_site_id == site_id)
    elif audience == "week":
        start, end = week_bounds(now, tz)
        booked = select(Booking.participant_id).where(
            Booking.status != "cancelled", Booking.starts_at >= start, Booking.starts_at < end)
        query = query.where(col(Participant.id).in_(booked))
    elif audience != "all":
        raise DomainError("bad_audience", value=audience)
    return list(session.exec(query))


@dataclass(frozen=True)
class Preview:
    """Recipient counts per channel (no names)."""

    telegram: int = 0
    sms: int = 0
    opted_out: int = 0
    unreachable: int = 0

    @property
    def total(self) -> int:
        """Everybody in the audience."""
        return self.telegram + self.sms + self.opted_out + self.unreachable


def preview(*, session: Session, broadcast: Broadcast, now: datetime, tz: ZoneInfo) -> Preview:
    """How many people each channel would reach if the broadcast were sent now."""
    counts = {"telegram": 0, "sms": 0, "opted_out": 0, "unreachable": 0}
    for person in recipients(session=session, audience=broadcast.audience,
                             param=broadcast.audience_param, now=now, tz=tz):
        counts[outbox.channel_for(person, kind=OutboxKind.broadcast)] += 1
    return Preview(**counts)


def start_draft(*, session: Session, staff_id: int, now: datetime, text: str = "",
                workshop_id: int | None = None) -> Broadcast:
    """A new draft (older open drafts of the same coordinator are cancelled)."""
    session.exec(update(Broadcast).where(  # type: ignore[call-overload]
        Broadcast.created_by == staff_id, Broadcast.status == "draft").values(status="cancelled"))
    if workshop_id is not None and session.get(Workshop, workshop_id) is None:
        raise NotFound("workshop_not_found")
    draft = Broadcast(created_by=staff_id, text=text, audience="", workshop_id=workshop_id,
                      status="draft", created_at=now)
    session.add(draft)
    session.flush()
    return draft


def open_draft(*, session: Session, staff_id: int, now: datetime) -> Broadcast | None:
    """The coordinator's draft still waiting for its text or a translation, if any (younger
    than a day)."""
    return session.exec(select(Broadcast).where(
        Broadcast.created_by == staff_id, Broadcast.status == "draft",
        (Broadcast.text == "") | col(Broadcast.pending_language).is_not(None),
        Broadcast.created_at >= now - DRAFT_TTL).order_by(col(Broadcast.id).desc())).first()


def draft_of(session: Session, broadcast_id: int, staff_id: int) -> Broadcast:
    """A broadcast of this coordinator that is still a draft (locked: a second confirm or a
    cancel waits, then finds it no longer a draft)."""
    found = lock(session, Broadcast, broadcast_id)
    if found is None or found.created_by != staff_id:
        raise NotFound("broadcast_not_found")
    if found.status != "draft":
        raise DomainError("broadcast_not_draft", status=found.status)
    return found


def set_text(*, session: Session, broadcast_id: int, staff_id: int, text: str) -> Broadcast:
    """Store the notice's text (trimmed; 1-1000 characters)."""
    text = text.strip()
    if not text:
        raise DomainError("empty_text")
    if len(text) > 1000:
        raise DomainError("text_too_long", length=len(text), limit=1000)
    draft = draft_of(session, broadcast_id, staff_id)
    draft.text = text
    return draft


def set_audience(*, session: Session, broadcast_id: int, staff_id: int, audience: str,
                 param: str | None = None) -> Broadcast:
    """Choose who gets the notice (a work site needs its id)."""
    if audience not in AUDIENCES:
        raise DomainError("bad_audience", value=audience)
    if audience == "site" and (not param or not param.isascii() or not param.isdigit()
                               or len(param) > 9 or session.get(WorkSite, int(param)) is None):
        raise NotFound("site_not_found")
    draft = draft_of(session, broadcast_id, staff_id)
    if not draft.text:
        raise DomainError("empty_text")
    draft.audience, draft.audience_param = audience, param if audience == "site" else None
    draft.pending_language = None  # on to the audience (even from an older keyboard): no
    return draft                   # translation is awaited any more


def confirm(*, session: Session, broadcast_id: int, staff_id: int, now: datetime, tz: ZoneInfo,
            send_at: datetime | None = None, chat_id: int | None = None,
            texts: BroadcastTexts | Mapping[str, BroadcastTexts] | None = None,
            message_id: int | None = None) -> Broadcast:
    """Freeze the recipients (one outbox row each, due at send_at or now); sending or scheduled.

    `texts` default to the notice's text on both channels, without buttons (by language:
    each recipient gets their language's, or the Polish); chat_id and message_id say where
    the coordinator's progress message is (none yet: the sender posts it).
    """
    draft = draft_of(session, broadcast_id, staff_id)
    if not draft.text or not draft.audience:
        raise DomainError("broadcast_incomplete")
    if send_at is not None and send_at <= now:
        raise DomainError("send_at_past")
    people = recipients(session=session, audience=draft.audience, param=draft.audience_param,
                        now=now, tz=tz)
    broadcast_outbox.enqueue_recipients(
        session=session, broadcast_id=draft.id, people=people,  # type: ignore[arg-type]
        texts=texts or _plain(draft), due_at=send_at or now, now=now)
    draft.status = BroadcastStatus.scheduled if send_at else BroadcastStatus.sending
    draft.send_at = send_at
    draft.started_at = None if send_at else now
    draft.progress_chat_id, draft.progress_message_id = chat_id, message_id
    draft.pending_language = None
    audit.record(session=session, at=now, actor=f"staff:{staff_id}", action="broadcast_confirm",
                 target=f"broadcast:{draft.id}", audience=draft.audience, recipients=len(people),
                 send_at=send_at.isoformat() if send_at else "now",
                 languages=sorted({"pl", *(draft.translations or {})}))
    return draft


def _plain(draft: Broadcast) -> dict[str, BroadcastTexts]:
    """A notice's texts as they are, per language (no frame, no buttons)."""
    return {"pl": BroadcastTexts(draft.text),
            **{lang: BroadcastTexts(text) for lang, text in (draft.translations or {}).items()
               if text}}


def cancel(*, session: Session, broadcast_id: int, staff_id: int, now: datetime) -> Broadcast:
    """Cancel a draft or a scheduled broadcast (one being sent can no longer be cancelled)."""
    found = lock(session, Broadcast, broadcast_id)
    if found is None or found.created_by != staff_id:
        raise NotFound("broadcast_not_found")
    if found.status not in ("draft", "scheduled"):
        raise DomainError("broadcast_not_cancellable", status=found.status)
    found.status = BroadcastStatus.cancelled
    broadcast_outbox.cancel_pending(session=session, broadcast_id=broadcast_id)
    audit.record(session=session, at=now, actor=f"staff:{staff_id}", action="broadcast_cancel",
                 target=f"broadcast:{broadcast_id}")
    return found


def get(*, session: Session, broadcast_id: int) -> Broadcast:
    """A broadcast by id."""
    found = session.get(Broadcast, broadcast_id)
    if found is None:
        raise NotFound("broadcast_not_found")
    return found


def set_progress_message(*, session: Session, broadcast_id: int, chat_id: int,
                         message_id: int) -> None:
    """Remember the coordinator's progress message (edited while sending)."""
    found = get(session=session, broadcast_id=broadcast_id)
    found.progress_chat_id, found.progress_message_id = chat_id, message_id
