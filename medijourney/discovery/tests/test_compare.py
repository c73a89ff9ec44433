"""Compare: up to four results side by side (API and a shareable page), trip lines aligned."""

import pytest
from django.urls import reverse

from medijourney.discovery.estimate import LINE_KEYS
from medijourney.discovery.schemas import CompareOut
from medijourney.discovery.tests.world import add_hospital, build_world, standard_world
from medijourney.network.models import Hospital

pytestmark = pytest.mark.django_db
URL = "/api/v1/compare"


def ids(world, *keys):
    return [str(world.offer(k).public_id) for k in keys]


def test_compare_api_aligns_the_trip_lines(client):
    world = standard_world()
    response = client.get(
        URL, {"offers": ids(world, "istanbul", "delhi"), "origin": "GB", "companion": "true", "currency": "GBP"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    CompareOut.model_validate(body)
    assert body["line_keys"] == list(LINE_KEYS)
    assert [i["hospital"]["name"] for i in body["items"]] == ["Istanbul Hospital", "Delhi Hospital"]  # order given
    for item in body["items"]:
        assert [line["key"] for line in item["trip_estimate"]["lines"]] == list(LINE_KEYS)
        assert item["trip_estimate"]["currency"] == "GBP"
        assert item["doctors"] and all("licence_verified" in d for d in item["doctors"])
        assert item["savings"]["reference"]["source"] == "Example UK self-pay survey"
        assert item["visa"]["requirement"] in {"visa_free", "e_visa"}
        assert item["hospital"]["accreditations"]
    assert body["procedure"]["slug"] == "knee-replacement"  # taken from the offers


@pytest.mark.parametrize("count", [0, 5])
def test_compare_needs_one_to_four_offers(client, count):
    world = build_world()
    for i in range(5):
        add_hospital(world, f"h{i}", country_code="TH", city="Bangkok", airport_code="BKK")
    response = client.get(
        URL, {"offers": ids(world, *[f"h{i}" for i in range(count)]), "procedure": "knee-replacement"}
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["offers"]


def test_an_offer_no_longer_in_the_network_is_422(client):
    world = standard_world()
    hospital = world.hospitals["delhi"]
    hospital.status = Hospital.Status.SUSPENDED
    hospital.save()
    response = client.get(URL, {"offers": ids(world, "delhi", "bangkok"), "procedure": "knee-replacement"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "offers"
    assert str(world.offer("delhi").public_id) in response.json()["errors"][0]["message"]


def test_an_offer_for_another_procedure_is_422(client):
    world = standard_world()
    response = client.get(URL, {"offers": ids(world, "delhi"), "procedure": "cataract-surgery"})
    assert response.status_code == 422


def test_not_a_uuid_is_422(client):
    standard_world()
    response = client.get(URL, {"offers": ["nope"], "procedure": "knee-replacement"})
    assert response.status_code == 422


def test_compare_page_is_shareable_and_aligned(client):
    world = standard_world()
    url = reverse("discovery:compare")
    response = client.get(url, {"offers": ids(world, "bangkok", "delhi"), "origin": "GB", "currency": "GBP"})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Bangkok Hospital") < page.index("Delhi Hospital")
    for label in (
        "Procedure",
        "Hospital nights",
        "Lodging until the fit-to-fly date",
        "Flights (round trip)",
        "Visa",
        "Companion",
    ):
        assert f'<th scope="row">{label}</th>' in page
    assert "fee not in our data — check the official site" in page
    assert "licence verified" in page and "Accreditations" in page
    assert "Back to the results" in page and "origin=GB" in page


def test_compare_page_without_offers_explains(client):
    standard_world()
    page = client.get(reverse("discovery:compare")).content.decode()
    assert "Tick up to 4 results" in page


def test_compare_page_with_a_withdrawn_offer_says_so(client):
    world = standard_world()
    world.hospitals["delhi"].status = Hospital.Status.SUSPENDED
    world.hospitals["delhi"].save()
    response = client.get(
        reverse("discovery:compare"), {"offers": ids(world, "delhi"), "procedure": "knee-replacement"}
    )
    assert response.status_code == 200
    assert "no longer available" in response.content.decode()


def test_compare_query_count_does_not_grow(client, django_assert_max_num_queries):
    world = build_world()
    for i in range(4):
        add_hospital(world, f"h{i}", country_code="TH", city="Bangkok", airport_code="BKK", doctors=2)
    client.get(URL, {"offers": ids(world, "h0"), "origin": "GB"})  # warm the snapshot
    with django_assert_max_num_queries(10) as one:
        assert client.get(URL, {"offers": ids(world, "h1"), "origin": "GB"}).status_code == 200
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(URL, {"offers": ids(world, "h0", "h1", "h2", "h3"), "origin": "GB"}).status_code == 200
