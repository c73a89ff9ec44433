"""Words a patient can read on search and compare (issue 10, item 14): no "[Other]", no empty "As
given" column, quality in words rather than "0.42 of 1", IATA and SIFL explained, fields named by
their label, active currencies only, one date format."""

import re
from typing import Any

import pytest

from medijourney.cases.forms import InquiryForm
from medijourney.core.currencies import active_currency_codes
from medijourney.discovery.forms import SearchForm
from medijourney.discovery.tests.world import add_hospital, build_world, standard_world

pytestmark = pytest.mark.django_db

LONDON = {"procedure": "knee-replacement", "origin": "GB", "origin_airport": "LHR"}


def test_the_country_lodging_rate_is_said_in_words(client):
    world = build_world()
    add_hospital(world, "thrissur", country_code="IN", city="Thrissur", airport_code="DEL")
    page = client.get("/search/", LONDON).content.decode()
    assert "[Other]" not in page
    assert "the State Department&#x27;s rate for the rest of India, as Thrissur has no rate of its own" in page


def test_no_empty_column_and_quality_in_words(client):
    standard_world()
    page = client.get("/search/", LONDON).content.decode()
    assert "As given" not in page
    assert not re.search(r"signals \d\.\d\d of 1", page)
    assert "the strongest quality signals in these results" in page
    assert "% of the best" not in page


def test_iata_and_sifl_are_explained(client):
    standard_world()
    page = client.get("/search/", LONDON).content.decode()
    assert "Or airport code" in page and "three-letter code printed on tickets" in page
    assert "SIFL (Standard Industry Fare Level" in page
    assert "IATA (the airlines&#x27; trade association)" in page


def test_compare_names_fields_by_their_label(client):
    standard_world()
    page = client.get("/compare/", {**LONDON, "offers": ""}).content.decode()
    assert "Results to compare: Choose between 1 and 4 results to compare." in page
    assert "offers:" not in page


def test_one_date_format_on_the_results(client):
    standard_world()
    page = client.get("/search/", LONDON).content.decode()
    results = page.split('id="search-results"')[1].split('class="how"')[0]
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", results)  # no ISO dates for people
    assert re.search(r"\b\d{1,2} [A-Z][a-z]{2} 20\d\d\b", results)


def test_currency_lists_hold_active_currencies_only():
    active = active_currency_codes()
    assert 140 < len(active) < 170 and "DDM" not in active and "XAU" not in active and "USD" in active
    budget_field: Any = InquiryForm().fields["budget_currency"]
    codes = [c for c, _label in budget_field.choices if c]
    assert "DDM" not in codes and "FRF" not in codes and len(codes) == len(set(codes)) < 170
    assert set(codes) <= active
    currency_field: Any = SearchForm().fields["currency"]
    search_codes = [c for c, _label in currency_field.choices]
    assert set(search_codes) <= active
