"""The store's tables (../shared/ARCHITECTURE.md §2). Times are aware UTC; money and hours Decimal."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Dialect, Index, Numeric, UniqueConstraint, text
from sqlalchemy.types import TypeDecorator
from sqlmodel import AutoString, Field, SQLModel


def utcnow() -> datetime:
    """Default for created-at columns (operations pass the injectable clock's time)."""
    return datetime.now(UTC)


class Role(enum.StrEnum):
    """Staff roles."""

    psychologist = "psychologist"
    career_advisor = "career_advisor"
    social_worker = "social_worker"
    coordinator = "coordinator"
    admin = "admin"


class Service(enum.StrEnum):
    """Consultation services (a service is delivered by the staff role of the same name)."""

    psychologist = "psychologist"
    career_advisor = "career_advisor"


class RateKind(enum.StrEnum):
    """What an hourly rate pays for."""

    psu = "psu"
    psychologist = "psychologist"
    career_advisor = "career_advisor"
    workshop = "workshop"


class Gender(enum.StrEnum):
    """Gender as the reports count it: K (kobieta) or M (mężczyzna)."""

    K = "K"
    M = "M"


class BookingStatus(enum.StrEnum):
    """Where a consultation stands."""

    booked = "booked"
    cancelled = "cancelled"
    attended = "attended"
    no_show = "no_show"


class HourStatus(enum.StrEnum):
    """Where a day's PSU hours stand."""

    submitted = "submitted"
    confirmed = "confirmed"
    rejected = "rejected"


class WorkshopStatus(enum.StrEnum):
    """Where a workshop stands."""

    planned = "planned"
    held = "held"
    cancelled = "cancelled"


class SignupStatus(enum.StrEnum):
    """A participant's answer to a workshop invitation, then their attendance."""

    going = "going"
    waiting = "waiting"
    declined = "declined"
    attended = "attended"
    absent = "absent"


class SlotMode(enum.StrEnum):
    """How a consultation happens."""

    phone = "phone"
    video = "video"


class Source(enum.StrEnum):
    """Where a booking or an hours entry came from."""

    telegram = "telegram"
    sms = "sms"
    staff = "staff"
    imported = "import"


class ExitOutcome(enum.StrEnum):
    """How a participant's time in the club ended (the first four are employment)."""

    umowa_o_prace = "umowa_o_prace"
    umowa_zlecenie = "umowa_zlecenie"
    wlasna_firma = "wlasna_firma"
    cis_spoldzielnia = "cis_spoldzielnia"
    program_ukonczony = "program_ukonczony"
    bez_ukonczenia = "bez_ukonczenia"
    inne = "inne"


EMPLOYMENT_OUTCOMES = frozenset({ExitOutcome.umowa_o_prace, ExitOutcome.umowa_zlecenie,
                                 ExitOutcome.wlasna_firma, ExitOutcome.cis_spoldzielnia})
# Reintegration effects: employment, or the individual programme completed.
EFFECT_OUTCOMES = EMPLOYMENT_OUTCOMES | {ExitOutcome.program_ukonczony}


class EmploymentBasis(enum.StrEnum):
    """A staff member's basis of employment; `koniec`: not employed from that date."""

    umowa_o_prace = "umowa_o_prace"
    umowa_zlecenie = "umowa_zlecenie"
    inna = "inna"
    koniec = "koniec"


class Language(enum.StrEnum):
    """The language a participant reads the bot in (Polish is the source and the default)."""

    pl = "pl"
    uk = "uk"
    en = "en"


class EnumText(TypeDecorator[enum.StrEnum]):
    """A StrEnum stored as its plain string (VARCHAR, no database enum); read back as the enum."""

    impl = AutoString
    cache_ok = True

    def __init__(self, kind: type[enum.StrEnum], length: int = 16) -> None:
        super().__init__(length=length)
        self.kind = kind

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        """Only the enum's values get in."""
        return None if value is None else str(self.kind(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> enum.StrEnum | None:
        """The stored string as the enum."""
        return None if value is None else self.kind(value)


def money() -> Any:
    """A Numeric column for złoty amounts."""
    return Column(Numeric(10, 2), nullable=False)


def hours_column() -> Any:
    """A Numeric column for hours in half-hour steps."""
    return Column(Numeric(6, 1), nullable=False)


class WorkSite(SQLModel, table=True):
    """A municipal unit where PSU participants work."""

    __tablename__ = "work_sites"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    address: str | None = Field(default=None, max_length=300)
    active: bool = True


class Participant(SQLModel, table=True):
    """A person referred to the club."""

    __tablename__ = "participants"
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=32, unique=True, description="club number")
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    gender: str = Field(max_length=1, description="K or M")
    phone: str | None = Field(default=None, max_length=20, unique=True, description="E.164")
    telegram_user_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, unique=True, nullable=True)
    )
    referred_on: date
    left_on: date | None = None
    exit_outcome: ExitOutcome | None = Field(default=None, sa_type=EnumText(ExitOutcome, 32),
                                             nullable=True)
    work_site_id: int | None = Field(default=None, foreign_key="work_sites.id", index=True)
    group_code: str | None = Field(default=None, max_length=16, description="art. 1 ust. 2")
    sms_opt_out: bool = False
    reminders_opt_out: bool = False
    # Discreet by default: reminders and notices on Telegram name no kind of help unless the
    # person chose it (SMS never does).
    name_help: bool = False
    language: Language = Field(default=Language.pl, sa_type=EnumText(Language, 2),
                               description="pl, uk or en")
    blocked_bot: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    anonymized_at: datetime | None = None

    @property
    def in_psu(self) -> bool:
        """Whether the person works at a PSU site."""
        return self.work_site_id is not None


