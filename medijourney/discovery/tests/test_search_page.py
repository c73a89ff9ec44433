"""The search page: works without JavaScript (GET), re-renders only the results for htmx, keeps
what was typed and puts errors beside the fields, explains the ranking and empty results."""

import re

import pytest
from django.urls import reverse

from medijourney.catalog.tests.factories import ProcedureFactory
from medijourney.discovery.tests.world import add_hospital, build_world, standard_world

pytestmark = pytest.mark.django_db
URL = reverse("discovery:search")


def test_page_without_parameters_invites_a_search(client):
    build_world()
    page = client.get(URL).content.decode()
    assert "Find a hospital" in page and "How ranking works" in page
    assert "Default weights: cost 4, waiting time 2, travel time 2, quality signals 2" in page
    assert "score = Σ weight × value" in page
    assert "No hospital can pay for its place" in page
    assert "errorlist" not in page


def test_free_text_naming_a_procedure_searches_it_with_the_trip(client):
    standard_world()
    page = client.get(URL, {"q": "I need a new knee replacement", "origin": "GB", "currency": "GBP"}).content.decode()
    assert "You named Total knee replacement, which Orthopaedics treats." in page
    assert "We searched for <strong>Total knee replacement</strong>" in page
    assert "3 results for Total knee replacement" in page
    assert "Delhi Hospital" in page and "Bangkok Hospital" in page and "Istanbul Hospital" in page
    assert "Why this rank" in page and "The trip estimate, line by line" in page
    assert "an allowance ceiling, not a market price" in page
    assert 'value="I need a new knee replacement"' in page  # kept in the form
    assert "not a diagnosis" in page
    assert "match 0." not in page and "points to <strong>" not in page


def test_free_text_naming_only_a_condition_offers_the_specialtys_procedures(client):
    world = standard_world()
    ProcedureFactory(
        slug="partial-knee-replacement", name="Partial knee replacement", specialty=world.procedure.specialty
    )
    page = client.get(URL, {"q": "my knee is worn out", "origin": "GB"}).content.decode()
    assert "Your words" in page and "Orthopaedics" in page
    assert "We searched for" not in page and "results for" not in page  # nothing chosen for the patient
    assert "Choose a treatment to search for" in page
    found = re.search(r'href="\?([^"]*procedure=partial-knee-replacement)"', page)
    assert found is not None
    link = found.group(1).replace("&amp;", "&")
    assert "origin=GB" in link and "q=my+knee+is+worn+out" in link and link.count("procedure=") == 1
    assert "procedure=knee-replacement" in page
    chosen = client.get(URL + "?" + link).content.decode()
    assert "You chose <strong>Partial knee replacement</strong>" in chosen
    assert "Pick another treatment" in chosen


@pytest.mark.parametrize("text", ["hello", "asdfgh", "😀"])
def test_free_text_without_evidence_could_not_tell_and_offers_the_inquiry(client, text):
    standard_world()
    page = client.get(URL, {"q": text, "origin": "GB"}).content.decode()
    assert "We could not tell from this" in page
    assert "Orthopaedics" not in page.split("How ranking works")[0].split("</form>")[-1]
    found = re.search(r'href="(/inquiry/\?[^"]*)"', page)
    assert found is not None
    link = found.group(1).replace("&amp;", "&")
    assert "origin=GB" in link and "need=" in link
    form = client.get(link).content.decode()
    assert "emergency" not in form.lower() or "This may be an emergency" not in form


def test_headache_does_not_search_brain_surgery(client):
    standard_world()
    page = client.get(URL, {"q": "I have a headache", "origin": "GB"}).content.decode()
    assert "Microvascular decompression" not in page
    assert "We searched for" not in page


def test_emergency_text_shows_the_message_first_and_searches_nothing(client):
    standard_world()
    page = client.get(
        URL, {"q": "crushing chest pain right now", "origin": "GB", "procedure": "knee-replacement"}
    ).content.decode()
    body = page.split("<main", 1)[1]
    assert body.index('role="alert"') < body.index("search-form")
    assert "This may be an emergency" in body and 'href="tel:999"' in body
    assert "the emergency number in United Kingdom" in body
    assert "results for" not in body and "Delhi Hospital" not in body
    assert "We do not search treatments for what you describe" in body


