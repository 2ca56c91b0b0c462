"""When check-in rounds fall: round dates from a rhythm, and each member's local moment.

A round has a calendar date; each member gets it at the scheduled wall-clock time in their
own zone on that date, so the moments differ per zone and follow daylight saving.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.scheduling.calendar import next_local_time

EVERY = ("week", "fortnight", "month")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# The earliest zone on earth is UTC+14: a round date starts there first.
EARLIEST_OFFSET = timedelta(hours=14)
MAX_MONTH_DAY = 28


class ScheduleProblem(ValueError):
    """A day or zone that cannot be scheduled; the message says what would work."""


def parse_day(every: str, raw: str) -> str:
    """`mon`..`sun` (or the full name), or with `month` a day of the month 1-28."""
    word = raw.strip().lower()
    if word in WEEKDAY_NAMES:
        return WEEKDAYS[WEEKDAY_NAMES.index(word)]
    if word in WEEKDAYS:
        return word
    if every == "month" and word.isdigit() and 1 <= int(word) <= MAX_MONTH_DAY:
        return str(int(word))
    if every == "month":
        raise ScheduleProblem(
            f"--day `{raw[:20]}` is not a day every month has. Use a weekday such as `mon` "
            "(the first Monday of each month) or a day of the month from 1 to 28, "
            "e.g. `--every month --day 15 --at 09:00`."
        )
    raise ScheduleProblem(
        f"--day `{raw[:20]}` is not a weekday. Use one of mon, tue, wed, thu, fri, sat, sun, "
        "e.g. `--every week --day mon --at 09:00`."
    )


def check_zone(raw: str) -> str:
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a path
        raise ScheduleProblem(
            f"Unknown time zone `{raw[:40]}`. Use an IANA name such as Europe/Lisbon, "
            "America/New_York or Asia/Tokyo."
        ) from None
    return raw


def day_label(every: str, day: str) -> str:
    if day.isdigit():
        return f"day {day} of each month"
    name = WEEKDAY_NAMES[WEEKDAYS.index(day)].capitalize()
    return {"week": f"every {name}", "fortnight": f"every other {name}"}.get(
        every, f"the first {name} of each month"
    )


def _matches(every: str, day: str, candidate: date) -> bool:
    if day.isdigit():
        return candidate.day == int(day)
    right_weekday = candidate.weekday() == WEEKDAYS.index(day)
    return right_weekday and (every != "month" or candidate.day <= 7)


def opens_at(round_date: date, hour: int, minute: int) -> datetime:
    """The first moment anywhere on earth that shows `round_date` at hour:minute."""
    return datetime.combine(round_date, time(hour, minute), UTC) - EARLIEST_OFFSET


def following_date(every: str, day: str, previous: date) -> date:
    if every == "week":
        return previous + timedelta(days=7)
    if every == "fortnight":
        return previous + timedelta(days=14)
    candidate = previous + timedelta(days=1)
    while not _matches(every, day, candidate):
        candidate += timedelta(days=1)
    return candidate


def first_date(every: str, day: str, hour: int, minute: int, now: datetime) -> date:
    """The first round date that has not begun anywhere yet."""
    candidate = (now - timedelta(days=1)).date()
    while not _matches(every, day, candidate) or opens_at(candidate, hour, minute) <= now:
        candidate += timedelta(days=1)
    return candidate


def due_at(round_date: date, hour: int, minute: int, zone: str) -> datetime:
    """When the wall clock in `zone` shows hour:minute on `round_date` (DST-correct)."""
    midnight = datetime.combine(round_date, time(0, 0), ZoneInfo(zone)).astimezone(UTC)
    return next_local_time(
        midnight - timedelta(seconds=1), zone, hour=hour, minute=minute
    ).astimezone(UTC)


def local(moment: datetime, zone: str) -> str:
    """A moment as a member reads it: `Mon 9 Mar 09:00 (Europe/Lisbon)`."""
    shown = moment.astimezone(ZoneInfo(zone))
    return f"{shown:%a} {shown.day} {shown:%b %H:%M} ({zone})"