class Staff(SQLModel, table=True):
    """A member of staff; roles are stored as a comma-separated set."""

    __tablename__ = "staff"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    roles: str = Field(max_length=200)
    telegram_user_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, unique=True, nullable=True)
    )
    phone: str | None = Field(default=None, max_length=20)
    active: bool = True
    daily_summary: bool = True
    created_at: datetime = Field(default_factory=utcnow)

    @property
    def role_set(self) -> frozenset[Role]:
        """The staff member's roles."""
        return frozenset(Role(r) for r in self.roles.split(",") if r)

    def has_role(self, *roles: Role) -> bool:
        """Whether the staff member has any of roles."""
        return bool(self.role_set.intersection(roles))


class StaffEmployment(SQLModel, table=True):
    """A staff member's working time and basis of employment, valid from a date until the next."""

    __tablename__ = "staff_employment"
    __table_args__ = (UniqueConstraint("staff_id", "valid_from"),)
    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    valid_from: date
    basis: EmploymentBasis = Field(sa_type=EnumText(EmploymentBasis, 32))
    fte: Decimal | None = Field(default=None, sa_column=Column(Numeric(4, 2), nullable=True),
                                description="etat fraction, e.g. 0.50")
    monthly_hours: Decimal | None = Field(default=None,
                                          sa_column=Column(Numeric(6, 1), nullable=True),
                                          description="hours a month (contracts without an etat)")
    created_at: datetime = Field(default_factory=utcnow)


