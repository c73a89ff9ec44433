"""The .ics (parsed with icalendar) and the itinerary PDF (text read with pypdf)."""

import datetime
import io
from typing import Any

import pytest
from django.urls import reverse
from icalendar import Calendar
from pypdf import PdfReader

from medijourney.core.dates import day_text
from medijourney.journeys.models import StepKind
from medijourney.journeys.services import step_move
from medijourney.privacy.models import AuditEvent

from .factories import accepted_journey, step

pytestmark = pytest.mark.django_db


def _events(data: bytes) -> dict[str, Any]:
    cal = Calendar.from_ical(data)
    out = {}
    for ev in cal.walk("VEVENT"):
        out[str(ev["UID"])] = ev
    return out


def test_ics_one_event_per_step_with_tzid_stable_uids_and_in_place_updates(client):
    journey, manager, _p = accepted_journey(tz="Europe/Istanbul")
    client.force_login(journey.case.patient)
    url = reverse("journeys:itinerary_ics", args=[journey.public_id])
    first = client.get(url)
    assert first.status_code == 200 and first["Content-Type"].startswith("text/calendar")
    before = _events(first.content)
    assert len(before) == 10
    proc = step(journey, StepKind.PROCEDURE)
    step_move(step=proc, day=proc.day + datetime.timedelta(days=2), time=datetime.time(8, 30), actor=manager)
    after_data = client.get(url).content
    after = _events(after_data)
    assert set(after) == set(before)  # same UIDs: the calendar replaces, never duplicates
    uid = f"step-{proc.public_id}@medijourney"
    ev = after[uid]
    assert int(ev["SEQUENCE"]) == int(before[uid]["SEQUENCE"]) + 1
    start = ev.decoded("DTSTART")
    assert start.tzinfo is not None and str(ev["DTSTART"].params["TZID"]) == "Europe/Istanbul"
    assert start.hour == 8 and start.minute == 30 and start.date() == proc.day + datetime.timedelta(days=2)
    cal = Calendar.from_ical(after_data)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Istanbul"]
    unmoved = after[f"step-{step(journey, StepKind.ARRIVAL).public_id}@medijourney"]
    assert isinstance(unmoved.decoded("DTSTART"), datetime.date)  # date-only steps are all-day
    assert all(e.walk("VALARM") for e in after.values())
    assert journey.procedure.name not in after_data.decode()  # calendars sync to third parties
    assert AuditEvent.objects.filter(action="journey.ics").count() == 2


def test_private_feed_works_until_revoked(client):
    journey, _m, _p = accepted_journey()
    client.force_login(journey.case.patient)
    page = client.post(reverse("journeys:feed", args=[journey.public_id]))
    feed_url = page.context["new_feed_url"]
    anonymous = type(client)()
    path = feed_url.split("testserver", 1)[-1]
    assert anonymous.get(path).status_code == 200
    assert len(_events(anonymous.get(path).content)) == 10
    client.post(reverse("journeys:feed", args=[journey.public_id]), {"action": "revoke"})
    assert anonymous.get(path).status_code == 404


def test_itinerary_pdf_has_dates_address_and_emergency_numbers(client):
    journey, _m, _p = accepted_journey()
    client.force_login(journey.case.patient)
    r = client.get(reverse("journeys:itinerary_pdf", args=[journey.public_id]))
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    for kind in (StepKind.OUTBOUND_FLIGHT, StepKind.PROCEDURE, StepKind.RETURN_FLIGHT):
        assert day_text(step(journey, kind).day) in text
    assert journey.hospital.name in text and journey.hospital.city in text
    assert "112" in text  # India's emergency number, from the shipped table
    assert "libphonenumber" in text  # with its source
    assert "books nothing" in text
