"""The specialist API with a bearer token: the queue, one request (material only after the
declaration), a clarifying question pausing the clock, a draft, a refused and an accepted
opinion, and another specialist's request answering 404 with an audited denial."""

import pytest
from django.test import Client

from medijourney.accounts.services import api_token_issue
from medijourney.exchange.models import OpinionStatus
from medijourney.privacy.models import AuditEvent

from .factories import assigned_request, make_specialist

pytestmark = pytest.mark.django_db


def bearer(user):
    raw = api_token_issue(user=user, name="my system").raw
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_specialist_api_flow():
    request, specialist = assigned_request(questions=("One?", "Two?"))
    client = bearer(specialist)
    queue = client.get("/api/v1/specialist/opinions").json()
    assert queue["count"] == 1 and queue["items"][0]["code"] == request.code
    base = f"/api/v1/specialist/opinions/{request.public_id}"
    before = client.get(base).json()
    assert before["summary"] is None and before["questions"] is None
    refused = client.post(f"{base}/declaration", {"declared": False}, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "declared"
    after = client.post(f"{base}/declaration", {"declared": True}, content_type="application/json").json()
    assert after["questions"] == ["One?", "Two?"] and request.case.full_name not in after["summary"]
    asked = client.post(f"{base}/clarifications", {"question": "Which side?"}, content_type="application/json")
    assert asked.status_code == 201 and asked.json()["clock_paused"] is True
    draft = client.put(f"{base}/opinion", {"understood_summary": "Draft"}, content_type="application/json")
    assert draft.status_code == 200 and draft.json()["opinion"]["submitted_at"] is None
    incomplete = client.post(
        f"{base}/opinion",
        {"understood_summary": "x", "answers": ["a"], "agreement": "agree", "confidence": "high", "plain_summary": "p"},
        content_type="application/json",
    )
    assert incomplete.status_code == 422
    fields = {e["field"] for e in incomplete.json()["errors"]}
    assert "answer_2" in fields


def test_submit_and_other_specialists():
    request, specialist = assigned_request()
    client = bearer(specialist)
    base = f"/api/v1/specialist/opinions/{request.public_id}"
    client.post(f"{base}/declaration", {"declared": True}, content_type="application/json")
    body = {
        "understood_summary": "x",
        "answers": ["a"],
        "agreement": "agree",
        "confidence": "high",
        "plain_summary": "p",
    }
    assert client.post(f"{base}/opinion", body, content_type="application/json").status_code == 200
    request.refresh_from_db()
    assert request.status == OpinionStatus.ANSWERED
    assert client.get("/api/v1/specialist/opinions?past=true").json()["count"] == 1
    other = make_specialist()
    assert bearer(other).get(base).status_code == 404
    assert AuditEvent.objects.filter(action="opinion_request.view", outcome="denied", actor_id=other.public_id).exists()
    assert Client().get(base).status_code == 401