class Grant(SQLModel, table=True):
    """A grant (dotacja) for a year: where from, how much was granted and how much spent."""

    __tablename__ = "grants"
    __table_args__ = (UniqueConstraint("year", "source"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    source: str = Field(max_length=200)
    granted: Decimal = Field(sa_column=money())
    spent: Decimal = Field(sa_column=money())
    created_at: datetime = Field(default_factory=utcnow)


class Rate(SQLModel, table=True):
    """An hourly rate, valid from a date until the next rate of the same kind."""

    __tablename__ = "rates"
    __table_args__ = (UniqueConstraint("kind", "valid_from"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32, description="a RateKind")
    amount: Decimal = Field(sa_column=money())
    valid_from: date


class Slot(SQLModel, table=True):
    """A consultation time published by a staff member."""

    __tablename__ = "slots"
    __table_args__ = (UniqueConstraint("staff_id", "starts_at"),)
    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    service: str = Field(max_length=32, description="a Service")
    starts_at: datetime = Field(index=True)
    minutes: int = 60
    mode: SlotMode = Field(default=SlotMode.phone, sa_type=EnumText(SlotMode))
    video_link: str | None = Field(default=None, max_length=500)
    cancelled: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class Booking(SQLModel, table=True):
    """A consultation: booked in the bot (slot) or recorded/imported (no slot)."""

    __tablename__ = "bookings"
    __table_args__ = (
        # No double booking, ever: one live booking per slot.
        Index(
            "uq_bookings_live_slot",
            "slot_id",
            unique=True,
            sqlite_where=text("status != 'cancelled'"),
            postgresql_where=text("status != 'cancelled'"),
        ),
        # Covering index for the reports.
        Index("ix_bookings_report", "starts_at", "status", "service", "minutes", "participant_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    slot_id: int | None = Field(default=None, foreign_key="slots.id")
    participant_id: int = Field(foreign_key="participants.id", index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    service: str = Field(max_length=32, description="a Service")
    starts_at: datetime
    minutes: int = 60
    mode: SlotMode = Field(default=SlotMode.phone, sa_type=EnumText(SlotMode))
    status: BookingStatus = Field(default=BookingStatus.booked, index=True,
                                  sa_type=EnumText(BookingStatus))
    source: Source = Field(default=Source.telegram, sa_type=EnumText(Source))
    created_at: datetime = Field(default_factory=utcnow)
    cancelled_at: datetime | None = None
    marked_at: datetime | None = None


class WaitlistEntry(SQLModel, table=True):
    """A participant waiting to hear about a free slot of a service."""

    __tablename__ = "waitlist"
    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participants.id", index=True)
    service: str = Field(max_length=32, description="a Service")
    created_at: datetime = Field(default_factory=utcnow)
    notified_at: datetime | None = None


class Workshop(SQLModel, table=True):
    """A group workshop."""

    __tablename__ = "workshops"
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    starts_at: datetime
    place: str = Field(max_length=200)
    capacity: int = 20
    hours: Decimal = Field(sa_column=hours_column())
    status: WorkshopStatus = Field(default=WorkshopStatus.planned, sa_type=EnumText(WorkshopStatus))
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow)


class WorkshopSignup(SQLModel, table=True):
    """A participant's answer to a workshop invitation, and attendance."""

    __tablename__ = "workshop_signups"
    __table_args__ = (UniqueConstraint("workshop_id", "participant_id"),)
    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshops.id", index=True)
    participant_id: int = Field(foreign_key="participants.id")
    status: SignupStatus = Field(default=SignupStatus.going, sa_type=EnumText(SignupStatus))
    created_at: datetime = Field(default_factory=utcnow)


class HourEntry(SQLModel, table=True):
    """Hours of socially useful work (PSU) on one day."""

    __tablename__ = "hour_entries"
    __table_args__ = (
        # One live (submitted or confirmed) entry per person and day; rejected ones stay.
        Index(
            "uq_hour_entries_live_day",
            "participant_id",
            "work_date",
            unique=True,
            sqlite_where=text("status != 'rejected'"),
            postgresql_where=text("status != 'rejected'"),
        ),
        # Covering index for summaries, settlements and reports (index-only scans).
        Index("ix_hour_entries_report", "work_date", "status", "hours", "participant_id",
              "work_site_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participants.id", index=True)
    work_site_id: int | None = Field(default=None, foreign_key="work_sites.id")
    work_date: date
    hours: Decimal = Field(sa_column=hours_column())
    status: HourStatus = Field(default=HourStatus.submitted, index=True,
                               sa_type=EnumText(HourStatus))
    source: Source = Field(default=Source.telegram, sa_type=EnumText(Source))
    reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    confirmed_by: int | None = Field(default=None, foreign_key="staff.id")
    confirmed_at: datetime | None = None


class Broadcast(SQLModel, table=True):
    """A notice from a coordinator to a group of participants."""

    __tablename__ = "broadcasts"
    id: int | None = Field(default=None, primary_key=True)
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    text: str
    audience: str = Field(max_length=32)
    audience_param: str | None = Field(default=None, max_length=64)
    workshop_id: int | None = Field(default=None, foreign_key="workshops.id")
    status: str = Field(default="draft", max_length=16,
                        description="draft, scheduled, sending, done, cancelled")
    send_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    progress_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    progress_message_id: int | None = None
    translations: dict[str, str] | None = Field(
        default=None, sa_column=Column(JSON),
        description="the coordinator's text per language (uk, en); others get the Polish text")
    pending_language: str | None = Field(
        default=None, max_length=2, description="the language whose text the draft waits for")


class OutboxStatus(enum.StrEnum):
    """Where an outbox message is: waiting, being sent, or finished (and how)."""

    pending = "pending"
    sending = "sending"
    sent = "sent"
    delivered = "delivered"
    failed = "failed"
    dropped = "dropped"
    cancelled = "cancelled"
    skipped = "skipped"  # never sendable (a broadcast recipient opted out or unreachable)


OPEN_STATUSES = (OutboxStatus.pending, OutboxStatus.sending)


class Channel(enum.StrEnum):
    """How a message leaves (`none`: a skipped row that never leaves)."""

    telegram = "telegram"
    sms = "sms"
    none = "none"


class OutboxKind(enum.StrEnum):
    """What an outbox message is."""

    reminder = "reminder"
    notice = "notice"
    summary = "summary"
    prompt = "prompt"
    broadcast = "broadcast"
    reply = "reply"


class BroadcastStatus(enum.StrEnum):
    """A broadcast's life."""

    draft = "draft"
    scheduled = "scheduled"
    sending = "sending"
    done = "done"
    cancelled = "cancelled"


class OutboxMessage(SQLModel, table=True):
    """Something a person must receive: sent from here, once, surviving restarts."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=32, description="reminder, notice, summary, prompt, broadcast, reply")
    channel: str = Field(max_length=16, description="telegram or sms")
    participant_id: int | None = Field(default=None, foreign_key="participants.id", index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    chat_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    phone: str | None = Field(default=None, max_length=20)
    text: str
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    due_at: datetime
    expires_at: datetime | None = None
    status: str = Field(default="pending", max_length=16,
                        description="pending, sending, sent, delivered, failed, cancelled, dropped, skipped")
    attempts: int = 0
    next_attempt_at: datetime
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = None
    last_error: str | None = Field(default=None, max_length=500)
    provider_id: str | None = Field(default=None, max_length=100, index=True)
    segments: int | None = None
    sent_at: datetime | None = None
    delivered_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    broadcast_id: int | None = Field(default=None, foreign_key="broadcasts.id", index=True)


class InviteCode(SQLModel, table=True):
    """A one-time code linking a Telegram account to a participant (stored hashed)."""

    __tablename__ = "invite_codes"
    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participants.id", index=True)
    code_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None


class StartAttempt(SQLModel, table=True):
    """A wrong invite code sent by a Telegram user (for the lockout)."""

    __tablename__ = "start_attempts"
    __table_args__ = (Index("ix_start_attempts_user_at", "telegram_user_id", "attempted_at"),)
    id: int | None = Field(default=None, primary_key=True)
    telegram_user_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    attempted_at: datetime


class ConversationState(SQLModel, table=True):
    """Short-lived state of a conversation (SMS numbered menus), keyed by channel and person."""

    __tablename__ = "conversation_state"
    key: str = Field(primary_key=True, max_length=100)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    expires_at: datetime


class RuntimeFact(SQLModel, table=True):
    """Something the running bot learnt that the CLI needs offline (e.g. the bot's username)."""

    __tablename__ = "runtime_facts"
    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=500)
    updated_at: datetime


class AuditLog(SQLModel, table=True):
    """Who did what, when."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor: str = Field(max_length=64, description="staff:ID, participant:ID, cli, system")
    action: str = Field(max_length=64)
    target: str | None = Field(default=None, max_length=64)
    details: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class InboundEvent(SQLModel, table=True):
    """A callback or update already taken in: the unique key makes a replay a no-op."""

    __tablename__ = "inbound_events"
    __table_args__ = (UniqueConstraint("source", "kind", "external_id",
                                       name="uq_inbound_events_key"),)
    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=16, description="smsapi, twilio or telegram")
    kind: str = Field(max_length=16, description="sms, report or update")
    external_id: str = Field(max_length=200, description="provider message id, update_id")
    state: str = Field(default="processing", max_length=16, description="processing or done")
    received_at: datetime = Field(index=True)
    claimed_at: datetime
