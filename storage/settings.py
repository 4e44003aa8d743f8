"""Configuration from the environment and `.env` (contract: ../shared/ARCHITECTURE.md §3)."""

from __future__ import annotations

import re
import warnings
from datetime import time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line for a person."""


DEPRECATED = {"broadcast_telegram_rate": "telegram_bulk_rate",
              "broadcast_concurrency": "send_concurrency", "broadcast_sms_rate": "sms_rate"}


# What a sender name must not say (social-assistance law: nobody may learn who gets help).
REVEALING_SENDER = re.compile(r"klub|\bkis|mops|\bops\b|pcpr|cis\b|psycholog|terap|pomoc|"
                              r"socjal|zasił|integr|uzależ|bezdom|urz[aą]d|gmin", re.IGNORECASE)


class Settings(BaseSettings):
    """Every setting of kisbot; built once in the CLI and passed explicitly."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # The contract (../shared/ARCHITECTURE.md §3).
    telegram_bot_token: str | None = None
    telegram_api_url: str = "https://api.telegram.org"
    database_url: str = "sqlite:///kis.db"
    kis_timezone: str = "Europe/Warsaw"
    sms_provider: str = "console"
    public_url: str | None = None

    # Joining.
    invite_ttl_days: int = Field(14, ge=1, le=365)
    invite_max_failures: int = Field(5, ge=1)
    invite_lockout_minutes: int = Field(60, ge=1)
    bot_username: str | None = None  # used for invite links when Telegram is not reachable
    # RODO: participants who left are anonymised this many days after leaving.
    retention_days: int = Field(5 * 365, ge=30)

    # The outbox sender (reminders, summaries, broadcasts: everything sent in bulk): Telegram
    # messages per second, evenly spaced below Telegram's ~30/s so replies always have room;
    # requests in flight at once; SMS per second at the provider.
    telegram_bulk_rate: float = Field(28, gt=0)
    send_concurrency: int = Field(16, ge=1, le=64)
    sms_rate: float = Field(5.0, gt=0, le=1000)
    # Seconds to wait for Telegram's answer before a request counts as timed out (retried).
    telegram_timeout: float = Field(15, gt=0, le=120)

    # Servers.
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(8443, ge=1, le=65535)
    webhook_secret: str | None = None
    sandbox_host: str = "127.0.0.1"
    sandbox_port: int = Field(8080, ge=0, le=65535)  # 0: any free port
    sandbox_db_file: str = "kis-sandbox.db"  # recreated on every sandbox start

    # SMS providers (see bot/sms).
    # The sender shown on every recipient's phone: unset, the provider's default sender; a
    # name naming the club, the centre or a kind of help is refused (_discreet_sender).
    sms_sender: str | None = None
    sms_max_segments: int = Field(2, ge=1, le=10)
    sms_transliterate: bool = True
    sms_webhook_secret: str | None = None
    smsapi_token: str | None = None
    smsapi_base_url: str = "https://api.smsapi.pl"
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_base_url: str = "https://api.twilio.com"
    twilio_from: str | None = None

    # Consultations.
    consultation_minutes: int = Field(60, ge=10, le=480)
    booking_horizon_days: int = Field(14, ge=1, le=90)
    cancel_until_hours: int = Field(2, ge=0, le=168)
    max_upcoming_per_service: int = Field(1, ge=1, le=10)
    reminder_hours: list[int] = [24, 1]
    # The club's phone number, given wherever a participant is told to call (e.g. when it is
    # too late to cancel). Unset: texts tell the person to tell staff instead.
    club_phone: str | None = Field(None, max_length=30)

    # PSU hours.
    hours_week_limit: Decimal = Decimal(10)
    hours_month_limit: Decimal = Decimal(40)
    hours_day_limit: Decimal = Decimal(8)
    hours_backdate_days: int = Field(7, ge=0, le=62)
    psu_places: int = Field(35, ge=0)
    psu_weekly_norm: Decimal = Decimal(10)

    # Broadcasts (/ogloszenie) go through the outbox sender. Deprecated names, still read
    # when the new one is not set: BROADCAST_TELEGRAM_RATE → TELEGRAM_BULK_RATE,
    # BROADCAST_CONCURRENCY → SEND_CONCURRENCY, BROADCAST_SMS_RATE → SMS_RATE.
    broadcast_telegram_rate: float | None = Field(None, gt=0, le=1000)
    broadcast_concurrency: int | None = Field(None, ge=1, le=64)
    broadcast_sms_rate: float | None = Field(None, gt=0, le=1000)
    broadcast_progress_seconds: float = Field(2.0, ge=0.5, le=60)
    sms_price_pln: Decimal = Field(Decimal("0.16"), ge=0)

    # Backups (`kisbot db backup`, and daily from the scheduler at BACKUP_HOUR, Warsaw time,
    # into BACKUP_DIR, keeping BACKUP_KEEP days; BACKUP_DIR empty: no daily backup). Encrypted
    # when BACKUP_PASSPHRASE or BACKUP_KEY_FILE (a file holding the secret) is set.
    backup_dir: Path | None = Path("backups")
    backup_hour: int = Field(2, ge=0, le=23)
    backup_keep: int = Field(14, ge=1, le=3650)
    backup_passphrase: str | None = None
    backup_key_file: Path | None = None

    # Health and metrics (GET /healthz, GET /metrics): on the webhook server, and in polling
    # mode on their own listener (HEALTH_PORT 0: none). Healthy while the database answers,
    # a scheduler job ran within HEALTH_SCHEDULER_SECONDS and Telegram answered within
    # HEALTH_TELEGRAM_SECONDS.
    health_host: str = "127.0.0.1"
    health_port: int = Field(8081, ge=0, le=65535)
    health_scheduler_seconds: int = Field(120, ge=10)
    health_telegram_seconds: int = Field(300, ge=30)

    # Scheduled messages (Warsaw wall-clock times).
    summary_time: time = time(16, 0)
    weekly_nudge_time: time = time(12, 0)
    settlement_time: time = time(8, 0)

    @field_validator("kis_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("sms_provider")
    @classmethod
    def _known_provider(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in {"console", "smsapi", "twilio"}:
            raise ValueError("must be one of: console, smsapi, twilio")
        return value

    @field_validator("sms_sender")
    @classmethod
    def _discreet_sender(cls, value: str | None) -> str | None:
        if value and REVEALING_SENDER.search(value):
            raise ValueError("the sender name is shown on every recipient's phone and must not "
                             "name the club, the centre or a kind of help: choose a neutral "
                             "name registered with the SMS provider (e.g. Info), or leave it "
                             "unset for the provider's default")
        return value

    @field_validator("telegram_bot_token", "public_url", "webhook_secret", "backup_dir",
                     "backup_passphrase", "backup_key_file", "sms_sender", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_api_url", "public_url")
    @classmethod
    def _no_trailing_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    @model_validator(mode="after")
    def _deprecated_names(self) -> Settings:
        for old, new in DEPRECATED.items():
            value = getattr(self, old)
            if value is not None and new not in self.model_fields_set:
                warnings.warn(f"{old.upper()} is deprecated: use {new.upper()}",
                              DeprecationWarning, stacklevel=2)
                setattr(self, new, value)
        return self

    @property
    def tz(self) -> ZoneInfo:
        """The people's time zone."""
        return ZoneInfo(self.kis_timezone)

    def secrets(self) -> list[str]:
        """Values that must never reach a log."""
        values = (self.telegram_bot_token, self.smsapi_token, self.twilio_auth_token,
                  self.sms_webhook_secret, self.webhook_secret, self.backup_passphrase)
        return [v for v in values if v]

    def backup_secret(self) -> bytes | None:
        """The secret backups are encrypted with (BACKUP_KEY_FILE's content, or the
        passphrase), or None; ConfigError when the key file cannot be read."""
        if self.backup_key_file is not None:
            try:
                secret = self.backup_key_file.read_bytes().strip()
            except OSError as exc:
                raise ConfigError(f"BACKUP_KEY_FILE: cannot read {self.backup_key_file}: "
                                  f"{exc.strerror}") from None
            if len(secret) < 16:
                raise ConfigError("BACKUP_KEY_FILE: the key must be at least 16 characters")
            return secret
        return self.backup_passphrase.encode() if self.backup_passphrase else None

    @property
    def sandbox(self) -> bool:
        """True when no Telegram token is set: the local sandbox runs instead."""
        return self.telegram_bot_token is None


def load_settings(env_file: str | Path | None = ".env", **overrides: object) -> Settings:
    """Read the settings; raise ConfigError with one readable line on a bad value."""
    try:
        return Settings(_env_file=env_file, **overrides)  # type: ignore[call-arg]
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = ".".join(str(p) for p in err["loc"]).upper() or "settings"
            problems.append(f"{name}: {err['msg']}")
        raise ConfigError("Invalid configuration: " + "; ".join(problems)) from None
