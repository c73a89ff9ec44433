"""The permission matrix for every quotes route (pages and API): anonymous, every role, owner
and not owner. Owner means: the patient of the case, the case manager it is assigned to, or a
partner of the hospital the request went to; "other" is a partner of ANOTHER hospital, who must
get 404 and an audited denial by every route (page, API, document link, search, export)."""

import json

import pytest
from django.urls import reverse

from medijourney.accounts.roles import Role
from medijourney.cases.models import Stage
from medijourney.cases.services import case_transition
from medijourney.network.offer_items import OFFER_ITEM_IDS
from medijourney.network.tests.factories import membership
from medijourney.quotes.models import CommissionAgreement, Scope

from .factories import SUMMARY, answered, case_of, knee, manager_of, partner_hospital, shared_request

pytestmark = pytest.mark.django_db


def setup_request(user, owner):
    """A request sent under consent (with a report); the acting user owns it or not."""
    kwargs = {}
    if user is not None and owner and user.role == Role.PATIENT:
        kwargs["patient"] = user
    if user is not None and owner and user.role == Role.CASE_MANAGER:
        kwargs["manager"] = user
    request = shared_request(**kwargs)
    if user is not None and user.role == Role.PARTNER:
        membership(user, request.hospital if owner else partner_hospital()[0])
    return request


def setup_quoted(user, owner):
    request = setup_request(user, owner)
    answered(request)
    request.refresh_from_db()
    return request


def setup_accepted_in_treatment(user, owner):
    from medijourney.quotes.services import quote_accept

    request = setup_quoted(user, owner)
    quote_accept(quote=request.quote, actor=case_of(request).patient)
    case_transition(case=case_of(request), to=Stage.TRAVEL_PLANNING, actor=manager_of(case_of(request)))
    case_transition(case=case_of(request), to=Stage.IN_TREATMENT, actor=manager_of(case_of(request)))
    return request


NOBODY_BUT_PARTNERS = {
    "anonymous": 302,
    "patient": 403,
    "case_manager": 403,
    "partner:owner": 200,
    "partner:other": 404,
    "quality_lead": 403,
    "specialist": 403,
    "clinician": 403,
    "admin": 403,
}
PATIENT_ONLY = {
    "anonymous": 302,
    "patient:owner": 200,
    "patient:other": 404,
    "case_manager": 403,
    "partner": 403,
    "quality_lead": 403,
    "specialist": 403,
    "clinician": 403,
    "admin": 403,
}
CASE_TEAM = {
    "anonymous": 302,
    "patient": 403,
    "case_manager:owner": 200,
    "case_manager:other": 404,
    "partner": 403,
    "quality_lead": 200,
    "specialist": 403,
    "clinician": 403,
    "admin": 200,
}
API_PARTNERS = {**NOBODY_BUT_PARTNERS, "anonymous": 401}


def ok(expect, status):
    return {k: (status if v == 200 else v) for k, v in expect.items()}


def quote_form(request):
    data = {
        "clinical_summary": "Total knee replacement.",
        "procedure": knee().pk,
        "doctor": request.hospital.doctors.first().pk,
        "pre_op_days": 2,
        "inpatient_nights": 4,
        "days_before_flying": 10,
        "currency": "USD",
        "valid_until": "2099-01-01",
    }
    for item in OFFER_ITEM_IDS:
        data[f"{item}_status"] = "not_included"
    data["surgeon_status"] = "included"
    data["surgeon_amount"] = "3000"
    return data


def quote_json(request):
    lines = {item: {"status": "not_included"} for item in OFFER_ITEM_IDS}
    lines["surgeon"] = {"status": "included", "amount": "3000"}
    return json.dumps(
        {
            "clinical_summary": "Total knee replacement.",
            "procedure": knee().slug,
            "doctor": str(request.hospital.doctors.first().public_id),
            "pre_op_days": 2,
            "inpatient_nights": 4,
            "days_before_flying": 10,
            "currency": "USD",
            "valid_until": "2099-01-01",
            "lines": lines,
        }
    )


# --- Partner pages -----------------------------------------------------------------------------------


def test_partner_request_list(matrix):
    expect = {**NOBODY_BUT_PARTNERS, "partner": 200}
    del expect["partner:owner"], expect["partner:other"]
    matrix.check(method="GET", url=lambda r: reverse("quotes:partner_requests"), setup=setup_request, expect=expect)


