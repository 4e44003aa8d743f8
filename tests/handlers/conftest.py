"""The real bot (bot.app.build_application) against the Bot API stand-in, on the test database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date

import pytest

from bot.app import build_application
from bot.sandbox.botapi import BotApiStandIn
from handlers.context import Deps
from storage import invites, people
from storage.clock import ManualClock
from storage.db import Database
from storage.models import Participant, Staff
from storage.settings import Settings, load_settings
from tests.auxil.tg import LiveBot, TelegramUser, TrackingUpdateProcessor, running


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

    def participant(self, number: str = "12", first_name: str = "Anna", *,
                    phone: str | None = "+48601234567", telegram_user_id: int | None = None,
                    work_site: str | None = None, gender: str = "K") -> Participant:
        """Add a participant (optionally already linked to Telegram)."""
        new = people.NewParticipant(number=number, first_name=first_name, last_name="Testowa",
                                    gender=gender, phone=phone, referred_on=date(2026, 11, 2),
                                    work_site=work_site)
        added = self.db.call(people.add_participant, new=new, actor="cli", now=self.clock.now())
        if telegram_user_id is not None:
            with self.db.session() as s:
                row = s.get(Participant, added.id)
                assert row is not None
                row.telegram_user_id = telegram_user_id
                added = row
        return added

    def staff(self, name: str, *roles: str, telegram_user_id: int | None = None) -> Staff:
        """Add a staff member."""
        return self.db.call(people.add_staff, name=name, roles=list(roles),
                            telegram_user_id=telegram_user_id, phone=None, actor="cli",
                            now=self.clock.now())

    def invite(self, participant: Participant) -> str:
        """A fresh invite code for a participant."""
        return self.db.call(invites.create_invite, participant=participant, now=self.clock.now(),
                            ttl_days=self.deps.settings.invite_ttl_days, actor="cli")


def make_settings(api: BotApiStandIn, db_url: str, **overrides: object) -> Settings:
    """Settings pointing at the stand-in and the test database (ignoring any .env)."""
    return load_settings(None, telegram_bot_token=api.token, telegram_api_url=api.url,
                         database_url=db_url, **overrides)


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandIn]:
    """The Bot API stand-in on 127.0.0.1; fails the test on unknown methods."""
    async with BotApiStandIn() as stand_in:
        yield stand_in
        assert stand_in.unknown_calls == [], stand_in.dump()


@pytest.fixture
async def bot(api: BotApiStandIn, db: Database, db_url: str,
              clock: ManualClock) -> AsyncIterator[Harness]:
    """The whole bot running against the stand-in."""
    deps = Deps(settings=make_settings(api, db_url), db=db, clock=clock)
    app = build_application(deps, update_processor=TrackingUpdateProcessor())
    async with running(app, api) as live:
        yield Harness(live=live, api=api, deps=deps, db=db, clock=clock)
        assert live.errors == [], live.errors
