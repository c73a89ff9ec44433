"""GET /api/v1/triage: shapes, validation, and who may call it."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/triage"


def test_answers_specialties_procedures_notice_and_confidence(client):
    response = client.get(URL, {"text": "severe OA right knee, TKA advised", "lang": "en"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"specialties", "procedures", "notice", "confident"}
    assert len(body["specialties"]) >= 3
    first = body["specialties"][0]
    assert first["id"] == "orthopedics"
    assert set(first) == {"id", "name", "score", "evidence"}
    assert any("TKA" in e for e in first["evidence"])
    assert body["procedures"][0]["slug"] == "knee-replacement"
    assert set(body["procedures"][0]) == {"slug", "name", "score"}
    assert "not a diagnosis" in body["notice"]
    assert body["confident"] is True


def test_lang_defaults_to_english(client):
    response = client.get(URL, {"text": "cataract in both eyes"})
    assert response.status_code == 200
    assert response.json()["specialties"][0]["id"] == "ophthalmology"


@pytest.mark.parametrize(
    "params",
    [{}, {"text": ""}, {"text": "   "}, {"text": "knee " * 201}],
    ids=["missing", "empty", "blank", "too-long"],
)
def test_bad_text_is_422_naming_the_field(client, params):
    response = client.get(URL, params)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    assert [e["field"] for e in body["errors"]] == ["text"]


def test_bad_lang_is_422_naming_the_field(client):
    response = client.get(URL, {"text": "knee pain", "lang": "not a language!"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["lang"]


def test_every_role_and_anonymous_may_triage(matrix):
    # Triage is for people who have not signed up yet; it reads and stores nothing personal.
    matrix.check(
        method="GET",
        url=lambda obj: f"{URL}?text=knee+pain",
        expect={
            "anonymous": 200,
            "patient": 200,
            "case_manager": 200,
            "partner": 200,
            "quality_lead": 200,
            "specialist": 200,
            "admin": 200,
        },
    )


def test_no_database_queries(client, django_assert_max_num_queries):
    client.get(URL, {"text": "warm up"})
    with django_assert_max_num_queries(0):
        response = client.get(URL, {"text": "tried for a baby for three years"})
    assert response.status_code == 200


def test_listed_in_the_openapi_document(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/triage" in schema["paths"]
