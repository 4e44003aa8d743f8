"""Every button pattern the bot registers, pressed with forged data by every role.

Telegram does not check callback_data against the buttons it showed: any client can send
any data on any message. For every pattern (a new one without a template below fails the
coverage test), with wrong ids, other people's ids, ids of withdrawn and cancelled things,
impossible dates, ids too big for the database, overlong data and unicode junk, each press:

- gets an answer (the button's spinner stops) and no internal-error apology;
- leaves no error in the bot, the Bot API stand-in or the log;
- changes nothing of what the presser was never offered: another psychologist's slots,
  another participant's bookings and hours, a workshop nobody was invited to, another
  coordinator's notice, who is linked to which Telegram account.
"""

from __future__ import annotations

import logging
import re
import string
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select
from telegram.ext import CallbackQueryHandler

from handlers.texts import common as common_texts
from storage import broadcasts, consultations, hours, workshops
from storage.hours_rules import Limits
from storage.models import (
    Booking,
    Broadcast,
    HourEntry,
    Participant,
    Role,
    Slot,
    Staff,
    Workshop,
    WorkshopSignup,
)
from tests.auxil.harness import LIBRARY, Harness
from tests.auxil.tg import TelegramUser
from tests.handlers.telegram.test_authorization import registered

# Every kind of data the bot's buttons carry ({…}: a field forged below).
TEMPLATES = [
    "ag:cx:{id}", "ag:cxok:{id}", "ag:keep", "ag:att:{id}", "ag:ns:{id}", "ag:pg:{pg}",
    "ag:slpg:{pg}", "bk:day:{svc}:{d8}:{pg}", "bk:md:{id}:{d8}:{pg}",
    "bk:svc:{svc}", "bk:day:{svc}:{d8}", "bk:t:{id}", "bk:ok:{id}", "bk:wl:{svc}",
    "bk:cx:{id}", "bk:cxok:{id}", "bk:keep", "bk:mv:{id}", "bk:md:{id}:{d8}", "bk:mt:{id}:{id2}",
    "hr:log:{iso}:{h}", "hr:fix:{id}", "hr:del:{id}", "hr:set:{id}:{h}", "hr:{junk}",
    "ws:yes:{id}", "ws:no:{id}", "ws:list:{id}", "ws:att:{id}", "ws:mark:{id}:{id2}",
    "ws:inv:{id}", "ws:lpg:{pg}", "ws:list:{id}:{pg}", "ws:att:{id}:{pg}", "ws:{junk}",
    "ex:{id}:{d8}:{outcome}", "ex:{junk}", "pv:{bit}", "pv:{junk}",
    "lang:{lang}", "lang:{junk}", "jo:{id}:{lang}", "jo:{junk}",
    "sm:all:{iso}:{epoch}", "sm:ok:{id}:{iso}:{h}", "sm:ok:{id}:{iso}", "sm:no:{id}:{iso}",
    "sm:{junk}", "st:{ym}", "st:{junk}",
    "rp:{iso}:{iso2}", "rp:y:{y4}",
    "bc:aud:{id}:{key}", "bc:aud:{id}:site:{id2}", "bc:back:{id}", "bc:cancel:{id}",
    "bc:day:{id}:{d8}", "bc:now:{id}", "bc:plan:{id}", "bc:at:{id}:{d12}", "bc:{junk}",
    "bc:tr:{id}:{lang}", "bc:next:{id}", "bc:ver:{id}", "bc:tr:{id}:{junk}",
    "cmd:{junk}", "{junk}",
]

