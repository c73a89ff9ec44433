"""The JSON API's shapes and bad input (422 naming the field, nothing changed), the OpenAPI
document, and flat query counts on the lists."""

import datetime
import json

import pytest
from django.urls import reverse

from medijourney.cases.tests.factories import make_case
from medijourney.journeys.models import Step, StepKind
from medijourney.quotes.services import quote_accept
from medijourney.quotes.tests.factories import answered, shared_request
from medijourney.testing.queries import assert_flat

from .factories import accepted_journey, issued, step, with_passport

pytestmark = pytest.mark.django_db


def test_api_detail_shape_for_the_patient_and_the_hospital(client):
    journey, _m, partner = accepted_journey(tz="Asia/Kolkata")
    with_passport(journey)
    letter = issued(journey, partner)
    client.force_login(journey.case.patient)
    body = client.get(f"/api/v1/journeys/{journey.public_id}").json()
    assert body["steps"][0]["kind"] == "outbound_flight" and len(body["steps"]) == 10
    assert body["fit_to_fly"]["days"] == journey.fit_days and body["letter"]["code"] == letter.code
    assert body["checklist"] and body["destination_time_zone"] == "Asia/Kolkata"
    client.force_login(partner)
    as_hospital = client.get(f"/api/v1/journeys/{journey.public_id}").json()
    assert as_hospital["checklist"] is None  # the hospital does not see the patient's documents list
    listed = client.get("/api/v1/journeys").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == str(journey.public_id)


def test_api_move_bad_input_names_the_field_and_changes_nothing(client):
    journey, manager, _p = accepted_journey()
    client.force_login(manager)
    ret = step(journey, StepKind.RETURN_FLIGHT)
    url = f"/api/v1/journeys/{journey.public_id}/steps/{ret.public_id}"
    before = list(Step.objects.filter(journey=journey).values_list("day", flat=True))
    r = client.patch(
        url, json.dumps({"day": (ret.day - datetime.timedelta(days=3)).isoformat()}), content_type="application/json"
    )
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert errors[0]["field"] == "day" and "fit-to-fly" in errors[0]["message"]
    r = client.patch(url, json.dumps({"day": "not a date"}), content_type="application/json")
    assert r.status_code in (400, 422) and any("day" in e["field"] for e in r.json()["errors"])
    for odd in ({"day": "0001-01-01"}, {"day": "9999-12-31"}, {"day": ret.day.isoformat(), "time": "10:15:00+05:00"}):
        r = client.patch(url, json.dumps(odd), content_type="application/json")
        assert r.status_code in (200, 422), odd
    assert list(Step.objects.filter(journey=journey).values_list("day", flat=True)) == before
    r = client.patch(
        url,
        json.dumps({"day": (ret.day + datetime.timedelta(days=1)).isoformat(), "time": "10:15"}),
        content_type="application/json",
    )
    assert r.status_code == 200
    moved = next(s for s in r.json()["steps"] if s["kind"] == "return_flight")
    assert moved["time"] == "10:15:00" and moved["starts_at_utc"].startswith(
        (ret.day + datetime.timedelta(days=1)).isoformat()
    )


def test_openapi_lists_the_journey_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/journeys" in paths and "/api/v1/journeys/{journey_id}" in paths
    assert "patch" in paths["/api/v1/journeys/{journey_id}/steps/{step_id}"]
    assert "422" in paths["/api/v1/journeys/{journey_id}/steps/{step_id}"]["patch"]["responses"]


def test_page_form_keeps_what_was_typed_and_says_why(client):
    journey, manager, _p = accepted_journey()
    client.force_login(manager)
    ret = step(journey, StepKind.RETURN_FLIGHT)
    typed = (ret.day - datetime.timedelta(days=2)).isoformat()
    r = client.post(reverse("journeys:move", args=[journey.public_id, ret.public_id]), {f"s{ret.pk}-day": typed})
    assert r.status_code == 422
    html = r.content.decode()
    assert typed in html and "fit-to-fly date" in html and "override" in html


def test_partner_list_query_count_is_flat(client):
    journey, _m, partner = accepted_journey()
    client.force_login(partner)
    url = reverse("journeys:partner_list")

    def grow():
        # the partner belongs to one hospital: a second journey there
        case = make_case(assigned_to=journey.case.assigned_to)
        quote_accept(quote=answered(shared_request(hospital=journey.hospital, case=case)), actor=case.patient)

    assert_flat(lambda: client.get(url), grow)
    assert client.get(url).content.decode().count("JR-") == 2
