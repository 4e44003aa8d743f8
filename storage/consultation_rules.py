"""Pure rules of consultation booking: slot requests, slot times, holidays (no database)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

from storage.errors import DomainError
from storage.models import Role, Service, SlotMode

SERVICE_OF_ROLE = {Role.psychologist: Service.psychologist,
                   Role.career_advisor: Service.career_advisor}
SERVICE_ALIASES = {"psychologist": Service.psychologist, "psycholog": Service.psychologist,
                   "career_advisor": Service.career_advisor, "doradca": Service.career_advisor,
                   "doradca_zawodowy": Service.career_advisor}
_DAY_MONTH = re.compile(r"^(\d{1,2})[./-](\d{1,2})(?:[./-](\d{4}))?\.?$")
_RANGE = re.compile(r"^(\d{1,2})[:.](\d{2})\s*-\s*(\d{1,2})[:.](\d{2})$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
OVERRIDE_WORDS = {"swieto", "święto", "mimo", "wymus", "wymuś"}


@dataclass(frozen=True)
class SlotRequest:
    """What `/terminy DATE HH:MM-HH:MM [MINUTES] [video LINK] [święto]` asks for."""

    day: date
    start: time
    end: time
    minutes: int | None = None
    mode: SlotMode = SlotMode.phone
    video_link: str | None = None
    override_holiday: bool = False


def services_of(roles: frozenset[Role]) -> list[Service]:
    """The consultation services a staff member gives."""
    return [SERVICE_OF_ROLE[r] for r in sorted(roles) if r in SERVICE_OF_ROLE]


def parse_service(text: str) -> Service:
    """'psycholog', 'doradca', 'career_advisor' … → Service; ValueError otherwise."""
    key = text.strip().lower().replace(" ", "_")
    if key not in SERVICE_ALIASES:
        raise ValueError(f"unknown service {text!r}")
    return SERVICE_ALIASES[key]


NEAR_PAST = timedelta(days=62)


def parse_future_day(text: str, today: date) -> date:
    """'07.12.2026', '2026-12-07', or '07.12' by this rule: this year's day, unless it was
    more than two months ago – then next year's (in December '05.01' is next January).

    A day still in the past is returned as it is, to be refused ("that has passed"), never
    moved a year on: '07.12' typed on 8 December is a slip, not a plan for next year.
    """
    text = text.strip()
    if match := _DAY_MONTH.match(text):
        d, m, y = int(match[1]), int(match[2]), match[3]
        if y:
            return date(int(y), m, d)
        candidate = date(today.year, m, d)
        return candidate if candidate >= today - NEAR_PAST else date(today.year + 1, m, d)
    return date.fromisoformat(text)


def parse_clock(text: str) -> time:
    """'9:30' or '09.30' → time; ValueError otherwise."""
    if not (match := _TIME.match(text.strip())):
        raise ValueError(f"not a time: {text!r}")
    return time(int(match[1]), int(match[2]))


def parse_slot_request(args: list[str], today: date) -> SlotRequest:
    """Parse the words after /terminy; ValueError (with a usage reply) on anything odd."""
    if len(args) < 2:
        raise ValueError("too few arguments")
    day = parse_future_day(args[0], today)
    if not (match := _RANGE.match(args[1])):
        raise ValueError(f"not a time range: {args[1]!r}")
    start, end = time(int(match[1]), int(match[2])), time(int(match[3]), int(match[4]))
    minutes, mode, link, override = None, SlotMode.phone, None, False
    rest = list(args[2:])
    while rest:
        word = rest.pop(0)
        low = word.lower()
        if word.isdigit():
            minutes = int(word)
        elif low in {"video", "wideo"}:
            mode = SlotMode.video
            if rest and rest[0].startswith("http"):
                link = rest.pop(0)
        elif low in {"telefon", "phone", "tel"}:
            mode = SlotMode.phone
        elif low.startswith("http"):
            mode, link = SlotMode.video, word
        elif low in OVERRIDE_WORDS:
            override = True
        else:
            raise ValueError(f"unexpected {word!r}")
    if minutes is not None and not 10 <= minutes <= 240:
        raise ValueError("minutes out of range")
    if start >= end:
        raise ValueError("empty range")
    return SlotRequest(day, start, end, minutes, mode, link, override)


def holiday_name(day: date) -> str | None:
    """The Polish public holiday on a day (24 December included since 2025), or None."""
    return holidays.Poland(years=day.year, language="pl").get(day)


def slot_starts(request: SlotRequest, minutes: int, tz: ZoneInfo) -> list[datetime]:
    """Back-to-back slot starts (UTC) that fit wholly in the request's range, in local time."""
    start = datetime.combine(request.day, request.start, tz)
    end = datetime.combine(request.day, request.end, tz)
    out = []
    while start + timedelta(minutes=minutes) <= end:
        out.append(start.astimezone(UTC))
        start += timedelta(minutes=minutes)
    return out


def check_publishable(request: SlotRequest, starts: list[datetime], now: datetime) -> None:
    """Refuse a request in the past, on a holiday (unless overridden), or with no whole slot."""
    if not starts:
        raise DomainError("slots_none_fit")
    if starts[0] <= now:
        raise DomainError("slots_in_past")
    if (name := holiday_name(request.day)) and not request.override_holiday:
        raise DomainError("slots_holiday", holiday=name)


def may_cancel(starts_at: datetime, now: datetime, until_hours: int) -> bool:
    """Whether a participant may still cancel (until `until_hours` before the start)."""
    return now <= starts_at - timedelta(hours=until_hours)