HUGE = ["0", "2147483647", "2147483648", "999999999999", "١٢"]  # ١٢: Arabic-Indic 12
FIELDS: dict[str, list[str]] = {
    "d8": ["20261208", "20261209", "20260230", "99999999", "00000000", "20261307", "20201208"],
    "iso": ["2026-12-07", "2026-12-08", "2026-02-30", "0000-00-00", "9999-12-31", "2026-13-01"],
    "d12": ["202612081000", "202612089999", "202602301000", "999999999999", "202612070800"],
    "h": ["4", "0", "0.5", "99", "8.5", "10", "1.5", "3.0", "4.0"],
    "epoch": ["0", "1796630400", "9999999999", "1796716800"],
    "svc": ["psychologist", "career_advisor", "psycholog", "x"],
    "key": ["all", "psu", "site", "week", "nobody"],
    "ym": ["2026-12", "2026-13", "0000-00", "9999-99", "2026-00"],
    "y4": ["2026", "0000", "9999", "1900"],
    "pg": ["0", "1", "2", "9999", "00"],
    "bit": ["0", "1", "2", "01", "x"],
    "lang": ["pl", "uk", "en", "de", "UK", "uk:1"],
    "outcome": ["umowa_o_prace", "program_ukonczony", "inne", "nonsense", "UMOWA_O_PRACE"],
    "junk": ["", "x", "💥" * 20, "\u202e\u0000", "'; DROP TABLE slots; --", "a" * 80, ":::"],
}
CLUBS: dict[int, list[str]] = {}  # the hypothesis test's club, built on its first example
JUNK = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=70)


def fill(template: str, ids: list[str], pick: int) -> str:
    """The template with every field taken from the known values (rotating by pick)."""
    names = [name for _, name, _, _ in string.Formatter().parse(template) if name]
    values: dict[str, str] = {}
    for n, name in enumerate(names):
        if name in ("id", "id2"):
            values[name] = ids[(pick + n * 7) % len(ids)]
        else:
            choices = FIELDS["iso" if name == "iso2" else name]
            values[name] = choices[(pick + n) % len(choices)]
    return template.format(**values)


def templates(bot: Harness) -> list[str]:
    """The templates above and every command's menu button."""
    return TEMPLATES + [spec.menu_data for spec in bot.live.app.bot_data["commands"]]


def protected(bot: Harness) -> tuple[Any, ...]:
    """What nobody pressing in these tests may change (it belongs to people not pressing)."""
    with bot.db.session() as s:
        ola = s.exec(select(Staff).where(Staff.name == "Ola")).one()
        basia = s.exec(select(Participant).where(Participant.number == "2")).one()
        return (
            sorted((x.id, x.cancelled) for x in s.exec(select(Slot).where(Slot.staff_id == ola.id))),
            sorted((b.id, b.status, b.slot_id) for b in s.exec(
                select(Booking).where(Booking.participant_id == basia.id))),
            sorted((e.id, e.status, e.hours) for e in s.exec(
                select(HourEntry).where(HourEntry.participant_id == basia.id))),
            s.exec(select(WorkshopSignup)).all(),
            sorted((b.id, b.status, b.text, b.audience) for b in s.exec(
                select(Broadcast).where(Broadcast.created_by == ola.id))),
            sorted((p.id, p.telegram_user_id) for p in s.exec(select(Participant))),
        )


def club(bot: Harness) -> list[str]:
    """People and things to forge against (once per test); every id worth trying."""
    make, now = bot.make, bot.clock.now()
    anna = bot.participant("1", "Anna", telegram_user_id=1001, work_site=LIBRARY)
    basia = bot.participant("2", "Basia", phone="+48601000002", work_site=LIBRARY)
    for i, role in enumerate(Role):
        bot.staff(f"S{i}", role, telegram_user_id=5000 + i)
    ola = bot.staff("Ola", "psychologist", "coordinator", "social_worker")
    monika = bot.db.call(lambda session: session.exec(
        select(Staff).where(Staff.telegram_user_id == 5000)).one())
    mine = make.slots(monika, "08.12", "10:00-12:00")
    make.booking(anna, mine[0])
    hers = make.slots(ola, "09.12", "10:00-13:00")
    cancelled = make.booking(basia, hers[1])
    bot.db.call(consultations.cancel_booking, participant_id=basia.id, booking_id=cancelled.id,
                now=now, until_hours=2, waitlist_text="-")
    make.booking(basia, hers[0])
    bot.db.call(consultations.staff_cancel_slot, staff_id=ola.id, slot_id=hers[2].id, now=now,
                tell=lambda b: "-")
    limits = Limits.of(bot.deps.settings)
    bot.db.call(hours.log_hours, participant_id=anna.id, work_date=now.date(), hours=Decimal(3),
                today=now.date(), limits=limits, backdate_days=7, now=now)
    bot.db.call(hours.staff_add, staff_id=ola.id, participant_id=basia.id, work_date=now.date(),
                hours=Decimal(4), reason=None, today=now.date(), limits=limits, now=now)
    bot.db.call(workshops.create, title="Gotowanie", starts_at=now + timedelta(days=2),
                place="Sala", capacity=1, hours=Decimal(2), staff_id=ola.id, now=now)
    draft = bot.db.call(broadcasts.start_draft, staff_id=ola.id, now=now, text="Ogłoszenie")
    bot.db.call(broadcasts.set_audience, broadcast_id=draft.id, staff_id=ola.id, audience="all")
    with bot.db.session() as s:
        ids = {str(i) for model in (Slot, Booking, HourEntry, Workshop, Broadcast, Participant,
                                    Staff) for i in s.exec(select(model.id))}  # type: ignore[attr-defined]
    return sorted(ids, key=int) + HUGE


