"""What every handler needs, built once and kept in `application.bot_data`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from storage.clock import Clock, local_today
from storage.db import Database
from storage.hours_summary import SummaryCache
from storage.people import Identity
from storage.settings import Settings


@dataclass
class Deps:
    """The runtime's shared objects."""

    settings: Settings
    db: Database
    clock: Clock
    bot_username: str | None = None
    wake_sender: Callable[[], None] | None = None  # set by the runtime: send the outbox now
    # Set by the runtime: every scheduled pass once, in production's order (the sandbox runs
    # it at each step when its clock is moved forward).
    run_scheduled: Callable[[], Awaitable[None]] | None = None
    summaries: SummaryCache = field(default_factory=SummaryCache)  # daily PSU summaries

    def wake(self) -> None:
        """Ask the runtime to send due outbox messages now (else they go at its next tick)."""
        if self.wake_sender is not None:
            self.wake_sender()

    def today(self) -> date:
        """Today's date in the club's time zone."""
        return local_today(self.clock, self.settings.tz)


class KisContext(CallbackContext[ExtBot, dict, dict, dict]):
    """PTB's context plus our dependencies and the sender's identity (set by `requires`)."""

    def __init__(self, application: Application, chat_id: int | None = None,
                 user_id: int | None = None) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self.identity: Identity = Identity()

    @property
    def deps(self) -> Deps:
        """The runtime's shared objects."""
        return self.application.bot_data["deps"]


def deps_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Deps:
    """The Deps of an application."""
    return application.bot_data["deps"]
