"""The API: check-ins due and answered, submitting (422 naming the field; urgent message with the
number), escalations for the case team and the hospital's desk, public reviews and outcomes with
n; and a matrix over every role."""

import json

import pytest
from django.test import Client

from medijourney.aftercare.models import Escalation
from medijourney.aftercare.services import follow_ups_sweep, send_at
from medijourney.privacy.models import AuditEvent

from .factories import GOOD, check_in, returned_home
from .test_pages import setup_follow_up

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _post(client: Client, url: str, body: dict) -> tuple[int, dict]:
    response = client.post(url, json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def _open():
    follow_up, manager, partner = returned_home()
    item = check_in(follow_up, 7)
    follow_ups_sweep(now=send_at(item))
    assert follow_up.case is not None
    return follow_up, item, manager, partner


def test_submit_through_the_api():
    follow_up, item, manager, partner = _open()
    patient = _client(follow_up.case.patient)
    listing = patient.get("/api/v1/aftercare/check-ins").json()
    assert [i["day"] for i in listing["items"]] == [2, 7]  # the day-2 check-in was sent too (both due)
    url = f"/api/v1/aftercare/check-ins/{item.public_id}/response"
    status, body = _post(patient, url, {**GOOD, "temperature": 400})
    assert status == 422 and any(e["field"] == "temperature" for e in body["errors"])
    status, body = _post(patient, url, {**GOOD, "temperature": -5})
    assert status == 422
    status, body = _post(patient, url, {**GOOD, "temperature": 38.9})
    assert status == 200
    assert body["red_flags"] == ["fever"] and body["urgent_message"]
    assert body["emergency_number"]["call"] == "199" and body["emergency_number"]["source"]
    assert body["check_in"]["response"]["resourceType"] == "QuestionnaireResponse"
    status, body = _post(patient, url, GOOD)
    assert status == 422 and body["errors"][0]["field"] == "check_in"
    desk = _client(partner).get("/api/v1/aftercare/escalations").json()
    assert desk["count"] == 1 and desk["items"][0]["case"] is None  # the desk never gets the reference
    team = _client(manager)
    escalation = Escalation.objects.get(check_in=item)
    assert team.get("/api/v1/aftercare/escalations").json()["items"][0]["case"] == follow_up.case.reference
    ack = team.post(f"/api/v1/aftercare/escalations/{escalation.public_id}/acknowledge")
    assert ack.status_code == 200 and ack.json()["acknowledged_at"]


def test_someone_elses_check_in_is_404_and_audited():
    _follow_up, item, _m, _p = _open()
    other, _m2, _p2 = returned_home()
    client = _client(other.case.patient)  # type: ignore[union-attr]
    assert client.get(f"/api/v1/aftercare/check-ins/{item.public_id}").status_code == 404
    status, _body = _post(client, f"/api/v1/aftercare/check-ins/{item.public_id}/response", GOOD)
    assert status == 404
    assert AuditEvent.objects.filter(outcome="denied", object_id=str(item.public_id)).count() == 2


def test_public_outcomes_always_carry_n():
    follow_up, _item, _m, _p = _open()
    body = Client().get(f"/api/v1/hospitals/{follow_up.hospital.public_id}/outcomes").json()
    (row,) = body["items"]
    for key in ("follow_up_completion", "red_flag_30d", "readmitted", "would_recommend"):
        assert "n" in row[key] and row[key]["share"] is None and row[key]["enough"] is False
    assert Client().get(f"/api/v1/hospitals/{follow_up.hospital.public_id}/reviews").json()["count"] == 0


def test_matrix_api_check_ins(matrix):
    expect = {
        "anonymous": 401,
        "patient:owner": 200,
        "patient:other": 404,
        "case_manager": 403,
        "partner": 403,
        "quality_lead": 403,
        "admin": 403,
        "specialist": 403,
        "clinician": 403,
    }
    matrix.check(
        method="GET",
        url=lambda f: f"/api/v1/aftercare/check-ins/{check_in(f, 7).public_id}",
        setup=setup_follow_up,
        expect=expect,
    )


def test_matrix_api_acknowledge(matrix):
    def flagged(user, owner):
        return setup_follow_up(user, owner, flagged=True)

    expect = {
        "anonymous": 401,
        "patient": 403,
        "case_manager:owner": 200,
        "case_manager:other": 404,
        "partner:owner": 200,
        "partner:other": 404,
        "quality_lead": 200,
        "admin": 200,
        "specialist": 403,
        "clinician": 403,
    }
    matrix.check(
        method="POST",
        url=lambda f: (
            f"/api/v1/aftercare/escalations/{Escalation.objects.get(check_in__follow_up=f).public_id}/acknowledge"
        ),
        setup=flagged,
        expect=expect,
    )