def test_emergency_number_comes_from_the_browser_language_without_an_origin(client):
    standard_world()
    page = client.get(URL, {"q": "he collapsed and is not breathing"}, headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert 'href="tel:112"' in page.content.decode() and "Germany" in page.content.decode()
    page = client.get(URL, {"q": "he collapsed and is not breathing"}, headers={"Accept-Language": "en"})
    html = page.content.decode()
    assert "Call your local emergency number now" in html and 'name="country"' in html


def test_bad_values_are_kept_and_errors_sit_beside_their_fields(client):
    standard_world()
    response = client.get(
        URL,
        {
            "q": "new knee",
            "origin": "GB",
            "origin_airport": "ZZZ",
            "budget": "abc",
            "w_cost": "0",
            "w_wait": "0",
            "w_travel": "0",
            "w_quality": "0",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_budget_error"' in page and 'value="abc"' in page
    assert 'id="id_origin_airport_error"' not in page or "ZZZ" in page
    assert 'value="new knee"' in page
    assert "Fix the fields marked in the form" in page
    response = client.get(URL, {"q": "new knee", "origin": "GB", "origin_airport": "ZZZ"})
    page = response.content.decode()
    assert 'id="id_origin_airport_error"' in page and "No airport with the code" in page and 'value="ZZZ"' in page
    page = client.get(
        URL, {"q": "new knee", "w_cost": "0", "w_wait": "0", "w_travel": "0", "w_quality": "0"}
    ).content.decode()
    assert 'id="id_w_cost_error"' in page and "At least one weight must be above 0" in page


def test_htmx_request_renders_only_the_results(client):
    standard_world()
    params = {
        "procedure": "knee-replacement",
        "origin": "GB",
        "w_cost": "10",
        "w_wait": "0",
        "w_travel": "0",
        "w_quality": "0",
    }
    response = client.get(URL, params, headers={"HX-Request": "true"})
    fragment = response.content.decode()
    assert "<html" not in fragment and "How ranking works" not in fragment
    assert fragment.index("Delhi Hospital") < fragment.index("Istanbul Hospital")
    params |= {"w_cost": "0", "w_quality": "10"}
    fragment = client.get(URL, params, headers={"HX-Request": "true"}).content.decode()
    assert fragment.index("Istanbul Hospital") < fragment.index("Delhi Hospital")


def test_demo_rows_carry_the_demo_badge(client):
    world = build_world()
    add_hospital(world, "demo", country_code="TH", city="Bangkok", airport_code="BKK", is_demo=True)
    page = client.get(URL, {"procedure": "knee-replacement"}).content.decode()
    assert "Demo data" in page


def test_empty_result_says_which_filter_excluded_how_many(client):
    standard_world()
    page = client.get(
        URL, {"procedure": "knee-replacement", "origin": "GB", "origin_airport": "LHR", "budget": "100"}
    ).content.decode()
    assert "None of the 3 offers for Total knee replacement passes your filters: budget excluded 3." in page
    page = client.get(URL, {"procedure": "cataract-surgery"}).content.decode()
    assert "No accredited hospital in the network has a price for Cataract surgery yet." in page
    assert "3 accredited hospitals in the network have not published a price" in page


def test_results_are_paged(client):
    world = build_world()
    for i in range(12):
        add_hospital(
            world, f"h{i:02d}", country_code="TH", city="Bangkok", airport_code="BKK", price=(str(5000 + i), "7000")
        )
    first = client.get(URL, {"procedure": "knee-replacement"}).content.decode()
    assert "Page 1 of 2" in first and first.count('class="result"') == 10
    second = client.get(URL, {"procedure": "knee-replacement", "page": "2"}).content.decode()
    assert second.count('class="result"') == 2 and 'start="11"' in second
    beyond = client.get(URL, {"procedure": "knee-replacement", "page": "9"}).content.decode()
    assert "Page 2 of 2" in beyond


def test_compare_form_carries_the_search_context(client):
    standard_world()
    page = client.get(
        URL,
        {
            "procedure": "knee-replacement",
            "origin": "GB",
            "currency": "GBP",
            "companion": "on",
            "accreditation": ["JCI", "NABH"],
        },
    ).content.decode()
    assert 'id="compare-form"' in page
    for hidden in (
        'name="origin" value="GB"',
        'name="currency" value="GBP"',
        'name="companion" value="1"',
        'name="accreditation" value="NABH"',
    ):
        assert hidden in page
    assert page.count('name="offers"') == 3


def test_page_query_count_does_not_grow_with_results(client, django_assert_max_num_queries):
    world = build_world()
    add_hospital(world, "one", country_code="TH", city="Bangkok", airport_code="BKK")
    client.get(URL, {"procedure": "knee-replacement", "origin": "GB"})
    add_hospital(world, "two", country_code="IN", city="Agra", airport_code="DEL")
    with django_assert_max_num_queries(12) as few:  # after one hospital changed, as after nine
        client.get(URL, {"procedure": "knee-replacement", "origin": "GB", "budget": "99999"})
    for i in range(9):
        add_hospital(world, f"h{i}", country_code="IN", city="Mumbai", airport_code="DEL", doctors=1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(URL, {"procedure": "knee-replacement", "origin": "GB", "budget": "99999"})
