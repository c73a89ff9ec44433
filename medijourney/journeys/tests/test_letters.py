"""Passports (sealed, masked), the invitation letter, its PDF, and the public verification page."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from medijourney.core.dates import day_text
from medijourney.journeys.models import InvitationLetter, Passport, Person, StepKind
from medijourney.journeys.services import passport_save
from medijourney.journeys.services.letters import letter_code_normalise
from medijourney.privacy.models import AuditEvent
from medijourney.quotes.tests.factories import partner_hospital

from .factories import accepted_journey, issued, step, with_passport

pytestmark = pytest.mark.django_db


def test_passport_is_sealed_and_masked():
    journey, _m, _p = accepted_journey()
    with_passport(journey, number="A1234567")
    row = Passport.objects.get(journey=journey)
    assert "A1234567" not in row.number_sealed and row.last3 == "567" and row.masked.endswith("567")
    from medijourney.journeys.services import passport_number

    assert passport_number(row) == "A1234567"


def test_a_passport_expiring_during_the_stay_is_refused_and_nothing_is_saved():
    journey, _m, _p = accepted_journey()
    end = step(journey, StepKind.RETURN_FLIGHT).day
    with pytest.raises(ValidationError) as exc:
        passport_save(
            journey=journey,
            person=Person.PATIENT,
            full_name="Amina Okafor",
            number="A1234567",
            country="NG",
            expires_on=end - datetime.timedelta(days=1),
            actor=journey.case.patient,
        )
    assert "during the stay" in exc.value.message_dict["expires_on"][0]
    assert not Passport.objects.filter(journey=journey).exists()


def test_letter_needs_a_passport_and_the_right_hospital():
    journey, _m, partner = accepted_journey()
    with pytest.raises(ValidationError) as exc:
        issued(journey, partner)
    assert "passport" in exc.value.message_dict
    with_passport(journey)
    other, _other_partner = partner_hospital()
    with pytest.raises(ValidationError) as exc:
        issued(journey, partner, hospital=other)
    assert "only for its own patients" in exc.value.message_dict["hospital"][0]
    assert not InvitationLetter.objects.exists()


def test_letter_before_a_plan_is_accepted_is_refused():
    journey, _m, partner = accepted_journey()
    with_passport(journey)
    req = journey.quote.request
    type(req).objects.filter(pk=req.pk).update(status="quoted")
    with pytest.raises(ValidationError) as exc:
        issued(journey, partner)
    assert "accepts the plan" in exc.value.message_dict["plan"][0]


def test_reissue_revokes_the_old_letter_and_verify_shows_only_the_allowed_fields(client):
    journey, _m, partner = accepted_journey()
    with_passport(journey, number="XK9876543", name="Amina Okafor")
    first = issued(journey, partner)
    page = client.get(reverse("verify", args=[first.code]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "genuine and current" in html and journey.hospital.name in html and "AO" in html and "543" in html
    for leak in (
        "Amina",
        "Okafor",
        "XK9876543",
        journey.procedure.name,
        journey.quote.doctor.full_name,
        journey.case.reference,
    ):
        assert leak not in html
    second = issued(journey, partner)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.revoked_at is None and first.code != second.code
    assert "was revoked" in client.get(reverse("verify", args=[first.code])).content.decode()
    assert (
        "genuine and current"
        in client.get(reverse("verify", args=[second.code.lower().replace("-", "")])).content.decode()
    )
    first.refresh_from_db()
    assert first.lookups == 2
    assert AuditEvent.objects.filter(action="letter.verify").count() == 3


def test_wrong_codes_say_not_found_and_are_rate_limited(client, settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "letter_verify_miss": (3, 3600)}
    for _ in range(3):
        r = client.get(reverse("verify", args=["AAAA-BBBB-CCCC-DDDD"]))
        assert r.status_code == 404 and "Not found" in r.content.decode()
    assert client.get(reverse("verify", args=["AAAA-BBBB-CCCC-DDDD"])).status_code == 429


def test_code_normalisation():
    assert letter_code_normalise("abcd efgh jkmn pqrs") == "ABCD-EFGH-JKMN-PQRS"
    assert letter_code_normalise("short") == ""


def test_letter_pdf_holds_dates_code_and_the_passport(client):
    journey, _m, partner = accepted_journey()
    with_passport(journey, number="XK9876543")
    letter = issued(journey, partner)
    client.force_login(journey.case.patient)
    r = client.get(reverse("journeys:letter_pdf", args=[journey.public_id]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert letter.code in text and "XK9876543" in text and journey.hospital.name in text
    assert day_text(letter.admission_day) in text and day_text(letter.valid_until) in text
    assert AuditEvent.objects.filter(action="letter.read", outcome="allowed").exists()
