"""The itinerary as iCalendar (RFC 5545) with the ``icalendar`` library: one VEVENT per step, a
stable UID per step (its public id) and a SEQUENCE raised on every change, so a calendar replaces
an edited event instead of adding a second one; timed steps carry their TZID (VTIMEZONE added by
the library), date-only steps are all-day events; a VALARM reminds the day before.

Summaries name the step and the hospital, never the procedure: calendars sync to third parties."""

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Alarm, Calendar, Event

from .models import Journey, StepKind

UID_DOMAIN = "medijourney"


def step_uid(step: object) -> str:
    return f"step-{step.public_id}@{UID_DOMAIN}"  # type: ignore[attr-defined]


def journey_ics(journey: Journey) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//MediJourney//Journey itinerary//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"MediJourney {journey.code}")
    stamp = timezone.now().replace(microsecond=0)
    place = f"{journey.hospital.name}, {journey.hospital.city}".strip(", ")
    for step in journey.steps.all():
        event = Event()
        event.add("uid", step_uid(step))
        event.add("sequence", int(step.revision))
        event.add("dtstamp", stamp)
        event.add("last-modified", step.updated_at.replace(microsecond=0))
        start = step.starts()
        if start is not None:
            event.add("dtstart", start)
            event.add("dtend", start + datetime.timedelta(hours=1))
        else:
            event.add("dtstart", step.day)
            event.add("dtend", step.day + datetime.timedelta(days=1))
        label = str(StepKind(step.kind).label)
        event.add("summary", label if step.at_home else f"{label} · {journey.hospital.name}")
        if not step.at_home:
            event.add("location", place)
        description = [step.who_books]
        if step.kind == StepKind.RETURN_FLIGHT:
            description.append(journey.fit_rule)
        description.append(f"{settings.SITE_URL}/journeys/{journey.public_id}/")
        event.add("description", "\n".join(description))
        event.add("transp", "TRANSPARENT" if start is None else "OPAQUE")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Tomorrow: {label}")
        alarm.add("trigger", datetime.timedelta(days=-1))
        event.add_component(alarm)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
