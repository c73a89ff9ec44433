"""The permission matrix over every journeys route (pages and API): anonymous, every role, owner
and not owner. Owner: the case's patient, its case manager, a partner of the journey's hospital;
"other" gets 404 and an audited denial."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from medijourney.accounts.roles import Role
from medijourney.journeys.models import ChecklistItem, ItemKind, StepKind
from medijourney.network.tests.factories import membership
from medijourney.quotes.models import ShareConsent
from medijourney.quotes.services import consent_revoke
from medijourney.quotes.tests.factories import partner_hospital
from medijourney.testing.files import pdf_bytes

from .factories import accepted_journey, issued, step, with_passport

pytestmark = pytest.mark.django_db


def setup_journey(user, owner, *, letter=False):
    role = getattr(user, "role", None)
    journey, _manager, partner = accepted_journey(
        patient=user if owner and role == Role.PATIENT else None,
        manager=user if owner and role == Role.CASE_MANAGER else None,
    )
    if role == Role.PARTNER:
        membership(user, journey.hospital if owner else partner_hospital()[0])
    if letter:
        with_passport(journey)
        issued(journey, partner)
    return journey


def with_letter(user, owner):
    return setup_journey(user, owner, letter=True)


def with_passport_only(user, owner):
    journey = setup_journey(user, owner)
    with_passport(journey)
    return journey


READERS = {
    "anonymous": 302,
    "patient:owner": 200,
    "patient:other": 404,
    "case_manager:owner": 200,
    "case_manager:other": 404,
    "partner:owner": 200,
    "partner:other": 404,
    "quality_lead": 200,
    "specialist": 403,
    "clinician": 403,
    "admin": 200,
}
TEAM_ONLY = {**READERS, "patient:owner": 403, "partner:owner": 403}
PATIENT_ONLY = {**READERS, "case_manager:owner": 403, "partner:owner": 403, "quality_lead": 403, "admin": 403}
HOSPITAL_ONLY = {**READERS, "patient:owner": 403, "case_manager:owner": 403, "quality_lead": 403, "admin": 403}


def _url(name):
    return lambda j: reverse(f"journeys:{name}", args=[j.public_id])


@pytest.mark.parametrize("name", ["detail", "itinerary_pdf", "itinerary_ics"])
def test_reading_routes(matrix, name):
    matrix.check(method="GET", url=_url(name), setup=setup_journey, expect=READERS)


def test_case_link_redirects_for_readers(matrix):
    expect = {k: (302 if v == 200 else v) for k, v in READERS.items()}
    matrix.check(
        method="GET",
        url=lambda j: reverse("journeys:for_case", args=[j.case.reference]),
        setup=setup_journey,
        expect=expect,
    )


def test_letter_pdf(matrix):
    matrix.check(method="GET", url=_url("letter_pdf"), setup=with_letter, expect=READERS)


def test_moving_a_step_is_for_the_case_team(matrix):
    matrix.check(
        method="POST",
        url=lambda j: reverse("journeys:move", args=[j.public_id, step(j, StepKind.ARRIVAL).public_id]),
        setup=setup_journey,
        data=lambda j: {f"s{step(j, StepKind.ARRIVAL).pk}-day": step(j, StepKind.ARRIVAL).day.isoformat()},
        expect=TEAM_ONLY,
    )


def test_confirming_dates_is_for_the_hospital(matrix):
    matrix.check(
        method="POST",
        url=lambda j: reverse("journeys:confirm", args=[j.public_id, step(j, StepKind.ADMISSION).public_id]),
        setup=setup_journey,
        expect={k: (302 if v == 200 else v) for k, v in HOSPITAL_ONLY.items()},
    )


def test_issuing_a_letter_is_for_the_hospital(matrix):
    matrix.check(
        method="POST",
        url=_url("letter"),
        setup=with_passport_only,
        data={"signatory_name": "Dr R. Rao", "signatory_title": "Medical Director"},
        expect={k: (302 if v == 200 else v) for k, v in HOSPITAL_ONLY.items()},
    )


def test_passports_sharing_are_for_the_patient(matrix):
    expect = {k: (302 if v == 200 else v) for k, v in PATIENT_ONLY.items()}
    matrix.check(method="POST", url=_url("feed"), setup=setup_journey, data={"action": "revoke"}, expect=expect)
    matrix.check(
        method="POST",
        url=_url("passport"),
        setup=setup_journey,
        data={
            "person": "patient",
            "full_name": "A B",
            "number": "A1234567",
            "country": "NG",
            "expires_on": "2040-01-01",
        },
        expect=expect,
    )
    matrix.check(method="POST", url=_url("companion"), setup=setup_journey, data={"name": "Chidi"}, expect=PATIENT_ONLY)


def test_checklist_upload_and_check(matrix):
    def item_url(name):
        return lambda j: reverse(
            f"journeys:{name}",
            args=[j.public_id, ChecklistItem.objects.get(journey=j, kind=ItemKind.INSURANCE).public_id],
        )

    upload_expect = {**{k: (302 if v == 200 else v) for k, v in READERS.items()}, "partner:owner": 403}
    matrix.check(
        method="POST",
        url=item_url("upload"),
        setup=setup_journey,
        data=lambda j: {"document": SimpleUploadedFile("i.pdf", pdf_bytes("policy"), content_type="application/pdf")},
        expect=upload_expect,
    )
    matrix.check(
        method="POST",
        url=item_url("check"),
        setup=setup_journey,
        expect={k: (302 if v == 200 else v) for k, v in TEAM_ONLY.items()},
    )


def test_partner_list(matrix):
    matrix.check(
        method="GET",
        url=lambda _j: reverse("journeys:partner_list"),
        setup=setup_journey,
        expect={
            "anonymous": 302,
            "patient": 403,
            "case_manager": 403,
            "partner:owner": 200,
            "partner:other": 200,
            "quality_lead": 403,
            "specialist": 403,
            "clinician": 403,
            "admin": 403,
        },
    )


API_READERS = {**READERS, "anonymous": 401}


def test_api_read(matrix):
    matrix.check(method="GET", url=lambda j: f"/api/v1/journeys/{j.public_id}", setup=setup_journey, expect=API_READERS)


def test_api_move(matrix):
    matrix.check(
        method="PATCH",
        url=lambda j: f"/api/v1/journeys/{j.public_id}/steps/{step(j, StepKind.ARRIVAL).public_id}",
        setup=setup_journey,
        data=lambda j: json.dumps({"day": step(j, StepKind.ARRIVAL).day.isoformat()}),
        content_type="application/json",
        expect={**TEAM_ONLY, "anonymous": 401},
    )


def test_api_confirm(matrix):
    matrix.check(
        method="POST",
        url=lambda j: f"/api/v1/journeys/{j.public_id}/steps/{step(j, StepKind.PROCEDURE).public_id}/confirm",
        setup=setup_journey,
        expect={**HOSPITAL_ONLY, "anonymous": 401},
    )


def test_revoked_consent_cuts_the_hospital_off_at_once(client):
    journey, _m, partner = accepted_journey()
    client.force_login(partner)
    url = reverse("journeys:detail", args=[journey.public_id])
    assert client.get(url).status_code == 200
    consent = ShareConsent.objects.get(case=journey.case, hospital=journey.hospital, revoked_at__isnull=True)
    consent_revoke(consent=consent, actor=journey.case.patient)
    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/journeys/{journey.public_id}").status_code == 404
