"""One way to write a date for people, everywhere: "8 Dec 2026" (day, abbreviated month in the
page's language, year). Pages use the ``day`` filter (a template builtin, see settings); texts
built in Python use ``day_text``. Machine-readable places (the API, CSV exports, ``<time
datetime>``) keep ISO 8601."""

import datetime

from django.utils import formats, timezone

from medijourney.core.i18n import cached_text

DAY_FORMAT = "j M Y"
DAY_TIME_FORMAT = "j M Y, H:i"


def day_text(value: datetime.date | datetime.datetime | None) -> str:
    """ "8 Dec 2026" ("" for None). A datetime is shown on its day in the current time zone."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    day = value
    return cached_text("day", day, lambda: formats.date_format(day, DAY_FORMAT))


def day_time_text(value: datetime.datetime | None) -> str:
    """ "8 Dec 2026, 14:05" in the current time zone ("" for None)."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, DAY_TIME_FORMAT)
