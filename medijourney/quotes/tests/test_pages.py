"""Pages through HTTP: the panel's de-identified draft, the comparison in the patient's currency
(ECB rate and its date, "no rate" honestly), acceptance, bad input, and bounded queries on lists."""

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from medijourney.accounts.roles import Role
from medijourney.cases.tests.factories import case_manager, make_case
from medijourney.catalog.tests.factories import country, rate
from medijourney.core.dates import day_text
from medijourney.network.offer_items import OFFER_ITEM_IDS
from medijourney.network.tests.factories import membership
from medijourney.quotes.models import QuoteRequest, RequestStatus, Scope
from medijourney.quotes.services import LineInput, commission_agreement_add, quote_requests_send
from medijourney.testing.queries import assert_flat

from .factories import SUMMARY, answered, case_of, consent, manager_of, partner_hospital, shared_request

pytestmark = pytest.mark.django_db


def test_panel_prefills_a_deidentified_draft_and_marks_consents(client):
    manager = case_manager()
    case = make_case(assigned_to=manager, need="I am Amina Okafor, call +234 803 123 4567. My knee hurts.")
    with_consent, _p = partner_hospital(name="Consented Hospital")
    partner_hospital(name="No Consent Hospital")
    consent(case, with_consent, Scope.DEIDENTIFIED_SUMMARY)
    client.force_login(manager)
    body = client.get(reverse("quotes:case_quotes", args=[case.reference])).content.decode()
    assert "Okafor" not in body.split('name="summary"')[1].split("</textarea>")[0]
    assert "My knee hurts" in body
    assert "Consented Hospital" in body and "No Consent Hospital" in body and "no consent" in body


