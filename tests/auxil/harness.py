"""Fixtures: the real bot (bot.app.build_application) against the Bot API stand-in, on the test
database. Registered for the whole suite by tests/conftest.py."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

import pytest

from bot.app import build_application
from bot.runtime import serve
from bot.sandbox.botapi import BotApiStandIn
from bot.scheduler import run_all_once
from handlers.context import Deps
from storage import invites
from storage.clock import Clock, ManualClock
from storage.db import Database
from storage.models import Booking, Participant, Staff
from storage.settings import Settings, load_settings
from tests.auxil.factories import Factory
from tests.auxil.tg import LiveBot, TelegramUser, TrackingUpdateProcessor, running

LIBRARY = "Miejska Biblioteka Publiczna"


@dataclass
class Harness:
    """The running bot and what tests need around it."""

    live: LiveBot
    api: BotApiStandIn
    deps: Deps
    db: Database
    clock: ManualClock

    def user(self, user_id: int, first_name: str = "Anna") -> TelegramUser:
        """A Telegram user writing to the bot."""
        return self.live.user(user_id, first_name=first_name)

    @property
    def make(self) -> Factory:
        """Builders for people, sites, slots and bookings."""
        return Factory(self.db, self.clock, self.deps.settings.tz, linked=self.api.opened_chat)

    def participant(self, number: str = "12", first_name: str = "Anna", *,
                    phone: str | None = "+48601234567", telegram_user_id: int | None = None,
                    work_site: str | None = None, gender: str = "K") -> Participant:
        """Add a participant (optionally already linked to Telegram)."""
        return self.make.participant(number, first_name, phone=phone, gender=gender,
                                     telegram_user_id=telegram_user_id, work_site=work_site)

    def staff(self, name: str, *roles: str, telegram_user_id: int | None = None) -> Staff:
        """Add a staff member."""
        return self.make.staff(name, *roles, telegram_user_id=telegram_user_id)

    def in_psu(self, number: str = "12", user: int = 1001, name: str = "Anna") -> TelegramUser:
        """A linked participant working at the library, and their Telegram chat."""
        self.participant(number, name, phone=None, telegram_user_id=user, work_site=LIBRARY)
        return self.user(user, name)

    def book(self, day: str, span: str, user_id: int = 1001) -> Booking:
        """Anna (on Telegram as user_id) booked with the psychologist at the start of DAY SPAN."""
        member = self.staff("Monika", "psychologist", telegram_user_id=5001)
        person = self.participant("12", "Anna", telegram_user_id=user_id)
        [slot, *_] = self.make.slots(member, day, span)
        return self.make.booking(person, slot)

    async def tick(self, moment: datetime) -> None:
        """Move the clock and run every scheduled pass once, in order."""
        self.clock.set(moment)
        await run_all_once(self.live.app)

    def invite(self, participant: Participant) -> str:
        """A fresh invite code for a participant."""
        return self.db.call(invites.create_invite, participant=participant, now=self.clock.now(),
                            ttl_days=self.deps.settings.invite_ttl_days, actor="cli")


def make_settings(api: BotApiStandIn, db_url: str, **overrides: object) -> Settings:
    """Settings pointing at the stand-in and the test database (ignoring any .env); no health
    listener unless asked for (parallel test runs would fight over HEALTH_PORT)."""
    overrides.setdefault("health_port", 0)
    return load_settings(None, telegram_bot_token=api.token, telegram_api_url=api.url,
                         database_url=db_url, **overrides)


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandIn]:
    """The strict Bot API stand-in on 127.0.0.1; fails the test on unknown methods and on any
    refusal the test did not script (`fail_next`), declare (`expect_refusal`) or cause
    (`block`)."""
    async with BotApiStandIn() as stand_in:
        yield stand_in
        assert stand_in.unknown_calls == [], stand_in.dump()
        stand_in.assert_no_refusals()


@pytest.fixture
async def bot(api: BotApiStandIn, db: Database, db_url: str,
              clock: ManualClock) -> AsyncIterator[Harness]:
    """The whole bot running against the stand-in."""
    deps = Deps(settings=make_settings(api, db_url), db=db, clock=clock)
    app = build_application(deps, update_processor=TrackingUpdateProcessor())
    async with running(app, api) as live:
        yield Harness(live=live, api=api, deps=deps, db=db, clock=clock)
        assert live.errors == [], live.errors


@asynccontextmanager
async def serving(settings: Settings, clock: Clock) -> AsyncIterator[None]:
    """`kisbot run`'s serve() in this event loop, from ready until stopped."""
    stop, ready = asyncio.Event(), asyncio.Event()

    async def on_ready(_deps: object) -> None:
        ready.set()

    task = asyncio.create_task(serve(settings, clock=clock, stop=stop, ready=on_ready))
    try:
        await asyncio.wait_for(ready.wait(), 15)
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
