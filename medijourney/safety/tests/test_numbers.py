"""The shipped emergency-number table, the visitor's country, and the /emergency/ page."""

import csv
import re

import pytest
from django.test import RequestFactory
from phonenumbers.phonemetadata import PhoneMetadata

from medijourney.safety.numbers import (
    TABLE_PATH,
    country_choices,
    number_for,
    region_from_accept_language,
    visitor_country,
)


def rows():
    with TABLE_PATH.open(encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def test_every_number_shown_is_an_emergency_number_for_its_country():
    table = rows()
    assert len(table) >= 200
    for row in table:
        metadata = PhoneMetadata.short_metadata_for_region(row["country"])
        assert metadata is not None and metadata.emergency is not None, row["country"]
        pattern = metadata.emergency.national_number_pattern
        assert pattern, row["country"]
        for number in [row["call"], *row["also"].split()]:
            assert re.fullmatch(pattern, number), (row["country"], number)
        assert row["basis"] in {"override", "only", "general", "check"}
        assert row["basis"] != "override" or row["source"]


@pytest.mark.parametrize(
    ("country", "call"),
    [
        ("US", "911"),
        ("GB", "999"),
        ("DE", "112"),
        ("IN", "112"),
        ("AU", "000"),
        ("JP", "119"),
        ("TH", "1669"),
        ("KR", "119"),
        ("CN", "120"),
        ("BR", "192"),
        ("MX", "911"),
        ("NG", "199"),
        ("TR", "112"),
        ("CR", "911"),
    ],
)
def test_112_and_911_are_not_universal(country, call):
    found = number_for(country)
    assert found is not None and found.call == call


def test_unknown_country_has_no_number():
    assert number_for("ZZ") is None and number_for("") is None and number_for(None) is None


def test_countries_to_choose_from_are_named_and_sorted():
    choices = country_choices()
    names = [n for _c, n in choices]
    assert names == sorted(names) and ("GB", "United Kingdom") in choices


@pytest.mark.parametrize(
    ("header", "country"),
    [
        ("en-GB,en;q=0.9", "GB"),
        ("de-DE", "DE"),
        ("zh-Hans-CN,zh;q=0.8", "CN"),
        ("en", None),
        ("es-419", None),
        ("", None),
    ],
)
def test_region_from_accept_language(header, country):
    assert region_from_accept_language(header) == country


def test_the_form_country_wins_over_the_browser():
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE="de-DE")
    assert visitor_country(request, "ng") == ("NG", "form")
    assert visitor_country(request, None) == ("DE", "browser")
    assert visitor_country(RequestFactory().get("/"), None) == (None, "unknown")


@pytest.mark.django_db
def test_emergency_page_shows_the_chosen_country_or_asks(client):
    html = client.get("/emergency/", {"country": "TH"}).content.decode()
    assert 'href="tel:1669"' in html and "Thailand" in html and 'role="alert"' in html
    assert "libphonenumber" in html  # the source is shown
    html = client.get("/emergency/", headers={"Accept-Language": "en"}).content.decode()
    assert "Call your local emergency number now" in html and 'name="country"' in html
    fragment = client.get("/emergency/", {"country": "JP"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and 'href="tel:119"' in fragment and 'id="emergency-number"' in fragment


@pytest.mark.django_db
def test_emergency_page_is_open_to_everyone(matrix):
    everyone = dict.fromkeys(
        ["anonymous", "patient", "case_manager", "partner", "quality_lead", "specialist", "clinician", "admin"], 200
    )
    matrix.check(method="GET", url=lambda obj: "/emergency/?country=GB", expect=everyone)
