"""Scheduled work. Every job only inserts outbox rows with dedupe keys (or resumes work), so
running it twice, late, or in two processes at once sends nothing twice."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import holidays
from sqlmodel import Session

from handlers.telegram.paging import split_text
from handlers.texts import annual as annual_texts
from handlers.texts import reminders as texts
from handlers.texts import summary as summary_texts
from handlers.texts.i18n import speaking
from storage import inbound, outbox, people, privacy
from storage import reminders as store
from storage.clock import local_date
from storage.consultation_rules import may_cancel
from storage.hours_rules import Limits, week_bounds
from storage.hours_summary import daily_summary
from storage.models import Booking, Participant, Role, Staff
from storage.periods import local_midnight
from storage.settings import Settings
from storage.settlement import settlement

HOURS_ROLES = (Role.coordinator, Role.social_worker, Role.admin)


def working_day(day: date) -> bool:
    """Monday to Friday and not a Polish public holiday."""
    return day.weekday() < 5 and day not in holidays.Poland(years=day.year)


def first_working_day(month: date) -> date:
    """The first working day of the month of `month`."""
    day = month.replace(day=1)
    while not working_day(day):
        day += timedelta(days=1)
    return day


def previous_month(day: date) -> date:
    """The first day of the month before `day`'s."""
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def plan_reminders(*, session: Session, now: datetime, settings: Settings) -> store.Planned:
    """Queue reminders (in each person's language) and marking prompts (Polish, for staff)."""
    tz = settings.tz

    def reminder_text(booking: Booking, person: Participant, channel: str, due: datetime) -> str:
        with speaking(person.language):
            return texts.reminder(
                booking, channel, tz,
                can_cancel=may_cancel(booking.starts_at, due, settings.cancel_until_hours),
                named=person.name_help, has_phone=bool(person.phone),
                club_phone=settings.club_phone, today=local_date(due, tz))

    return store.plan(session=session, now=now, hours=settings.reminder_hours, tz=tz,
                      reminder_text=reminder_text,
                      prompt=lambda b, person: texts.prompt(b, person, tz))


def daily_jobs(*, session: Session, now: datetime, settings: Settings) -> dict[str, int]:
    """What is due today and not queued yet (summaries, nudge, settlement); then retention."""
    local = now.astimezone(settings.tz)
    today, clock = local.date(), local.time()
    done = {"summaries": 0, "nudges": 0, "settlements": 0, "annual_reminders": 0, "anonymised": 0,
            "inbound_pruned": 0}
    if working_day(today) and clock >= settings.summary_time:
        done["summaries"] = _summaries(session, today, now, settings)
    if today.weekday() == 4 and clock >= settings.weekly_nudge_time:
        done["nudges"] = _nudges(session, today, now, settings)
    if today == first_working_day(today) and clock >= settings.settlement_time:
        done["settlements"] = _settlements(session, today, now, settings)
    if today.month == 3 and today >= first_working_day(today) and clock >= settings.settlement_time:
        done["annual_reminders"] = _annual_reminders(session, today, now, settings)
    if clock >= time(3, 0):
        done["anonymised"] = privacy.anonymize_expired(
            session=session, today=today, retention_days=settings.retention_days, now=now)
        done["inbound_pruned"] = inbound.prune(session=session, now=now)
    return done


def _hours_staff(session: Session, *roles: Role) -> list[Staff]:
    return [s for s in people.list_staff(session=session)
            if s.active and s.telegram_user_id and s.has_role(*roles)]


def _summaries(session: Session, today: date, now: datetime, settings: Settings) -> int:
    recipients = [s for s in _hours_staff(session, *HOURS_ROLES) if s.daily_summary]
    if not recipients:
        return 0
    text = summary_texts.summary_text(daily_summary(session=session, day=today,
                                                    limits=Limits.of(settings)))
    parts = split_text(text)  # a large club's summary goes in parts: no line is cut off
    keys = [f"summary:{today}:{{id}}"] + [f"summary:{today}:{{id}}:{n}"
                                          for n in range(2, len(parts) + 1)]
    return sum(outbox.enqueue(session=session, dedupe_key=key.format(id=s.id),
                              kind="summary", text=part, due_at=now, staff=s,
                              expires_at=now + timedelta(hours=12)) is not None
               for s in recipients for key, part in zip(keys, parts, strict=True))


def _nudges(session: Session, today: date, now: datetime, settings: Settings) -> int:
    monday, _ = week_bounds(today)
    count = 0
    for person, logged in store.below_weekly_norm(session=session, monday=monday, today=today,
                                                  norm=settings.psu_weekly_norm):
        if person.sms_opt_out and not person.telegram_user_id:
            continue
        norm, gender = settings.psu_weekly_norm, person.gender
        count += outbox.enqueue(  # rendered per channel, in the person's language
            session=session, dedupe_key=f"nudge:{monday}:{person.id}", kind="notice",
            text=lambda channel, logged=logged, norm=norm, gender=gender: texts.weekly_nudge(
                logged, norm, gender, channel),
            due_at=now, participant=person, expires_at=now + timedelta(days=1)) is not None
    return count


def _settlements(session: Session, today: date, now: datetime, settings: Settings) -> int:
    month = previous_month(today)
    text = texts.settlement_notice(summary_texts.settlement_text(
        settlement(session=session, month=month, places=settings.psu_places)), month)
    return sum(outbox.enqueue(session=session, dedupe_key=f"settlement:{month:%Y-%m}:{s.id}",
                              kind="summary", text=text, due_at=now, staff=s) is not None
               for s in _hours_staff(session, Role.coordinator))


def _annual_reminders(session: Session, today: date, now: datetime, settings: Settings) -> int:
    """In March, once a year, tell coordinators the annual report is due by 31 March."""
    year = today.year - 1
    expires = local_midnight(date(today.year, 4, 1), settings.tz)
    buttons = [[[annual_texts.REMINDER_BUTTON.format(year=year), f"rp:y:{year}"]]]
    return sum(outbox.enqueue(session=session, dedupe_key=f"annual-report:{year}:{s.id}",
                              kind="notice", text=annual_texts.annual_reminder(year), due_at=now,
                              staff=s, channel="telegram", expires_at=expires,
                              payload={"buttons": buttons}) is not None
               for s in _hours_staff(session, Role.coordinator))
