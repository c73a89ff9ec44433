"""A revocation takes effect on the partner's very next request, links already sent included:
the page, the API (read, documents, answer), the document link and the list all stop at once,
each refusal a 404 with an audited denial."""

import pytest
from django.test import Client
from django.urls import reverse

from medijourney.accounts.models import ApiToken
from medijourney.accounts.roles import Role
from medijourney.network.tests.factories import membership
from medijourney.privacy.models import AuditEvent
from medijourney.quotes.models import Scope
from medijourney.quotes.services import consent_grant, consent_revoke

from .factories import case_of, shared_request

pytestmark = pytest.mark.django_db


def bearer_for(user):
    raw = ApiToken.generate_raw()
    ApiToken.objects.create(user=user, name="hospital system", digest=ApiToken.digest_for(raw), hint=raw[:8])
    return {"Authorization": f"Bearer {raw}"}


def test_revocation_cuts_page_api_and_document_link_on_the_next_request(make_user):
    request = shared_request()
    partner = make_user(Role.PARTNER)
    membership(partner, request.hospital)
    document = request.shared_documents.get().document
    page = reverse("quotes:partner_request", args=[request.public_id])
    link = reverse("quotes:partner_document", args=[request.public_id, document.public_id])
    api = f"/api/v1/partner/requests/{request.public_id}"
    api_doc = f"{api}/documents/{document.public_id}"
    browser = Client()
    browser.force_login(partner)
    token = bearer_for(partner)

    # Before: everything works (the links are "already sent").
    assert browser.get(page).status_code == 200
    assert browser.get(link).status_code == 200
    assert Client().get(api, headers=token).status_code == 200
    assert Client().get(api_doc, headers=token).status_code == 200
    assert Client().get("/api/v1/partner/requests", headers=token).json()["count"] == 1

    consent_revoke(consent=case_of(request).share_consents.get(revoked_at=None), actor=case_of(request).patient)

    before = AuditEvent.objects.filter(actor_id=partner.public_id, outcome="denied").count()
    assert browser.get(page).status_code == 404
    assert browser.get(link).status_code == 404
    assert Client().get(api, headers=token).status_code == 404
    assert Client().get(api_doc, headers=token).status_code == 404
    assert (
        Client().post(f"{api}/decline", {"reason": "x"}, content_type="application/json", headers=token).status_code
        == 404
    )
    assert Client().get("/api/v1/partner/requests", headers=token).json()["count"] == 0
    assert str(request.public_id) not in browser.get(reverse("quotes:partner_requests")).content.decode()
    denied = AuditEvent.objects.filter(actor_id=partner.public_id, outcome="denied").count() - before
    assert denied == 5  # page, link, API read, API document, API decline: each refusal audited

    # Consent given again: access comes back (nothing was cached either way).
    consent_grant(
        case=case_of(request),
        hospital=request.hospital,
        scope=Scope.SUMMARY_WITH_REPORTS,
        actor=case_of(request).patient,
    )
    assert browser.get(page).status_code == 200


def test_narrowing_to_deidentified_summary_cuts_the_reports_only(make_user):
    request = shared_request()
    partner = make_user(Role.PARTNER)
    membership(partner, request.hospital)
    document = request.shared_documents.get().document
    client = Client()
    client.force_login(partner)
    link = reverse("quotes:partner_document", args=[request.public_id, document.public_id])
    assert client.get(link).status_code == 200
    consent_grant(
        case=case_of(request),
        hospital=request.hospital,
        scope=Scope.DEIDENTIFIED_SUMMARY,
        actor=case_of(request).patient,
    )
    assert client.get(link).status_code == 404
    body = client.get(reverse("quotes:partner_request", args=[request.public_id])).content.decode()
    assert document.original_name not in body and request.summary in body


def test_partner_page_never_shows_the_patient(make_user):
    request = shared_request()
    partner = make_user(Role.PARTNER)
    membership(partner, request.hospital)
    client = Client()
    client.force_login(partner)
    body = client.get(reverse("quotes:partner_request", args=[request.public_id])).content.decode()
    case = case_of(request)
    for secret in (case.full_name, case.email, str(case.phone), case.reference, case.patient.email):
        assert secret not in body
    data = client.get(f"/api/v1/partner/requests/{request.public_id}").json()
    assert case.reference not in str(data) and case.email not in str(data) and case.full_name not in str(data)
