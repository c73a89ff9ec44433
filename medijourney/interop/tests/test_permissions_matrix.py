"""The permission matrix over every interop route (pages and API): anonymous, every role, owner
and not owner. Owner: the case's patient, its case manager, a partner of the journey's hospital;
"other" gets 404 and an audited denial."""

import json

import pytest
from django.urls import reverse

from medijourney.accounts.roles import Role
from medijourney.interop.models import DoctorLink
from medijourney.interop.selectors import ips_source
from medijourney.interop.services import doctor_link_create
from medijourney.journeys.tests.factories import accepted_journey
from medijourney.network.tests.factories import membership
from medijourney.quotes.tests.factories import partner_hospital

from .factories import with_summary

pytestmark = pytest.mark.django_db


def setup_journey(user, owner):
    role = getattr(user, "role", None)
    journey, _manager, partner = accepted_journey(
        patient=user if owner and role == Role.PATIENT else None,
        manager=user if owner and role == Role.CASE_MANAGER else None,
    )
    if role == Role.PARTNER:
        membership(user, journey.hospital if owner else partner_hospital()[0])
    with_summary(journey, partner)
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
WRITERS = {**READERS, "patient:owner": 403, "case_manager:owner": 403, "quality_lead": 403, "admin": 403}
IPS = {**READERS, "partner:owner": 403, "partner:other": 403}


def test_summary_page(matrix):
    matrix.check(
        method="GET", url=lambda j: reverse("interop:summary", args=[j.public_id]), setup=setup_journey, expect=READERS
    )


def test_case_link_redirects(matrix):
    matrix.check(
        method="GET",
        url=lambda j: reverse("interop:for_case", args=[j.case.reference]),
        setup=setup_journey,
        expect={k: (302 if v == 200 else v) for k, v in READERS.items()},
    )


def test_write_page_is_for_the_hospital(matrix):
    matrix.check(
        method="GET", url=lambda j: reverse("interop:write", args=[j.public_id]), setup=setup_journey, expect=WRITERS
    )


def test_ips_download(matrix):
    matrix.check(
        method="GET",
        url=lambda j: reverse("interop:ips_download", args=[j.case.reference]),
        setup=setup_journey,
        expect=IPS,
    )


def test_partner_list(matrix):
    matrix.check(
        method="GET",
        url=lambda _j: reverse("interop:partner_list"),
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


def test_api_reading(matrix):
    matrix.check(
        method="GET",
        url=lambda j: f"/api/v1/journeys/{j.public_id}/discharge-summary",
        setup=setup_journey,
        expect={**READERS, "anonymous": 401},
    )
    matrix.check(
        method="GET",
        url=lambda j: f"/api/v1/cases/{j.case.reference}/ips",
        setup=setup_journey,
        expect={**IPS, "anonymous": 401},
    )


def test_api_writing_is_for_the_hospital(matrix):
    payload = {
        "procedures": [{"text": "Total knee replacement"}],
        "procedure_date": "2020-01-01",
        "surgeon": "Dr Meera Demo",
        "diagnoses": [{"text": "Osteoarthritis"}],
        "instructions": "Rest.",
        "follow_up": "Physiotherapy.",
        "fit_to_fly_date": "2020-01-10",
        "correction_reason": "Shorter wording",
    }
    matrix.check(
        method="POST",
        url=lambda j: f"/api/v1/partner/journeys/{j.public_id}/discharge-summary",
        setup=setup_journey,
        data=json.dumps(payload),
        content_type="application/json",
        expect={**WRITERS, "anonymous": 401, "partner:owner": 201},
    )


PATIENT_ONLY = {
    "anonymous": 302,
    "patient:owner": 200,
    "patient:other": 404,
    "case_manager:owner": 403,
    "case_manager:other": 404,
    "partner": 403,
    "quality_lead": 403,
    "specialist": 403,
    "clinician": 403,
    "admin": 403,
}


def with_link(user, owner):
    journey = setup_journey(user, owner)
    case = journey.case
    doctor_link_create(case=case, source=ips_source(case), label="Dr Home", days=30, passcode="", actor=case.patient)
    return journey


def test_links_page_is_the_patients(matrix):
    matrix.check(
        method="GET",
        url=lambda j: reverse("interop:links", args=[j.case.reference]),
        setup=setup_journey,
        expect=PATIENT_ONLY,
    )


def test_revoking_is_the_patients(matrix):
    matrix.check(
        method="POST",
        url=lambda j: reverse(
            "interop:link_revoke", args=[j.case.reference, DoctorLink.objects.get(case=j.case).public_id]
        ),
        setup=with_link,
        expect={**PATIENT_ONLY, "patient:owner": 302},
    )


def test_home_record_page(matrix):
    matrix.check(
        method="GET",
        url=lambda j: reverse("interop:home_record", args=[j.case.reference]),
        setup=setup_journey,
        expect={**READERS, "partner:owner": 403, "partner:other": 403},
    )