def test_partner_request_list_search_and_export_show_only_own_hospital(client, make_user):
    mine = setup_request(None, False)
    theirs = setup_request(None, False)
    partner = make_user(Role.PARTNER)
    membership(partner, mine.hospital)
    client.force_login(partner)
    for q in ("", theirs.code, mine.code, "knee", str(theirs.public_id)[:8]):
        body = client.get(reverse("quotes:partner_requests"), {"q": q}).content.decode()
        assert str(theirs.public_id) not in body, q
    assert str(mine.public_id) in client.get(reverse("quotes:partner_requests"), {"q": mine.code}).content.decode()
    csv_body = client.get(reverse("quotes:partner_export")).content.decode()
    assert mine.code in csv_body and theirs.code not in csv_body
    assert case_of(mine).reference not in csv_body and case_of(mine).full_name not in csv_body


def test_partner_export(matrix):
    expect = {**NOBODY_BUT_PARTNERS, "partner": 200}
    del expect["partner:owner"], expect["partner:other"]
    matrix.check(method="GET", url=lambda r: reverse("quotes:partner_export"), setup=setup_request, expect=expect)


def test_partner_request_page(matrix):
    matrix.check(
        method="GET",
        url=lambda r: reverse("quotes:partner_request", args=[r.public_id]),
        setup=setup_request,
        expect=NOBODY_BUT_PARTNERS,
    )


def test_partner_quote(matrix):
    matrix.check(
        method="POST",
        url=lambda r: reverse("quotes:partner_quote", args=[r.public_id]),
        setup=setup_request,
        data=quote_form,
        expect=ok(NOBODY_BUT_PARTNERS, 302),
    )


def test_partner_decline(matrix):
    matrix.check(
        method="POST",
        url=lambda r: reverse("quotes:partner_decline", args=[r.public_id]),
        setup=setup_request,
        data={"reason": "Not offered here."},
        expect=ok(NOBODY_BUT_PARTNERS, 302),
    )


def test_partner_document(matrix):
    matrix.check(
        method="GET",
        url=lambda r: reverse(
            "quotes:partner_document", args=[r.public_id, r.shared_documents.get().document.public_id]
        ),
        setup=setup_request,
        expect=NOBODY_BUT_PARTNERS,
    )


