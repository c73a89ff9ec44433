"""A city's main international airport by one stated, sourced rule (catalog.airports), checked
against the shipped OurAirports data; an ambiguous city name is never resolved silently."""

import csv
from functools import cache

import pytest

from medijourney.catalog.airports import (
    MAIN_AIRPORTS_FILE,
    RUNWAYS_FILE,
    AirportFacts,
    city_airport,
    curated_rows,
    longest_runways,
    normalise_city,
)
from medijourney.catalog.importers import AIRPORTS_CSV


@cache
def shipped() -> tuple[AirportFacts, ...]:
    runways = longest_runways()
    with AIRPORTS_CSV.open(newline="", encoding="utf-8") as fh:
        return tuple(
            AirportFacts(
                ident=r["ident"],
                code=r["iata_code"] or r["ident"],
                name=r["name"],
                municipality=r["municipality"],
                country=r["iso_country"],
                latitude=float(r["latitude_deg"]),
                longitude=float(r["longitude_deg"]),
                size=r["type"],
                longest_runway_ft=runways.get(r["ident"]),
            )
            for r in csv.DictReader(fh)
        )


@pytest.mark.parametrize(
    ("country", "city", "code"),
    [
        ("US", "Chicago", "ORD"),  # not Midway
        ("KR", "Seoul", "ICN"),  # not Gimpo
        ("CR", "San José", "SJO"),  # not Tobías Bolaños (SYQ)
        ("CR", "san jose", "SJO"),  # accents and case ignored
        ("TH", "Bangkok", "BKK"),  # not Don Mueang
        ("AE", "Dubai", "DXB"),  # not Al Maktoum, whose runway is longer
        ("MX", "Mexico City", "MEX"),  # not Felipe Ángeles
        ("RU", "Moscow", "SVO"),  # not Zhukovsky's test runway
        ("CA", "Montreal", "YUL"),  # not Mirabel (cargo)
        ("IN", "Mumbai", "BOM"),  # not the new Navi Mumbai airport
        ("IN", "Delhi", "DEL"),  # "Delhi" as people write it; OurAirports says New Delhi
        ("US", "Washington", "IAD"),  # Dulles names Washington in its name
        ("GB", "London", "LHR"),
        ("US", "New York", "JFK"),
        ("MY", "Kuala Lumpur", "KUL"),  # its municipality is Sepang; its name says Kuala Lumpur
        ("TR", "Istanbul", "IST"),
    ],
)
def test_the_main_international_airport_of_a_city(country, city, code):
    found = city_airport(shipped(), country, city)
    assert not found.ambiguous
    assert found.airport is not None and found.airport.code == code
    assert found.basis  # always said in words


def test_ambiguous_names_ask_which_instead_of_guessing():
    springfield = city_airport(shipped(), "US", "Springfield")
    assert springfield.ambiguous and springfield.airport is None
    assert {a.code for a in springfield.choices} == {"SGF", "SPI"}  # Missouri and Illinois
    assert city_airport(shipped(), "US", "Portland").ambiguous  # Oregon and Maine


def test_unknown_city_gives_nothing():
    assert city_airport(shipped(), "US", "Atlantis").airport is None
    assert city_airport(shipped(), "US", "").airport is None


def test_the_basis_names_the_source_or_the_rule():
    dubai = city_airport(shipped(), "AE", "Dubai")
    assert dubai.curated is not None and "ACI World" in dubai.basis
    bangkok = city_airport(shipped(), "TH", "Bangkok")
    assert "longest runway" in bangkok.basis and bangkok.curated is None
    only = city_airport(shipped(), "DE", "Berlin")
    assert only.airport is not None and only.airport.code == "BER" and "the only airport" in only.basis


def test_curated_rows_name_real_airports_and_sources():
    idents = {a.ident for a in shipped()}
    rows = curated_rows()
    assert rows
    for row in rows:
        assert row.ident in idents, row
        assert row.verdict in ("main", "not_main")
        assert row.reason and row.source and row.source_url.startswith("http")
    assert "main_airports.csv" in (MAIN_AIRPORTS_FILE.parent / "PROVENANCE.md").read_text()


def test_runway_file_covers_the_airports_it_can():
    runways = longest_runways()
    idents = {a.ident for a in shipped()}
    assert len(runways) > 3200 and set(runways) <= idents
    assert runways["KORD"] > runways["KMDW"]  # O'Hare 13,000 ft, Midway 6,522 ft
    assert "ourairports_longest_runway.csv" in (RUNWAYS_FILE.parent / "PROVENANCE.md").read_text()


def test_normalise_city():
    assert normalise_city("  São Paulo ") == "sao paulo"
    assert normalise_city("Bombay") == "mumbai"
