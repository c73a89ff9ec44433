"""``{{ value|day }}`` → "8 Dec 2026"; ``{{ value|day_time }}`` → "8 Dec 2026, 14:05". Loaded
as a template builtin (settings), so every template writes dates the same way."""

import datetime

from django import template

from medijourney.core.dates import day_text, day_time_text

register = template.Library()


@register.filter
def day(value: datetime.date | datetime.datetime | None) -> str:
    return day_text(value) if isinstance(value, datetime.date) else ""


@register.filter
def day_time(value: datetime.datetime | None) -> str:
    return day_time_text(value) if isinstance(value, datetime.datetime) else ""
