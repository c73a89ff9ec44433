"""The "Describe your problem" page (/triage/)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_form_is_shown_with_the_notice(client):
    response = client.get(reverse("discovery:triage"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Describe your problem" in html
    assert "Not a diagnosis." in html
    assert 'name="text"' in html


def test_posting_a_description_shows_specialties_evidence_and_procedures(client):
    response = client.post(reverse("discovery:triage"), {"text": "my knee is worn out, bone on bone"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Orthopaedics" in html
    assert "<mark>" in html and "bone on bone" in html
    assert "Total knee replacement" in html
    assert "my knee is worn out, bone on bone" in html  # the form keeps what was typed


def test_htmx_post_answers_the_fragment_only(client):
    response = client.post(reverse("discovery:triage"), {"text": "cataract"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ophthalmology" in html
    assert "<html" not in html


def test_empty_text_shows_the_error_beside_the_field(client):
    response = client.post(reverse("discovery:triage"), {"text": "  "})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Describe the problem in a few words." in html
    assert "Where this could be treated" not in html


def test_text_naming_no_condition_says_so(client):
    response = client.post(reverse("discovery:triage"), {"text": "hello, what are your prices?"})
    assert "We could not tell from this description" in response.content.decode()


def test_landing_page_links_here(client):
    assert reverse("discovery:triage") in client.get("/").content.decode()


def test_everyone_may_use_the_page(matrix):
    everyone = {
        "anonymous": 200,
        "patient": 200,
        "case_manager": 200,
        "partner": 200,
        "quality_lead": 200,
        "specialist": 200,
        "admin": 200,
    }
    matrix.check(method="GET", url=lambda obj: reverse("discovery:triage"), expect=everyone)
    matrix.check(method="POST", url=lambda obj: reverse("discovery:triage"), data={"text": "hernia"}, expect=everyone)
