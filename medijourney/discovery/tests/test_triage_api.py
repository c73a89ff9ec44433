"""GET /api/v1/triage: shapes, validation, and who may call it."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/triage"


def test_answers_specialties_procedures_notice_and_confidence(client):
    response = client.get(URL, {"text": "severe OA right knee, TKA advised", "lang": "en"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"specialties", "procedures", "notice", "confident", "emergency", "answer"}
    assert all(s["score"] > 0 for s in body["specialties"])
    first = body["specialties"][0]
    assert first["id"] == "orthopedics"
    assert set(first) == {"id", "name", "score", "evidence"}
    assert any("TKA" in e for e in first["evidence"])
    assert body["procedures"][0]["slug"] == "knee-replacement"
    assert set(body["procedures"][0]) == {"slug", "name", "score", "named"}
    assert body["procedures"][0]["named"] is True
    assert "not a diagnosis" in body["notice"]
    assert body["confident"] is True
    assert body["emergency"]["detected"] is False and body["emergency"]["number"] is None
    answer = body["answer"]
    assert answer["kind"] == "procedure" and answer["procedure"]["slug"] == "knee-replacement"
    assert answer["certainty"] == "clear" and "0." not in answer["headline"]


@pytest.mark.parametrize("text", ["hello", "asdfgh", "😀"])
def test_no_evidence_answers_could_not_tell_with_no_specialty(client, text):
    body = client.get(URL, {"text": text}).json()
    assert body["specialties"] == [] and body["procedures"] == []
    assert body["confident"] is False
    assert body["answer"]["kind"] == "unclear" and body["answer"]["could_not_tell"] is True
    assert "could not tell" in body["answer"]["headline"] and "case manager" in body["answer"]["headline"]
    assert body["answer"]["choices"] == []


def test_a_condition_offers_choices_and_names_no_procedure(client):
    body = client.get(URL, {"text": "knee pain"}).json()
    assert body["answer"]["kind"] == "specialty" and body["answer"]["procedure"] is None
    assert not any(p["named"] for p in body["procedures"])
    slugs = [c["slug"] for c in body["answer"]["choices"]]
    assert "knee-replacement" in slugs and "knee-arthroscopy" in slugs
    assert body["answer"]["choices"][0]["pointed"] is True


def test_headache_points_to_no_brain_surgery(client):
    body = client.get(URL, {"text": "I have a headache"}).json()
    assert "microvascular-decompression" not in [p["slug"] for p in body["procedures"]]
    assert body["answer"]["procedure"] is None


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("crushing chest pain right now", "chest_pain"),
        ("his face is drooping and his speech is slurred", "stroke"),
        ("I can't breathe", "breathing"),
        ("bleeding heavily and it won't stop", "bleeding"),
        ("she passed out", "unconscious"),
        ("my tongue is swelling after peanuts", "allergy"),
        ("I have been thinking about suicide", "self_harm"),
    ],
)
def test_emergency_text_answers_the_message_and_no_procedure(client, text, sign):
    body = client.get(URL, {"text": text, "country": "in"}).json()
    assert body["emergency"]["detected"] is True
    assert sign in [s["id"] for s in body["emergency"]["signs"]]
    assert body["emergency"]["number"]["call"] == "112" and body["emergency"]["number"]["country"] == "IN"
    assert body["emergency"]["country_from"] == "form"
    assert body["procedures"] == [] and body["answer"]["choices"] == [] and body["answer"]["procedure"] is None
    assert body["answer"]["kind"] == "emergency"
    assert body["emergency"]["message"].startswith("This may be an emergency. Call 112 now")


def test_emergency_number_from_accept_language_else_ask(client):
    body = client.get(URL, {"text": "chest pain now"}, headers={"Accept-Language": "ja-JP,ja;q=0.8"}).json()
    assert body["emergency"]["number"]["call"] == "119" and body["emergency"]["country_from"] == "browser"
    body = client.get(URL, {"text": "chest pain now"}, headers={"Accept-Language": "en"}).json()
    assert body["emergency"]["number"] is None and body["emergency"]["choose_country"] is True
    assert "local emergency number" in body["emergency"]["message"]


def test_bad_country_is_422_naming_the_field(client):
    response = client.get(URL, {"text": "knee pain", "country": "ZZZ"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["country"]


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
            "clinician": 200,
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
