"""The second-opinion turnaround clock: working days (Monday to Friday) counted in the
specialist's own time zone, paused while a clarifying question waits for an answer.

``due_after(start, days, tz)`` is the one rule: the same local time of day ``days`` working days
later; a start on a Saturday or Sunday counts from the following Monday at 00:00 local time.
Reminder one working day before the deadline, escalation to the case manager at the deadline,
re-assignment offered two working days after it."""

import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

REMINDER_WORKING_DAYS = 1
REASSIGN_AFTER_WORKING_DAYS = 2


def working_days() -> int:
    return int(getattr(settings, "EXCHANGE_OPINION_WORKING_DAYS", 5))


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _local(moment: datetime.datetime, tz: ZoneInfo) -> datetime.datetime:
    return moment.astimezone(tz)


def _wall(day: datetime.date, time: datetime.time, tz: ZoneInfo) -> datetime.datetime:
    # Built from the wall-clock time, so a DST change between start and deadline keeps the hour.
    return datetime.datetime.combine(day, time, tzinfo=tz)


def due_after(start: datetime.datetime, days: int, tz_name: str) -> datetime.datetime:
    """``days`` working days after ``start`` in time zone ``tz_name`` (returned in UTC)."""
    tz = zone(tz_name)
    local = _local(start, tz)
    day, time = local.date(), local.timetz().replace(tzinfo=None)
    if day.weekday() >= 5:  # a weekend start counts from Monday 00:00
        day += datetime.timedelta(days=7 - day.weekday())
        time = datetime.time(0, 0)
    step = 1 if days >= 0 else -1
    left = abs(days)
    while left:
        day += datetime.timedelta(days=step)
        if day.weekday() < 5:
            left -= 1
    return _wall(day, time, tz).astimezone(datetime.UTC)


def reminder_at(due: datetime.datetime, tz_name: str) -> datetime.datetime:
    return due_after(due, -REMINDER_WORKING_DAYS, tz_name)


def reassign_at(due: datetime.datetime, tz_name: str) -> datetime.datetime:
    return due_after(due, REASSIGN_AFTER_WORKING_DAYS, tz_name)


def resumed_due(due: datetime.datetime, paused_at: datetime.datetime, now: datetime.datetime) -> datetime.datetime:
    """After a pause, the deadline moves by the time spent waiting."""
    return due + max(now - paused_at, datetime.timedelta(0))
