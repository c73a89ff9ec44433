"""Tele-mentoring through the services and pages: programmes, invitations, sessions (.ics with
a stable UID, slides through the safe upload), attendance changes with a reason, de-identified
case presentations, recommendations, hours, certificates and figures."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from medijourney.accounts.roles import Role
from medijourney.accounts.tests.factories import UserFactory
from medijourney.catalog.tests.factories import specialty
from medijourney.exchange.deidentify import presentation_leftovers
from medijourney.exchange.models import Attendance, CasePresentation, Membership, Programme, Session
from medijourney.exchange.selectors import participation, programme_figures
from medijourney.exchange.services import (
    attendance_record,
    invitation_accept,
    invitation_send,
    presentation_submit,
    programme_create,
    recommendation_add,
    session_schedule,
)
from medijourney.testing.files import pdf_bytes

from .factories import make_clinician, make_programme, make_session, make_specialist

pytestmark = pytest.mark.django_db


def login(user):
    client = Client()
    client.force_login(user)
    return client


def past_session(programme, days_ago=7, minutes=60):
    return Session.objects.create(
        programme=programme, starts_at=timezone.now() - datetime.timedelta(days=days_ago), duration_minutes=minutes
    )


def test_programme_create_checks_every_field():
    lead = UserFactory(role=Role.QUALITY_LEAD)
    with pytest.raises(ValidationError) as exc:
        programme_create(
            actor=lead, title="", specialty=None, hub=[UserFactory(role=Role.PATIENT)], time_zone="Mars/Olympus",
            cadence="daily", certificate_threshold=0, accreditation_provider="ACCME",
        )  # fmt: skip
    assert set(exc.value.message_dict) >= {
        "title", "specialty", "hub", "time_zone", "cadence", "certificate_threshold", "accreditation_number",
    }  # fmt: skip
    assert not Programme.objects.exists()
    with pytest.raises(ValidationError):
        programme_create(
            actor=make_specialist(),
            title="x",
            specialty=specialty("orthopedics"),
            hub=[],
            time_zone="UTC",
            cadence="weekly",
        )


def test_invitation_only_for_the_invited_address_and_a_clinician():
    programme = make_programme()
    lead = UserFactory(role=Role.QUALITY_LEAD)
    clinician = UserFactory(role=Role.CLINICIAN, email="spoke@example.test")
    [(invitation, token)] = invitation_send(programme=programme, emails=["Spoke@Example.test"], actor=lead)
    with pytest.raises(ValidationError):
        invitation_accept(invitation=invitation, user=UserFactory(role=Role.CLINICIAN))
    with pytest.raises(ValidationError):
        invitation_accept(invitation=invitation, user=UserFactory(role=Role.PATIENT, email="other@example.test"))
    response = login(clinician).post(reverse("exchange:invitation", args=[token]))
    assert response.status_code == 302 and response["Location"] == reverse("exchange:clinician_profile")
    assert Membership.objects.filter(programme=programme, user=clinician).exists()
    assert Client().get(reverse("exchange:invitation", args=["not-a-token"])).status_code == 404


def test_session_in_the_past_refused_and_slides_must_be_a_clean_pdf():
    hub = make_specialist()
    programme = make_programme(hub=[hub])
    with pytest.raises(ValidationError) as exc:
        session_schedule(
            programme=programme, actor=hub, starts_at=timezone.now() - datetime.timedelta(hours=1), duration_minutes=60
        )
    assert "past" in exc.value.message_dict["starts_at"][0]
    fake = SimpleUploadedFile("slides.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        session_schedule(
            programme=programme,
            actor=hub,
            starts_at=timezone.now() + datetime.timedelta(days=1),
            duration_minutes=60,
            slides=fake,
        )
    assert "slides" in exc.value.message_dict
    assert not Session.objects.exists()
    good = SimpleUploadedFile("slides.pdf", pdf_bytes("Didactic"), content_type="application/pdf")
    session = session_schedule(
        programme=programme, actor=hub, starts_at=timezone.now() + datetime.timedelta(days=1), duration_minutes=60,
        slides=good, didactic_title="Knee arthritis",
    )  # fmt: skip
    member = make_clinician(programme)
    download = login(member).get(reverse("exchange:slides", args=[session.public_id]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


def test_ics_has_a_stable_uid_and_the_page_shows_the_viewers_time_zone():
    programme = make_programme()
    session = make_session(programme)
    member = make_clinician(programme, time_zone="Asia/Tokyo")
    client = login(member)
    first = Calendar.from_ical(client.get(reverse("exchange:session_ics", args=[session.public_id])).content)
    second = Calendar.from_ical(client.get(reverse("exchange:session_ics", args=[session.public_id])).content)
    uids = [str(c.get("uid")) for cal in (first, second) for c in cal.walk("VEVENT")]
    assert uids == [session.uid, session.uid]
    tokyo = session.starts_at.astimezone(datetime.timezone(datetime.timedelta(hours=9))).strftime("%Y-%m-%d %H:%M")
    page = client.get(reverse("exchange:programme", args=[programme.public_id])).content.decode()
    assert tokyo in page and "Asia/Tokyo" in page


def test_attendance_change_needs_a_reason_and_is_kept():
    hub = make_specialist()
    programme = make_programme(hub=[hub])
    session = past_session(programme)
    member = make_clinician(programme)
    attendance_record(session=session, user=member, status="absent", minutes=0, actor=hub)
    with pytest.raises(ValidationError) as exc:
        attendance_record(session=session, user=member, status="late", minutes=40, actor=hub)
    assert "reason" in exc.value.message_dict
    assert Attendance.objects.get().status == "absent"
    attendance_record(session=session, user=member, status="late", minutes=40, actor=hub, reason="Joined by phone.")
    row = Attendance.objects.get()
    assert (row.status, row.minutes) == ("late", 40)
    assert row.changes.get().reason == "Joined by phone."
    with pytest.raises(ValidationError):
        attendance_record(session=make_session(programme), user=member, status="present", minutes=10, actor=hub)
    with pytest.raises(ValidationError):
        attendance_record(session=session, user=member, status="present", minutes=10, actor=make_specialist())


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("Mr Okafor, 54, with knee pain", "a name"),
        ("Call +44 20 7946 0958 for details", "a phone number"),
        ("Write to kofi@example.com", "an email address"),
        ("DOB: 12/03/1970, knee pain", "a date of birth"),
        ("Born on 3 March 1962, diabetic", "a date of birth"),
    ],
)
def test_presentation_refuses_identifiers(text, what):
    assert what in presentation_leftovers(text)


def test_a_clean_case_passes_and_must_be_confirmed():
    assert presentation_leftovers("A woman in her fifties with knee pain for two years; X-ray shows arthritis.") == []
    programme = make_programme()
    session = make_session(programme)
    member = make_clinician(programme)
    with pytest.raises(ValidationError) as exc:
        presentation_submit(
            session=session,
            presenter=member,
            title="Knee",
            summary="Mrs Mensah has knee pain.",
            question="Surgery?",
            confirmed=True,
        )
    assert "summary" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        presentation_submit(
            session=session, presenter=member, title="Knee", summary="A woman with knee pain.", question="Surgery?"
        )
    assert "confirmed" in exc.value.message_dict
    assert not CasePresentation.objects.exists()
    page = login(member).post(
        reverse("exchange:present", args=[session.public_id]),
        {
            "title": "Knee",
            "summary": "Seen on 12/03/2026, phone 0244 123 4567.",
            "question": "Surgery?",
            "confirmed": "on",
        },
    )
    assert page.status_code == 422
    body = page.content.decode()
    assert "phone number" in body and "[phone]" in body  # the de-identified text is shown


def test_hours_certificate_follow_up_and_figures():
    hub = make_specialist()
    programme = make_programme(hub=[hub], threshold=50)
    held = [past_session(programme, days_ago=d) for d in (14, 7)]
    upcoming = make_session(programme)
    member = make_clinician(programme, country="GH", full_name="Ama Spoke")
    absent = make_clinician(programme, country="KE")
    attendance_record(session=held[0], user=member, status="present", minutes=60, actor=hub)
    attendance_record(session=held[1], user=absent, status="absent", minutes=0, actor=hub)
    client = login(member)
    mine = participation(programme, member)
    assert (mine.held, mine.attended, mine.hours, mine.eligible) == (2, 1, 1.0, True)
    pdf = client.get(reverse("exchange:certificate", args=[programme.public_id]))
    assert pdf.status_code == 200
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Ama Spoke" in text and "1 of 2 sessions" in text and "not accredited CME" in text
    assert login(absent).get(reverse("exchange:certificate", args=[programme.public_id])).status_code == 409
    programme.accreditation_provider, programme.accreditation_number = "Demo CME body", "CME-123"
    programme.save()
    text = (
        PdfReader(io.BytesIO(client.get(reverse("exchange:certificate", args=[programme.public_id])).content))
        .pages[0]
        .extract_text()
    )
    assert "CME-123" in text and "not accredited" not in text

    first = presentation_submit(
        session=upcoming,
        presenter=member,
        title="Knee",
        summary="A woman with knee pain.",
        question="Surgery?",
        confirmed=True,
    )
    recommendation_add(presentation=first, actor=hub, text="Physiotherapy for 12 weeks, then review.")
    later = make_session(programme, days=14)
    presentation_submit(
        session=later,
        presenter=member,
        title="Knee update",
        summary="Better after physiotherapy.",
        question="Stop?",
        follow_up_of=first,
        confirmed=True,
    )
    with pytest.raises(ValidationError):
        recommendation_add(presentation=first, actor=make_specialist(), text="Not on the hub.")
    f = programme_figures(programme)
    assert (f.sessions_held, f.sessions_upcoming, f.cases_presented, f.follow_ups, f.recommendations) == (2, 2, 2, 1, 1)
    assert [(s.pk, a, m) for s, a, m in f.attendance] == [(held[0].pk, 1, 2), (held[1].pk, 0, 2)]
    assert sorted(f.spokes_by_country) == [("GH", 1), ("KE", 1)]
    page = login(hub).get(reverse("exchange:figures", args=[programme.public_id])).content.decode()
    assert "50%" in page and "Follow-up presentations" in page