def pressers(bot: Harness) -> list[TelegramUser]:
    """A stranger, the participant and one member of staff per role."""
    return [bot.user(999, "Obcy"), bot.user(1001)] + [bot.user(5000 + i) for i in range(len(Role))]


async def press(bot: Harness, user: TelegramUser, data: str,
                caplog: pytest.LogCaptureFixture) -> None:
    """Press forged data and check the answer and what is protected."""
    if not user.messages:
        await user.send("/start")
    before, api_errors = protected(bot), len(bot.api.errors)
    sent = await user.press_data(data, message=user.last_message)
    where = f"{data!r} pressed by {user.id}"
    assert bot.live.errors == [], where
    refused = [e for e in bot.api.errors[api_errors:] if "not modified" not in e.description]
    assert refused == [], f"{where}: Telegram refused {refused}"  # "not modified" is success
    assert user.last_answer is not None, f"{where}: the button was never answered"
    assert common_texts.INTERNAL_ERROR not in [m.content for m in sent], where
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], where
    assert protected(bot) == before, f"{where} changed what is not theirs"


def test_every_registered_pattern_has_a_template(bot: Harness) -> None:
    patterns = [h.pattern for h in registered(bot)  # None: the stale-button fallback, takes all
                if isinstance(h, CallbackQueryHandler) and h.pattern is not None]
    samples = [fill(t, ["1"], pick) for t in templates(bot) for pick in range(8)]
    for pattern in patterns:
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        assert any(regex.match(s) for s in samples), f"add a template for {regex.pattern}"


async def test_every_pattern_from_every_role_with_known_and_impossible_values(
        bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    ids = club(bot)
    users = pressers(bot)
    for n, template in enumerate(templates(bot)):
        for k, user in enumerate(users):
            await press(bot, user, fill(template, ids, n + k), caplog)


@given(data=st.data())
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
async def test_arbitrary_forged_data(bot: Harness, caplog: pytest.LogCaptureFixture,
                                     data: st.DataObject) -> None:
    if id(bot) not in CLUBS:  # the same club for every example of one run
        CLUBS.clear()
        CLUBS[id(bot)] = club(bot)
    ids = CLUBS[id(bot)]
    users = pressers(bot)
    for _ in range(4):
        template = data.draw(st.sampled_from(templates(bot)))
        values = {name: data.draw(st.one_of(st.sampled_from(ids), st.integers(0, 10**12).map(str))
                                  if name in ("id", "id2") else
                                  st.one_of(st.sampled_from(FIELDS.get(name, ["x"]) if name != "iso2"
                                                            else FIELDS["iso"]), JUNK))
                  for _, name, _, _ in string.Formatter().parse(template) if name}
        forged = template.format(**values)
        forged = data.draw(st.sampled_from([forged, forged + data.draw(JUNK), forged * 3]))
        await press(bot, data.draw(st.sampled_from(users)), forged, caplog)
