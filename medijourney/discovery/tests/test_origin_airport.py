"""The patient's airport from their city: the city's main international airport by the catalogue's
stated rule, said in words; an ambiguous city name asks which airport (page and API), never guesses."""

import pytest

from medijourney.catalog.tests.factories import AirportFactory, country
from medijourney.discovery import reference
from medijourney.discovery.params import RawSearch, SearchParamErrors, resolve_search
from medijourney.discovery.tests.world import add_hospital, build_world

pytestmark = pytest.mark.django_db


def us_airport(ident, iata, name, lat, lon, city, size="large_airport"):
    return AirportFactory(
        ident=ident, iata=iata, name=name, city=city, country=country("US"), latitude=lat, longitude=lon, size=size
    )


@pytest.fixture
def usa():
    world = build_world()
    country("US")
    # Real OurAirports idents, so the shipped runway lengths and the sourced Chicago row apply.
    us_airport("KMDW", "MDW", "Chicago Midway International Airport", 41.786, -87.752, "Chicago")
    us_airport("KORD", "ORD", "Chicago O'Hare International Airport", 41.979, -87.905, "Chicago")
    us_airport("KSGF", "SGF", "Springfield Branson National Airport", 37.245, -93.389, "Springfield", "medium_airport")
    us_airport("KSPI", "SPI", "Abraham Lincoln Capital Airport", 39.844, -89.678, "Springfield", "medium_airport")
    add_hospital(world, "istanbul", country_code="TR", city="Istanbul", airport_code="IST")
    reference.clear()
    return world


def test_chicago_flies_from_ohare_and_says_why(usa):
    query = resolve_search(RawSearch(procedure="knee-replacement", origin="US", origin_city="Chicago"))
    assert query.origin is not None and query.origin.code == "ORD"
    assert "main international airport of Chicago" in query.origin.basis
    assert "ACI World" in query.origin.basis  # the shipped, sourced row for Chicago


def test_an_ambiguous_city_asks_which_airport(usa):
    with pytest.raises(SearchParamErrors) as exc:
        resolve_search(RawSearch(procedure="knee-replacement", origin="US", origin_city="Springfield"))
    message = exc.value.errors["origin_city"]
    assert "More than one place called Springfield" in message
    assert "(SGF)" in message and "(SPI)" in message


def test_the_page_keeps_what_was_typed_and_names_the_choices(client, usa):
    response = client.get("/search/", {"procedure": "knee-replacement", "origin": "US", "origin_city": "Springfield"})
    page = response.content.decode()
    assert 'id="id_origin_city_error"' in page and "More than one place called Springfield" in page
    assert 'value="Springfield"' in page
    chosen = client.get(
        "/search/",
        {"procedure": "knee-replacement", "origin": "US", "origin_city": "Springfield", "origin_airport": "SPI"},
    ).content.decode()
    assert "More than one place called" not in chosen and "(SPI)" in chosen


def test_the_api_answers_422_naming_the_field(client, usa):
    response = client.get(
        "/api/v1/search", {"procedure": "knee-replacement", "origin": "US", "origin_city": "Springfield"}
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["origin_city"]
    assert "SGF" in errors[0]["message"]
