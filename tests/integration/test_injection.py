"""Stored XSS payloads typed into free-text fields come back escaped wherever another person
reads them, and SQL metacharacters in every filter are harmless (no error, no widened match).
(Cases' own fields are covered in medijourney/cases/tests/test_pages.py.)"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from medijourney.catalog.tests.factories import country
from medijourney.network.models import PendingChange
from medijourney.network.services import change_submit, hospital_suspend
from medijourney.network.tests.factories import in_network_hospital
from medijourney.privacy.models import ErasureRequest
from medijourney.privacy.services import erasure_request_create, erasure_request_decide
from medijourney.quotes.services import quote_request_decline
from medijourney.quotes.tests.factories import answered, partner_of, shared_request

pytestmark = pytest.mark.django_db

PAYLOAD = "<script>alert('mj')</script><img src=x onerror=alert(1)>"
RAW_MARKERS = ("<script>alert('mj')", "<img src=x onerror")
ESCAPED = "&lt;script&gt;alert("
SQL = [
    "' OR '1'='1",
    "1; DROP TABLE accounts_user; --",
    "%",
    "_",
    '"; --',
    "\\",
    "' UNION SELECT password FROM accounts_user --",
]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_escaped(html: str, *, shown: bool = True) -> None:
    for marker in RAW_MARKERS:
        assert marker not in html, f"raw payload rendered: {marker}"
    if shown:
        assert ESCAPED in html, "the payload should be shown, escaped"


def test_quote_texts_are_escaped_for_partner_case_manager_and_patient(make_user):
    request = shared_request()
    partner = partner_of(request.hospital)
    request.summary = f"Knee replacement wanted {PAYLOAD}"
    request.save(update_fields=["summary"])
    assert_escaped(signed_in(partner).get(reverse("quotes:partner_request", args=[request.public_id])).content.decode())
    answered(request, clinical_summary=f"Plan {PAYLOAD}")
    case = request.case
    assert_escaped(signed_in(case.patient).get(reverse("quotes:compare", args=[case.reference])).content.decode())
    panel = signed_in(case.assigned_to).get(reverse("quotes:case_quotes", args=[case.reference]))
    assert_escaped(panel.content.decode(), shown=False)


def test_decline_reason_is_escaped_for_the_case_team(make_user):
    request = shared_request()
    quote_request_decline(request=request, actor=partner_of(request.hospital), reason=f"Full {PAYLOAD}")
    case = request.case
    assert_escaped(
        signed_in(case.assigned_to).get(reverse("quotes:case_quotes", args=[case.reference])).content.decode()
    )


def test_partner_profile_change_is_escaped_for_the_quality_lead(make_user):
    hospital = in_network_hospital()
    partner = make_user("partner")
    change = change_submit(hospital=hospital, actor=partner, kind=PendingChange.Kind.PROFILE, data={"about": PAYLOAD})
    lead = signed_in(make_user("quality_lead"))
    assert_escaped(lead.get(reverse("network:change_review", args=[change.public_id])).content.decode())


def test_suspension_reason_is_escaped_on_the_staff_page(make_user):
    hospital = in_network_hospital()
    lead = make_user("quality_lead")
    hospital_suspend(hospital=hospital, actor=lead, reason=f"Inspection {PAYLOAD}")
    page = signed_in(lead).get(reverse("network:staff_hospital_detail", args=[hospital.public_id]))
    assert_escaped(page.content.decode())


def test_erasure_reason_and_decision_note_are_escaped(make_user):
    patient = make_user("patient")
    request = erasure_request_create(patient=patient, reason=f"Please {PAYLOAD}")
    lead = make_user("quality_lead")
    assert_escaped(signed_in(lead).get(reverse("privacy:erasure_decide", args=[request.public_id])).content.decode())
    erasure_request_decide(request=request, actor=lead, approve=False, note=f"Not now {PAYLOAD}")
    assert_escaped(signed_in(patient).get(reverse("privacy:my_data")).content.decode())
    assert ErasureRequest.objects.get(pk=request.pk).status == "rejected"


@pytest.mark.parametrize(
    ("method", "url", "field"),
    [
        ("get", "/search/", "q"),
        ("get", "/hospitals/", "q"),
        ("get", "/procedures/", "q"),
        ("post", "/triage/", "text"),
    ],
)
def test_reflected_search_text_is_escaped(method, url, field):
    response = getattr(Client(), method)(url, {field: PAYLOAD})
    assert response.status_code in (200, 422)
    html = response.content.decode()
    for marker in RAW_MARKERS:
        assert marker not in html


@pytest.mark.parametrize("value", SQL)
def test_sql_metacharacters_in_public_filters_are_harmless(value):
    country("IN")
    hospital = in_network_hospital(name="Sunrise Heart Institute", city="Pune")
    pages = [
        ("/hospitals/", {"q": value}),
        ("/hospitals/", {"country": value}),
        ("/procedures/", {"q": value, "specialty": value}),
        ("/search/", {"q": value, "origin": value, "passport": value}),
        ("/countries/", {"passport": value}),
    ]
    for url, params in pages:
        response = Client().get(url, params)
        assert response.status_code in (200, 422), (url, params, response.status_code)
        assert hospital.name not in response.content.decode() or url != "/hospitals/" or "country" in params
    api = [
        ("/api/v1/hospitals", {"q": value}),
        ("/api/v1/procedures", {"q": value}),
        ("/api/v1/visa", {"passport": value, "destination": "IN"}),
        ("/api/v1/search", {"q": value, "origin_country": "US"}),
        ("/api/v1/triage", {"text": value}),
    ]
    for url, params in api:
        response = Client().get(url, params)
        assert response.status_code in (200, 422), (url, params, response.status_code)
    listed = Client().get("/api/v1/hospitals", {"q": value}).json()
    assert listed["count"] == 0  # metacharacters match literally, never as wildcards
    assert get_user_model().objects.model._meta.db_table  # the users table is still there
    assert Client().get("/api/v1/hospitals").json()["count"] == 1


@pytest.mark.parametrize("value", SQL)
def test_sql_metacharacters_in_staff_filters_are_harmless(value, make_user):
    staff = {
        "case_manager": ["/cases/?stage={v}&scope={v}", "/cases/board/?stage={v}"],
        "quality_lead": ["/network/hospitals/?q={v}", "/privacy/erasure-requests/?status={v}", "/network/queue/?x={v}"],
        "partner": ["/partner/requests/?q={v}"],
    }
    from urllib.parse import quote

    for role, urls in staff.items():
        client = signed_in(make_user(role))
        for url in urls:
            response = client.get(url.format(v=quote(value)))
            assert response.status_code in (200, 403, 422), (role, url, response.status_code)
