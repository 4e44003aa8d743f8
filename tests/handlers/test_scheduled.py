"""Reminders, prompts and daily jobs: due in the database, sent once, right on the Warsaw clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.delivery.sender import deliver_due
from bot.scheduler import plan_tick, reclaim_tick
from handlers import scheduled as jobs
from storage import consultations, inbound, outbox
from storage.clock import ManualClock
from storage.db import Database
from storage.models import OutboxMessage, Participant
from storage.reminders import reminder_due
from storage.settings import load_settings
from tests.auxil.factories import at
from tests.auxil.harness import LIBRARY, Harness

WAW = ZoneInfo("Europe/Warsaw")


@pytest.mark.parametrize(("start", "lead", "due"), [
    (at(2026, 3, 30, 10), 24, at(2026, 3, 29, 10)),   # the day after the spring switch
    (at(2026, 3, 29, 10), 24, at(2026, 3, 28, 10)),   # on the switch day
    (at(2026, 10, 26, 10), 24, at(2026, 10, 25, 10)),  # the day after the autumn switch
    (at(2026, 10, 25, 10), 24, at(2026, 10, 24, 10)),
    (at(2026, 3, 29, 4), 1, at(2026, 3, 29, 3)),       # one real hour, though 02:00 is skipped
])
def test_reminders_land_on_the_warsaw_wall_clock(start: datetime, lead: int, due: datetime) -> None:
    assert reminder_due(start.astimezone(UTC), lead, WAW) == due


async def test_reminders_24h_and_1h_before_then_a_marking_prompt(bot: Harness) -> None:
    bot.book("08.12", "10:00-11:00")  # Tuesday 10:00, booked Monday 09:00
    await bot.tick(at(2026, 12, 7, 9, 59))
    assert bot.api.chat(1001) == []
    await bot.tick(at(2026, 12, 7, 10, 0))
    [first] = bot.api.chat(1001)
    # Discreet by default: a lock-screen preview names no kind of help.
    assert first.text.startswith("⏰ Przypomnienie: wtorek, 8 grudnia, godz. 10:00 – umówiona rozmowa")
    assert "psycholog" not in first.text.lower() and "/moje" in first.text
    await bot.tick(at(2026, 12, 7, 10, 30))
    await bot.tick(at(2026, 12, 8, 9, 0))
    assert len(bot.api.chat(1001)) == 2
    # An hour before, cancelling is no longer allowed (2 h): it is not offered.
    last = bot.api.chat(1001)[-1].text
    assert "/moje" not in last and "odwoła" not in last and "daj znać pracownikowi" in last
    await bot.tick(at(2026, 12, 8, 11, 0))
    [prompt] = bot.api.chat(5001)
    assert "Czy się odbyła?" in prompt.text and prompt.labels == ["✅ Odbyła się", "❌ Nieobecność"]
    await bot.tick(at(2026, 12, 8, 12, 0))  # nothing is sent twice
    assert (len(bot.api.chat(1001)), len(bot.api.chat(5001))) == (2, 1)


async def test_cancelled_and_moved_bookings_get_no_stale_reminders(bot: Harness) -> None:
    booking = bot.book("08.12", "10:00-12:00")
    await bot.tick(at(2026, 12, 7, 9, 30))  # plans nothing yet (not due)
    await bot.tick(at(2026, 12, 7, 10, 0))  # the 24 h reminder is queued and sent
    assert len(bot.api.chat(1001)) == 1
    free = bot.db.call(consultations.free_slots, service="psychologist", now=bot.clock.now(),
                       until=bot.clock.now() + timedelta(days=2))
    bot.db.call(consultations.move_booking, participant_id=booking.participant_id,
                booking_id=booking.id, slot_id=free[0].id, now=bot.clock.now(), until_hours=2,
                max_upcoming=1, waitlist_text="x")
    await bot.tick(at(2026, 12, 7, 11, 0))  # a day before the new time, 11:00
    assert "godz. 11:00" in bot.api.chat(1001)[-1].text
    await bot.tick(at(2026, 12, 8, 9, 0))  # 1 h before the old time: nothing
    assert len(bot.api.chat(1001)) == 2
    await bot.tick(at(2026, 12, 8, 10, 0))  # 1 h before the new 11:00
    assert len(bot.api.chat(1001)) == 3 and "godz. 11:00" in bot.api.chat(1001)[-1].text
    with bot.db.session() as s:
        keys = sorted(m.dedupe_key.rsplit(":", 1)[1] for m in s.exec(select(OutboxMessage)))
    assert keys == ["1h", "24h", "24h"]


async def test_missed_while_down_sent_if_still_useful_else_dropped(bot: Harness) -> None:
    bot.book("08.12", "10:00-11:00")
    await bot.tick(at(2026, 12, 8, 8, 0))  # down all Monday: the 24 h one is still useful
    assert len(bot.api.chat(1001)) == 1
    with bot.db.session() as s:  # queue the 1 h one, then pretend the bot was down past 10:00
        bot.clock.set(at(2026, 12, 8, 9, 0))
        jobs.plan_reminders(session=s, now=bot.clock.now(), settings=bot.deps.settings)
    bot.clock.set(at(2026, 12, 8, 10, 5))
    await deliver_due(bot.live.app)
    assert len(bot.api.chat(1001)) == 1
    with bot.db.session() as s:
        assert sorted(m.status for m in s.exec(select(OutboxMessage))) == ["dropped", "sent"]


async def test_crash_mid_send_is_resent_once_after_reclaim(bot: Harness) -> None:
    bot.book("08.12", "10:00-11:00")
    bot.clock.set(at(2026, 12, 7, 10, 0))
    await plan_tick(bot.live.app)
    claimed = bot.db.call(outbox.claim_due, now=bot.clock.now(), worker="crashed")
    assert len(claimed) == 1  # taken by a worker that then died before sending
    await deliver_due(bot.live.app)
    assert bot.api.chat(1001) == []  # nobody else may take it
    bot.clock.set(at(2026, 12, 7, 10, 6))
    await reclaim_tick(bot.live.app)
    await deliver_due(bot.live.app)
    await deliver_due(bot.live.app)
    assert len(bot.api.chat(1001)) == 1


async def test_blocked_user_gets_the_reminder_by_sms_without_naming_the_help(bot: Harness) -> None:
    bot.book("08.12", "10:00-11:00")
    bot.api.block(1001)
    await bot.tick(at(2026, 12, 7, 10, 0))
    await deliver_due(bot.live.app)
    sms = bot.live.app.bot_data["sms_gateway"].sent
    assert len(sms) == 1 and sms[0][0] == "+48601234567"
    assert "psycholog" not in sms[0][1].lower() and "rozmowa telefoniczna" in sms[0][1]
    with bot.db.session() as s:
        assert s.exec(select(Participant.blocked_bot)).one() is True


async def test_telegram_errors_are_retried_with_backoff(bot: Harness) -> None:
    bot.book("08.12", "10:00-11:00")
    bot.api.fail_next("sendMessage", status=500)
    await bot.tick(at(2026, 12, 7, 10, 0))
    assert bot.api.chat(1001) == []
    await bot.tick(at(2026, 12, 7, 10, 0, ) + timedelta(seconds=31))
    assert len(bot.api.chat(1001)) == 1


async def test_daily_summary_on_working_days_only(bot: Harness) -> None:
    bot.staff("Jan K.", "coordinator", telegram_user_id=5009)
    bot.staff("Monika", "psychologist", telegram_user_id=5001)  # does not see hours
    await bot.tick(at(2026, 12, 7, 15, 59))
    assert bot.api.chat(5009) == []
    await bot.tick(at(2026, 12, 7, 16, 0))
    await bot.tick(at(2026, 12, 7, 17, 0))
    assert [m.text.splitlines()[0] for m in bot.api.chat(5009)] == [
        "Podsumowanie godzin PSU – poniedziałek, 7 grudnia"]
    assert bot.api.chat(5001) == []
    await bot.tick(at(2026, 12, 24, 16, 0))  # Wigilia: a public holiday since 2025
    await bot.tick(at(2026, 12, 26, 16, 0))  # Saturday
    assert len(bot.api.chat(5009)) == 1


def test_first_working_day_skips_holidays_and_weekends() -> None:
    from datetime import date
    assert jobs.first_working_day(date(2027, 1, 15)) == date(2027, 1, 4)  # 1 Jan holiday, 2-3 weekend
    assert jobs.first_working_day(date(2026, 11, 20)) == date(2026, 11, 2)  # 1 Nov is a Sunday


async def test_two_senders_on_one_postgresql_send_each_message_once(
        api, pg_db, clock) -> None:
    from sqlmodel import SQLModel

    from bot.app import build_application
    from handlers.context import Deps
    from storage.db import Database
    from tests.auxil.harness import make_settings

    now = clock.now()
    participants = [{"id": i, "number": str(i), "first_name": "P", "last_name": "T", "gender": "K",
                     "telegram_user_id": 10_000 + i, "referred_on": now.date(), "created_at": now,
                     "sms_opt_out": False, "reminders_opt_out": False, "blocked_bot": False}
                    for i in range(1, 1001)]
    messages = [{"dedupe_key": f"n:{i}", "kind": "notice", "channel": "telegram", "participant_id": i,
                 "chat_id": 10_000 + i, "text": f"wiadomość {i}", "due_at": now,
                 "next_attempt_at": now, "status": "pending", "attempts": 0, "created_at": now}
                for i in range(1, 1001)]
    with pg_db.engine.begin() as conn:
        conn.execute(SQLModel.metadata.tables["participants"].insert(), participants)
        conn.execute(SQLModel.metadata.tables["outbox"].insert(), messages)
    for i in range(1, 1001):
        api.opened_chat(10_000 + i)
    api.enforce_limits = False  # about claiming rows once; the 429 limits are tested elsewhere
    apps = [build_application(Deps(settings=make_settings(api, pg_db.url, telegram_bulk_rate=5000),
                                   db=Database(pg_db.url),
                                   clock=clock)) for _ in range(2)]
    for app in apps:
        await app.bot.initialize()

    async def drain(app, worker: str) -> int:
        total = 0
        while sum((stats := await deliver_due(app, worker=worker, limit=50)).counts.values()):
            total += stats.counts.get("sent", 0)
        return total

    sent = await asyncio.gather(drain(apps[0], "a"), drain(apps[1], "b"))
    for app in apps:
        await app.bot.shutdown()
        app.bot_data["deps"].db.dispose()
    assert sum(sent) == 1000 and min(sent) > 0  # both worked, together exactly once each
    assert all(len(api.chat(10_000 + i)) == 1 for i in range(1, 1001))


async def test_telegram_timeout_is_retried_and_nothing_is_lost(api, db, db_url, clock) -> None:
    from bot.app import build_application
    from handlers.context import Deps
    from tests.auxil.harness import make_settings

    app = build_application(Deps(settings=make_settings(api, db_url, telegram_timeout=0.3),
                                 db=db, clock=clock))
    await app.bot.initialize()
    try:
        harness = Harness(live=None, api=api, deps=app.bot_data["deps"], db=db, clock=clock)  # type: ignore[arg-type]
        harness.book("08.12", "10:00-11:00")
        clock.set(at(2026, 12, 7, 10, 0))
        await plan_tick(app)
        api.fail_next("sendMessage", delay=1.0)  # Telegram answers too late
        assert (await deliver_due(app)).counts == {"retry": 1}
        with db.session() as s:
            row = s.exec(select(OutboxMessage)).one()
        assert row.status == "pending" and "TimedOut" in row.last_error
        clock.advance(timedelta(seconds=31))
        assert (await deliver_due(app)).counts == {"sent": 1}
        # A late answer may still have delivered the first try: at least once, at most twice.
        await api.wait_for(lambda: len(api.chat(1001)) >= 1)
        assert 1 <= len(api.chat(1001)) <= 2
    finally:
        await app.bot.shutdown()


def test_daily_jobs_prune_inbound_events_after_30_days(db: Database, clock: ManualClock) -> None:
    settings = load_settings(None, database_url=db.url)
    db.call(inbound.claim, source="smsapi", kind="sms", external_id="MO-1", now=clock.now())
    later = clock.now() + timedelta(days=inbound.KEEP_DAYS, hours=1)  # 10:00 Warsaw, after 03:00
    assert db.call(jobs.daily_jobs, now=later, settings=settings)["inbound_pruned"] == 1
    assert db.call(inbound.claim, source="smsapi", kind="sms", external_id="MO-1",
                   now=later) is inbound.Claim.claimed


async def test_coordinators_are_reminded_in_march_of_the_annual_report(bot: Harness) -> None:
    bot.staff("Jan K.", "coordinator", telegram_user_id=5009)
    bot.staff("Monika", "psychologist", telegram_user_id=5001)

    def reminders() -> list:
        return [m for m in bot.api.chat(5009) if "sprawozdanie roczne" in (m.text or "")]

    await bot.tick(at(2027, 2, 26, 9, 0))
    await bot.tick(at(2027, 3, 1, 7, 59))  # Monday 1 March, before the settlement hour
    assert reminders() == []
    await bot.tick(at(2027, 3, 1, 8, 0))
    await bot.tick(at(2027, 3, 15, 9, 0))  # once a year, however many ticks
    [reminder] = reminders()
    assert reminder.text.startswith("Przypomnienie: do 31 marca trzeba przekazać wojewodzie "
                                    "sprawozdanie roczne klubu za 2026 r.")
    assert reminder.labels == ["Sprawozdanie roczne 2026"]
    assert bot.api.chat(5001) == []
    jan = bot.user(5009, "Jan")
    await jan.press("Sprawozdanie roczne 2026", message=reminder)
    assert jan.last_document is not None
    assert jan.last_document.filename == "sprawozdanie_roczne_2026.xlsx"
    await bot.tick(at(2028, 3, 1, 8, 30))  # the next year's
    assert [m.labels for m in reminders()] == [["Sprawozdanie roczne 2026"],
                                               ["Sprawozdanie roczne 2027"]]


async def test_fridays_nudge_fits_the_channel_and_the_gender(bot: Harness) -> None:
    """Issue 19: no '/godziny w czacie' to an SMS-only person, no 'pracowałeś/aś'."""
    bot.participant("20", "Stanisław", phone="+48601000222", work_site=LIBRARY, gender="M")
    bot.participant("21", "Anna", phone=None, telegram_user_id=1001, work_site=LIBRARY)
    await bot.tick(at(2026, 12, 11, 12, 0))  # Friday noon
    with bot.db.session() as s:
        nudges = {m.channel: m.text for m in s.exec(
            select(OutboxMessage).where(OutboxMessage.dedupe_key.startswith("nudge:")))}
    assert "Jeśli pracowałeś więcej, wpisz godziny: odpisz np. GODZINY 4" in nudges["sms"]
    assert "/godziny" not in nudges["sms"]
    assert "Jeśli pracowałaś więcej, wpisz godziny: napisz np. /godziny 4" in nudges["telegram"]
    assert "SMS" not in nudges["telegram"] and "/aś" not in "".join(nudges.values())


async def test_a_reminder_in_another_year_shows_the_year(bot: Harness) -> None:
    bot.clock.set(at(2026, 12, 31, 9, 0))
    member = bot.staff("Monika", "psychologist", telegram_user_id=5001)
    person = bot.participant("12", "Anna", telegram_user_id=1001)
    [slot, *_] = bot.make.slots(member, "01.01.2027", "10:00-11:00", "święto")
    bot.make.booking(person, slot)
    await bot.tick(at(2026, 12, 31, 10, 0))
    assert "piątek, 1 stycznia 2027, godz. 10:00" in bot.api.chat(1001)[-1].text
