"""The "Describe your problem" page (/triage/)."""

import pytest
from django.urls import reverse

from medijourney.catalog.tests.factories import ProcedureFactory, specialty
from medijourney.testing.html import contains

pytestmark = pytest.mark.django_db


def test_form_is_shown_with_the_notice(client):
    response = client.get(reverse("discovery:triage"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Describe your problem" in html
    assert "Not a diagnosis." in html
    assert 'name="text"' in html


def test_posting_a_description_shows_specialties_evidence_and_procedures(client):
    ProcedureFactory(slug="knee-replacement", name="Total knee replacement", specialty=specialty("orthopedics"))
    response = client.post(reverse("discovery:triage"), {"text": "my knee is worn out, bone on bone"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your words point clearly to Orthopaedics." in html
    assert "<mark>" in html and "bone on bone" in html
    assert "Choose a treatment to find hospitals for" in html
    assert (
        'href="/search/?procedure=knee-replacement">Total knee replacement</a> <small>(your words point to this)'
        in html
    )
    assert "my knee is worn out, bone on bone" in html  # the form keeps what was typed
    assert "match 0." not in html


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
    assert "triage-result" not in html


@pytest.mark.parametrize("text", ["hello", "asdfgh", "😀", "hello, what are your prices?"])
def test_text_naming_no_condition_could_not_tell_and_offers_the_inquiry(client, text):
    html = client.post(reverse("discovery:triage"), {"text": text}).content.decode()
    assert "We could not tell from this which kind of doctor you need — a case manager can help." in html
    assert "Orthopaedics" not in html
    assert 'action="/inquiry/"' in html and 'name="prefill"' in html
    assert f'name="need" value="{text.replace(",", ",")}"' in html


def test_named_procedure_ends_in_searching_for_it(client):
    ProcedureFactory(slug="cataract-surgery", name="Cataract surgery", specialty=specialty("ophthalmology"))
    html = client.post(reverse("discovery:triage"), {"text": "I want cataract surgery"}).content.decode()
    assert "You named Cataract surgery" in html
    assert contains(html, 'href="/search/?procedure=cataract-surgery" role="button"')


def test_condition_only_offers_a_list_not_one_procedure(client):
    ProcedureFactory(slug="knee-replacement", name="Total knee replacement", specialty=specialty("orthopedics"))
    ProcedureFactory(slug="knee-arthroscopy", name="Knee arthroscopy", specialty=specialty("orthopedics"))
    html = client.post(reverse("discovery:triage"), {"text": "knee pain"}).content.decode()
    assert "Find hospitals for" not in html
    assert "Choose a treatment to find hospitals for" in html
    assert "Total knee replacement" in html and "Knee arthroscopy" in html


def test_cartilage_gone_gets_a_way_on(client):
    ProcedureFactory(slug="knee-replacement", name="Total knee replacement", specialty=specialty("orthopedics"))
    text = "my knee hurts when I climb stairs, my doctor says the cartilage is gone"
    html = client.post(reverse("discovery:triage"), {"text": text}).content.decode()
    assert "Orthopaedics" in html and "0.79" not in html
    assert "Total knee replacement" in html and 'name="prefill"' in html


@pytest.mark.parametrize(
    "text",
    [
        "crushing chest pain right now",
        "I think my mother is having a stroke, her face is drooping",
        "I can't breathe",
        "she is bleeding heavily and it won't stop",
        "he passed out and is unresponsive",
        "my throat is swelling after a bee sting",
        "I want to end my life",
    ],
)
def test_emergency_text_gets_the_message_first_and_no_treatment(client, text):
    ProcedureFactory(slug="angioplasty", name="Coronary angioplasty and stent", specialty=specialty("cardiology"))
    html = client.post(
        reverse("discovery:triage"), {"text": text}, headers={"Accept-Language": "en-GB"}
    ).content.decode()
    main = html.split("<main", 1)[1]
    assert main.index('role="alert"') < main.index('name="text"')  # before the form and any routing
    assert "This may be an emergency" in main and 'href="tel:999"' in main
    assert "angioplasty" not in main.lower() and "Find hospitals for" not in main
    assert "Choose a treatment" not in main


def test_past_or_negated_signs_are_not_an_emergency(client):
    for text in ("chest pain last year, now I need a knee replacement", "no chest pain, just a sore knee"):
        html = client.post(reverse("discovery:triage"), {"text": text}).content.decode()
        assert "This may be an emergency" not in html, text


def test_too_long_text_is_refused_and_kept_whole(client):
    text = "knee " * 300
    html = client.post(reverse("discovery:triage"), {"text": text}).content.decode()
    assert "Please shorten this to 1000 characters (it has 1499); nothing was cut." in html
    assert text.strip() in html
    assert 'maxlength="' not in html.split('name="text"')[1].split(">")[0]
    assert "Up to 1,000 characters." in html


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
        "clinician": 200,
        "admin": 200,
    }
    matrix.check(method="GET", url=lambda obj: reverse("discovery:triage"), expect=everyone)
    matrix.check(method="POST", url=lambda obj: reverse("discovery:triage"), data={"text": "hernia"}, expect=everyone)
