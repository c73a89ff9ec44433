"""The JSON API: public intake with Idempotency-Key, documents with the upload token, reads."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.cases.models import Case, IntakeRequest
from medijourney.cases.services import message_send, note_add
from medijourney.privacy.models import AuditEvent
from medijourney.testing.files import pdf_bytes, pdf_with_javascript
from medijourney.testing.queries import assert_flat

from .factories import case_manager, make_case

TODAY = datetime.date.today()

pytestmark = pytest.mark.django_db


def body(**overrides):
    data = {
        "full_name": "Li Wei",
        "email": "li.wei@example.test",
        "phone": "+86 139 1234 5678",
        "country_of_residence": "CN",
        "passport_country": "CN",
        "preferred_language": "zh-Hans",
        "need": "I have cataracts in both eyes.",
        "procedure_requested": "cataract surgery",
        "destinations": ["TH", "SG"],
        "budget_amount": "4000.00",
        "budget_currency": "usd",
        "travel_earliest": (TODAY + datetime.timedelta(days=120)).isoformat(),
        "travel_latest": (TODAY + datetime.timedelta(days=150)).isoformat(),
        "companion": True,
        "consent": True,
    }
    data.update(overrides)
    return data


def post(client, data, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post("/api/v1/inquiries", json.dumps(data), content_type="application/json", headers=headers)


def test_inquiry_created_with_reference_and_upload_instructions():
    r = post(Client(), body(), key="key-1")
    assert r.status_code == 201
    out = r.json()
    case = Case.objects.get(reference=out["reference"])
    assert (
        out["status"] == "received"
        and out["documents_upload"]["url"] == f"/api/v1/inquiries/{case.reference}/documents"
    )
    assert case.budget_currency == "USD" and case.preferred_language == "zh-Hans" and case.source == "api"


def test_same_key_same_body_same_response_different_body_422():
    client = Client()
    first = post(client, body(), key="retry-me")
    second = post(client, body(), key="retry-me")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json() and second["Idempotent-Replayed"] == "true"
    conflict = post(client, body(need="Something else entirely"), key="retry-me")
    assert conflict.status_code == 422
    assert conflict.json()["errors"][0]["field"] == "Idempotency-Key"
    assert Case.objects.count() == 1 and IntakeRequest.objects.count() == 1
    # without a key each post is a new inquiry
    post(client, body())
    assert Case.objects.count() == 2


def test_response_does_not_reveal_whether_the_email_has_an_account(make_user):
    make_user(Role.PATIENT, email="exists@example.test")
    known = post(Client(), body(email="exists@example.test"), key="a").json()
    unknown = post(Client(), body(email="nobody@example.test"), key="b").json()
    assert set(known) == set(unknown)
    assert known["message"] == unknown["message"] and known["status"] == unknown["status"]
    assert User.objects.filter(email="nobody@example.test").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"consent": False}, "consent"),
        ({"phone": "000"}, "phone"),
        ({"destinations": ["XX"]}, "destinations"),
        ({"budget_currency": "ZZZ"}, "budget_currency"),
        ({"preferred_language": "nonsense-tag!"}, "preferred_language"),
        ({"need": ""}, "need"),
        ({"country_of_residence": "CHN"}, "country_of_residence"),
        ({"travel_latest": "2026-03-01"}, "travel_latest"),
    ],
)
def test_bad_fields_are_named(overrides, field):
    r = post(Client(), body(**overrides))
    assert r.status_code == 422
    assert field in [e["field"] for e in r.json()["errors"]]
    assert Case.objects.count() == 0


def test_bad_idempotency_key_is_refused():
    r = post(Client(), body(), key="x" * 201)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "Idempotency-Key"


def test_documents_with_the_upload_token_then_limits_and_bad_files():
    out = post(Client(), body(), key="docs").json()
    url, token = out["documents_upload"]["url"], out["documents_upload"]["token"]
    client = Client()
    ok = client.post(
        url,
        {"files": [SimpleUploadedFile("a.pdf", pdf_bytes(), content_type="application/pdf")]},
        headers={"X-Upload-Token": token},
    )
    assert ok.status_code == 201 and ok.json()[0]["kind"] == "pdf" and ok.json()[0]["download_url"]
    bad = client.post(
        url,
        {"files": [SimpleUploadedFile("b.pdf", pdf_with_javascript(), content_type="application/pdf")]},
        headers={"X-Upload-Token": token},
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "files"
    assert "active content" in bad.json()["errors"][0]["message"]
    too_many = client.post(
        url,
        {"files": [SimpleUploadedFile(f"{i}.pdf", pdf_bytes(), content_type="application/pdf") for i in range(5)]},
        headers={"X-Upload-Token": token},
    )
    assert too_many.status_code == 422
    wrong = client.post(
        url,
        {"files": [SimpleUploadedFile("c.pdf", pdf_bytes(), content_type="application/pdf")]},
        headers={"X-Upload-Token": token[:-1] + ("0" if token[-1] != "0" else "1")},
    )
    assert wrong.status_code == 404
    assert Case.objects.get().documents.count() == 1


def test_internal_notes_never_reach_the_patient_through_the_api():
    manager = case_manager()
    case = make_case()
    note_add(case=case, author=manager, body="SECRET-NOTE-TEXT")
    message_send(case=case, author=manager, body="Hello")
    client = Client()
    client.force_login(case.patient)
    texts = [
        client.get("/api/v1/cases").content,
        client.get(f"/api/v1/cases/{case.reference}").content,
        client.get(f"/api/v1/cases/{case.reference}/messages").content,
        client.get(f"/api/v1/cases/{case.reference}/documents").content,
        client.get(f"/api/v1/cases/{case.reference}/notes").content,
    ]
    assert all(b"SECRET-NOTE-TEXT" not in t for t in texts)
    detail = client.get(f"/api/v1/cases/{case.reference}").json()
    assert detail["triage"] is None and detail["reference"] == case.reference
    staff = Client()
    staff.force_login(manager)
    assert staff.get(f"/api/v1/cases/{case.reference}/notes").json()[0]["body"] == "SECRET-NOTE-TEXT"
    assert AuditEvent.objects.filter(action="note.list", outcome="denied").count() == 0  # 403 by role
    assert AuditEvent.objects.filter(actor_id=case.patient.public_id, outcome="denied").exists()


def test_case_list_is_paged_and_audited():
    manager = case_manager()
    for _ in range(3):
        make_case()
    client = Client()
    client.force_login(manager)
    assert_flat(lambda: client.get("/api/v1/cases?limit=20"), lambda: [make_case() for _ in range(3)])
    before = AuditEvent.objects.filter(action="case.list", actor_id=manager.public_id).count()
    r = client.get("/api/v1/cases?limit=2")
    assert r.json()["count"] == 6 and len(r.json()["items"]) == 2
    assert AuditEvent.objects.filter(action="case.list", actor_id=manager.public_id).count() == before + 2


def test_openapi_documents_the_inquiry_endpoints():
    doc = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/inquiries" in doc["paths"] and "/api/v1/inquiries/{reference}/documents" in doc["paths"]
    params = [p["name"] for p in doc["paths"]["/api/v1/inquiries"]["post"].get("parameters", [])]
    assert "Idempotency-Key" in params


def test_intake_is_rate_limited(settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "intake": (2, 3600)}
    client = Client()
    assert post(client, body(email="r1@example.test")).status_code == 201
    assert post(client, body(email="r2@example.test")).status_code == 201
    r = post(client, body(email="r3@example.test"))
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
