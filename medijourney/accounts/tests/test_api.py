import pytest
from django.test import Client

from medijourney.accounts.models import ApiToken
from medijourney.accounts.roles import Role
from medijourney.accounts.services import api_token_issue
from medijourney.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_api_root_and_openapi_document(client):
    assert client.get("/api/v1/").json()["openapi"] == "/api/v1/openapi.json"
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["info"]["title"] == "MediJourney API"
    assert "/api/v1/me" in doc["paths"] and "/api/v1/tokens" in doc["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_me_requires_authentication_and_answers_json_error(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Authentication required: sign in or send a valid bearer token.",
        "errors": [],
    }


def test_session_and_bearer_both_authenticate(client, make_user):
    partner = make_user(Role.PARTNER)
    client.force_login(partner)
    assert client.get("/api/v1/me").json()["email"] == partner.email
    issued = api_token_issue(user=partner, name="HIS")
    bearer = Client()
    response = bearer.get("/api/v1/me", headers={"Authorization": f"Bearer {issued.raw}"})
    assert response.status_code == 200 and response.json()["role"] == "partner"
    assert Client().get("/api/v1/me", headers={"Authorization": "Bearer mjt_wrong"}).status_code == 401


def test_tokens_are_stored_hashed_shown_once_and_revocable(make_user):
    partner = make_user(Role.PARTNER)
    client = Client(enforce_csrf_checks=False)
    client.force_login(partner)
    created = client.post("/api/v1/tokens", {"name": "Lab system"}, content_type="application/json")
    assert created.status_code == 201
    raw = created.json()["token"]
    stored = ApiToken.objects.get(public_id=created.json()["id"])
    assert raw not in (stored.digest, stored.hint) and stored.digest == ApiToken.digest_for(raw)
    listed = client.get("/api/v1/tokens").json()
    assert listed["count"] == 1 and "token" not in listed["items"][0]
    assert client.delete(f"/api/v1/tokens/{stored.public_id}").status_code == 204
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_validation_errors_name_the_field(make_user):
    client = Client()
    client.force_login(make_user(Role.PARTNER))
    response = client.post("/api/v1/tokens", {"name": ""}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] and body["errors"][0]["field"] == "name"
    bad_paging = client.get("/api/v1/tokens?limit=0")
    assert bad_paging.status_code == 422 and bad_paging.json()["errors"][0]["field"] == "limit"


def test_csrf_is_enforced_for_session_authenticated_writes(make_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.PARTNER))
    response = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert not ApiToken.objects.exists()
    client.get("/accounts/dashboard/")
    token = client.cookies["csrftoken"].value
    ok = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json", headers={"X-CSRFToken": token})
    assert ok.status_code == 201


def test_paged_lists_use_items_and_count(make_user):
    partner = make_user(Role.PARTNER)
    for i in range(5):
        api_token_issue(user=partner, name=f"t{i}")
    client = Client()
    client.force_login(partner)
    page = client.get("/api/v1/tokens?limit=2&offset=2").json()
    assert page["count"] == 5 and len(page["items"]) == 2
    assert [t["name"] for t in page["items"]] == ["t2", "t1"]


def test_token_api_permission_matrix(matrix):
    # A partner, a specialist (the second-opinion API) or the operator manages tokens; other
    # roles are refused and the refusal audited.
    matrix.check(
        method="GET",
        url=lambda obj: "/api/v1/tokens",
        expect={
            "anonymous": 401,
            "patient": 403,
            "case_manager": 403,
            "partner": 200,
            "quality_lead": 403,
            "specialist": 200,
            "clinician": 403,
            "admin": 200,
        },
    )


def test_revoking_someone_elses_token_is_404_and_audited(matrix, make_user):
    def setup(user, owner):
        holder = user if owner and user is not None else make_user(Role.PARTNER)
        return api_token_issue(user=holder, name="x").token

    matrix.check(
        method="DELETE",
        url=lambda token: f"/api/v1/tokens/{token.public_id}",
        setup=setup,
        expect={
            "anonymous": 401,
            "patient": 403,
            "case_manager": 403,
            "partner:owner": 204,
            "partner:other": 404,
            "quality_lead": 403,
            "specialist:owner": 204,
            "specialist:other": 404,
            "clinician": 403,
            "admin:other": 204,
        },
    )
    assert AuditEvent.objects.filter(action="api_token.revoke", outcome="denied").count() == 2