def test_panel_send_errors_name_the_field(client):
    manager = case_manager()
    case = make_case(assigned_to=manager)
    hospital, _p = partner_hospital()
    client.force_login(manager)
    response = client.post(
        reverse("quotes:case_quotes", args=[case.reference]),
        {"hospitals": [hospital.pk], "summary": f"{case.full_name} has knee pain", "respond_within_hours": 48},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "has not consented" in body and "still contains the patient" in body
    assert QuoteRequest.objects.count() == 0


def test_comparison_in_the_patients_currency_with_rate_date_and_no_rate(client):
    day = timezone.localdate() - datetime.timedelta(days=1)
    rate("USD", day, "1.10")
    rate("NGN", day, "1650")
    country("NG")  # the patient lives in Nigeria: amounts in naira
    case = make_case(assigned_to=case_manager())  # country NG → NGN
    a, _pa = partner_hospital(name="Dollar Hospital")
    b, _pb = partner_hospital(name="Lira Hospital")
    consent(case, a, Scope.DEIDENTIFIED_SUMMARY)
    consent(case, b, Scope.DEIDENTIFIED_SUMMARY)
    ra, rb = quote_requests_send(case=case, hospitals=[a, b], summary=SUMMARY, actor=manager_of(case))
    lead = manager_of(case)
    lead.role = Role.QUALITY_LEAD
    lead.save()
    commission_agreement_add(
        hospital=a, kind="percent", percent=Decimal("10"), valid_from=timezone.localdate(), actor=lead
    )
    answered(ra)
    answered(rb, currency="TRY", lines={**{i: LineInput("not_applicable") for i in OFFER_ITEM_IDS},
                                         "surgeon": LineInput("included", Decimal("90000"))})  # fmt: skip
    client.force_login(case.patient)
    body = client.get(reverse("quotes:compare", args=[case.reference])).content.decode()
    assert "Dollar Hospital" in body and "Lira Hospital" in body
    assert "NGN 7,650,000.00" in body  # 5,100 USD ÷ 1.10 × 1650
    assert day_text(day) in body and "European Central Bank" in body
    assert "Every amount on this page is in NGN." in body and "NGN is your currency (from your country)." in body
    assert "no ECB exchange rate for TRY: not converted to NGN" in body  # the ECB has no TRY rate in this test
    assert "quoted as USD 5,100.00" in body  # the hospital's own figure beneath the converted one
    assert "10.00% of the treatment price" in body and "MediJourney earns no commission" in body
    assert "Travel costs: not estimated for this hospital" in body
    assert body.count("licence verified") == 2
    # Another currency on request.
    assert (
        "USD 5,100.00"
        in client.get(reverse("quotes:compare", args=[case.reference]), {"currency": "USD"}).content.decode()
    )


def test_patient_accepts_through_the_page(client):
    request = shared_request()
    quote = answered(request)
    client.force_login(case_of(request).patient)
    response = client.post(reverse("quotes:accept", args=[case_of(request).reference, quote.public_id]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
    again = client.post(reverse("quotes:accept", args=[case_of(request).reference, quote.public_id]), follow=True)
    assert "can no longer be accepted" in again.content.decode()


def test_partner_quote_form_keeps_values_and_names_fields(client, make_user):
    request = shared_request()
    partner = request.hospital.memberships.get().user
    client.force_login(partner)
    response = client.post(
        reverse("quotes:partner_quote", args=[request.public_id]),
        {"clinical_summary": "Plan text kept", "surgeon_status": "included", "pre_op_days": "2"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert (
        "Plan text kept" in body
        and 'id="id_surgeon_amount_error"' in body
        and 'id="id_anaesthesia_status_error"' in body
    )


def test_consent_page_grants_lists_and_revokes(client):
    case = make_case(assigned_to=case_manager())
    hospital, _p = partner_hospital(name="Chosen Hospital")
    client.force_login(case.patient)
    url = reverse("quotes:consents", args=[case.reference])
    assert client.post(url, {"hospital": hospital.pk, "scope": Scope.DEIDENTIFIED_SUMMARY}).status_code == 422
    assert (
        client.post(url, {"hospital": hospital.pk, "scope": Scope.DEIDENTIFIED_SUMMARY, "agree": "on"}).status_code
        == 302
    )
    consent_row = case.share_consents.get()
    body = client.get(url).content.decode()
    assert "Chosen Hospital" in body and consent_row.text_version in body
    client.post(reverse("quotes:consent_revoke", args=[case.reference, consent_row.public_id]))
    consent_row.refresh_from_db()
    assert consent_row.revoked_at is not None
    timeline = list(case.events.values_list("kind", flat=True))
    assert "consent_granted" in timeline and "consent_revoked" in timeline
    staff = client
    staff.force_login(manager_of(case))
    page = staff.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Patient consented to share" in page and "Patient withdrew consent" in page


def test_list_pages_do_not_grow_with_rows(client, make_user):
    partner = make_user(Role.PARTNER)
    hospital, _p = partner_hospital()
    membership(partner, hospital)
    lead = make_user(Role.QUALITY_LEAD)

    def requests(n):
        for i in range(n):
            request = shared_request(hospital=hospital)
            if i % 2:
                answered(request)

    def page(name):
        response = client.get(reverse(name))
        assert response.status_code == 200
        return response

    requests(3)
    client.force_login(partner)
    assert_flat(lambda: page("quotes:partner_requests"), lambda: requests(3))
    assert page("quotes:partner_requests").content.decode().count("QR-") >= 6

    def hospitals_with_requests(n):
        for _ in range(n):
            answered(shared_request())

    def agreements(n):
        for _ in range(n):
            commission_agreement_add(
                hospital=partner_hospital()[0], kind="percent", percent=Decimal("5"),
                valid_from=timezone.localdate(), actor=lead,
            )  # fmt: skip

    client.force_login(lead)
    hospitals_with_requests(3)
    assert_flat(lambda: page("quotes:scorecards"), lambda: hospitals_with_requests(3))
    agreements(3)
    assert_flat(lambda: page("quotes:commissions"), lambda: agreements(3))


def test_api_quote_errors_name_fields(make_user, client):
    request = shared_request()
    partner = request.hospital.memberships.get().user
    client.force_login(partner)
    doctor = request.hospital.doctors.first()
    assert doctor is not None
    url = f"/api/v1/partner/requests/{request.public_id}/quote"
    payload: dict[str, Any] = {
        "clinical_summary": "Plan", "procedure": "knee-replacement", "doctor": str(doctor.public_id),
        "pre_op_days": 1, "inpatient_nights": 4, "days_before_flying": 10, "currency": "USD", "valid_until": "2099-01-01",
        "lines": {"surgeon": {"status": "included"}},
    }  # fmt: skip
    from .factories import knee

    knee()
    response = client.post(url, json.dumps(payload), content_type="application/json")
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"lines.surgeon", "lines.anaesthesia", "lines.other"} <= fields
    bad = client.post(url, json.dumps({**payload, "pre_op_days": -1}), content_type="application/json")
    assert bad.status_code == 422 and any(e["field"] == "pre_op_days" for e in bad.json()["errors"])
    payload["lines"] = {i: {"status": "not_included"} for i in OFFER_ITEM_IDS}
    payload["lines"]["surgeon"] = {"status": "included", "amount": "3000"}
    good = client.post(url, json.dumps(payload), content_type="application/json")
    assert good.status_code == 201 and good.json()["quote"]["total"] == "3000.00"
    assert client.get("/api/v1/partner/requests?limit=1").json()["count"] == 1


def test_openapi_documents_the_partner_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/partner/requests", "/api/v1/partner/requests/{request_id}",
                 "/api/v1/partner/requests/{request_id}/quote", "/api/v1/partner/requests/{request_id}/decline"):  # fmt: skip
        assert path in spec["paths"], path
    assert "QuoteIn" in spec["components"]["schemas"] and "RequestOut" in spec["components"]["schemas"]


def test_comparison_shows_discoverys_travel_lines_when_the_hospital_has_an_offer(client):
    from medijourney.discovery import reference
    from medijourney.discovery.selectors import clear_caches
    from medijourney.network.tests.factories import OfferFactory

    from .factories import knee

    reference.clear()  # discovery keeps a short-lived snapshot of the catalogue between searches
    clear_caches()
    country("NG")  # the patient's country and passport (the case factory's)
    request = shared_request()
    OfferFactory(hospital=request.hospital, procedure=knee())
    answered(request)
    client.force_login(case_of(request).patient)
    body = client.get(reverse("quotes:compare", args=[case_of(request).reference])).content.decode()
    assert "Estimate from search" in body and "trip costs: see search" not in body
    assert "Flights" in body or "flights" in body