def test_cases_routes_stay_closed_to_partners_of_a_shared_case(client, make_user):
    """The case is visible to the partner through the registered rule, but no cases route grants
    partners a permission: the full case (name, contacts) never reaches them."""
    request = setup_request(None, False)
    partner = make_user(Role.PARTNER)
    membership(partner, request.hospital)
    client.force_login(partner)
    case = case_of(request)
    document = request.shared_documents.get().document
    for url in (
        reverse("cases:detail", args=[case.reference]),
        reverse("cases:document_download", args=[case.reference, document.public_id]),
        f"/api/v1/cases/{case.reference}",
        f"/api/v1/cases/{case.reference}/documents",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert case.full_name not in response.content.decode()


# --- Partner API -------------------------------------------------------------------------------------


def test_api_list(matrix):
    expect = {**API_PARTNERS, "partner": 200}
    del expect["partner:owner"], expect["partner:other"]
    matrix.check(method="GET", url=lambda r: "/api/v1/partner/requests", setup=setup_request, expect=expect)


def test_api_get(matrix):
    matrix.check(
        method="GET", url=lambda r: f"/api/v1/partner/requests/{r.public_id}", setup=setup_request, expect=API_PARTNERS
    )


def test_api_document(matrix):
    matrix.check(
        method="GET",
        url=lambda r: f"/api/v1/partner/requests/{r.public_id}/documents/{r.shared_documents.get().document.public_id}",
        setup=setup_request,
        expect=API_PARTNERS,
    )


def test_api_quote(matrix):
    matrix.check(
        method="POST",
        url=lambda r: f"/api/v1/partner/requests/{r.public_id}/quote",
        setup=setup_request,
        data=quote_json,
        content_type="application/json",
        expect=ok(API_PARTNERS, 201),
    )


def test_api_decline(matrix):
    matrix.check(
        method="POST",
        url=lambda r: f"/api/v1/partner/requests/{r.public_id}/decline",
        setup=setup_request,
        data=json.dumps({"reason": "Not offered here."}),
        content_type="application/json",
        expect=API_PARTNERS,
    )


# --- The patient -------------------------------------------------------------------------------------


def test_consent_page(matrix):
    matrix.check(
        method="GET",
        url=lambda r: reverse("quotes:consents", args=[case_of(r).reference]),
        setup=setup_request,
        expect=PATIENT_ONLY,
    )


def test_consent_grant(matrix):
    def data(r):
        return {"hospital": partner_hospital()[0].pk, "scope": Scope.DEIDENTIFIED_SUMMARY, "agree": "on"}

    matrix.check(
        method="POST",
        url=lambda r: reverse("quotes:consents", args=[case_of(r).reference]),
        setup=setup_request,
        data=data,
        expect=ok(PATIENT_ONLY, 302),
    )


def test_consent_revoke(matrix):
    matrix.check(
        method="POST",
        url=lambda r: reverse(
            "quotes:consent_revoke",
            args=[case_of(r).reference, case_of(r).share_consents.get(revoked_at=None).public_id],
        ),
        setup=setup_request,
        expect=ok(PATIENT_ONLY, 302),
    )


def test_compare(matrix):
    matrix.check(
        method="GET",
        url=lambda r: reverse("quotes:compare", args=[case_of(r).reference]),
        setup=setup_quoted,
        expect=PATIENT_ONLY,
    )


def test_accept(matrix):
    matrix.check(
        method="POST",
        url=lambda r: reverse("quotes:accept", args=[case_of(r).reference, r.quote.public_id]),
        setup=setup_quoted,
        expect=ok(PATIENT_ONLY, 302),
    )


# --- The case team -----------------------------------------------------------------------------------


def test_case_quotes_panel(matrix):
    matrix.check(
        method="GET",
        url=lambda r: reverse("quotes:case_quotes", args=[case_of(r).reference]),
        setup=setup_request,
        expect=CASE_TEAM,
    )


def test_case_quotes_send(matrix):
    def setup(user, owner):
        request = setup_request(user, owner)
        hospital, _p = partner_hospital()
        from .factories import consent

        consent(case_of(request), hospital)
        request.extra_hospital = hospital
        return request

    matrix.check(
        method="POST",
        url=lambda r: reverse("quotes:case_quotes", args=[case_of(r).reference]),
        setup=setup,
        data=lambda r: {"hospitals": [r.extra_hospital.pk], "summary": SUMMARY, "respond_within_hours": 48},
        expect=ok(CASE_TEAM, 302),
    )


def test_ask_consent(matrix):
    def setup(user, owner):
        request = setup_request(user, owner)
        request.extra_hospital = partner_hospital()[0]
        return request

    matrix.check(
        method="POST",
        url=lambda r: reverse("quotes:ask_consent", args=[case_of(r).reference]),
        setup=setup,
        data=lambda r: {"hospitals": [r.extra_hospital.pk], "scope": Scope.DEIDENTIFIED_SUMMARY},
        expect=ok(CASE_TEAM, 302),
    )


def test_withdraw(matrix):
    matrix.check(
        method="POST",
        url=lambda r: reverse("quotes:withdraw", args=[case_of(r).reference, r.public_id]),
        setup=setup_request,
        expect=ok(CASE_TEAM, 302),
    )


def test_final_bill(matrix):
    matrix.check(
        method="POST",
        url=lambda r: reverse("quotes:final_bill", args=[case_of(r).reference, r.public_id]),
        setup=setup_accepted_in_treatment,
        data={"amount": "5000", "currency": "USD"},
        expect=ok(CASE_TEAM, 302),
    )


# --- Scorecards and commissions ----------------------------------------------------------------------


def test_scorecards(matrix):
    matrix.check(
        method="GET",
        url=lambda r: reverse("quotes:scorecards"),
        setup=setup_request,
        expect={
            "anonymous": 302,
            "patient": 403,
            "case_manager": 403,
            "partner": 200,
            "quality_lead": 200,
            "specialist": 403,
            "clinician": 403,
            "admin": 200,
        },
    )


def test_commissions(matrix):
    lead_only = {
        "anonymous": 302,
        "patient": 403,
        "case_manager": 403,
        "partner": 403,
        "quality_lead": 200,
        "specialist": 403,
        "clinician": 403,
        "admin": 200,
    }
    matrix.check(method="GET", url=lambda r: reverse("quotes:commissions"), expect=lead_only)
    matrix.check(
        method="POST",
        url=lambda r: reverse("quotes:commissions"),
        setup=lambda user, owner: partner_hospital()[0],
        data=lambda h: {"hospital": h.pk, "kind": "percent", "percent": "7.5", "valid_from": "2026-01-01"},
        expect=ok(lead_only, 302),
    )


def test_commission_end(matrix):
    lead_only = {
        "anonymous": 302,
        "patient": 403,
        "case_manager": 403,
        "partner": 403,
        "quality_lead": 200,
        "specialist": 403,
        "clinician": 403,
        "admin": 200,
    }

    def agreement(user, owner):
        hospital = partner_hospital()[0]
        return CommissionAgreement.objects.create(
            hospital=hospital, kind="percent", percent="5", valid_from="2026-01-01"
        )

    url = lambda a: reverse("quotes:commission_end", args=[a.public_id])  # noqa: E731
    matrix.check(method="GET", url=url, setup=agreement, expect=lead_only)
    matrix.check(method="POST", url=url, setup=agreement, data={"valid_to": "2026-06-30"}, expect=ok(lead_only, 302))
