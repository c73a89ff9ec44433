"""Browsing the public catalogue in Chromium: procedures by specialty, a procedure page with its
sources, the hospitals of the network, a hospital page, and a country page that remembers the
visitor's passport."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from medijourney.catalog.tests.factories import (
    FitToFlyFactory,
    ProcedureFactory,
    ReferencePriceFactory,
    country,
    specialty,
    visa_rule,
)
from medijourney.network.tests.factories import OfferFactory, body, in_network_hospital

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue():
    eye = specialty("ophthalmology", "Ophthalmology")
    specialty("orthopedics", "Orthopaedics")
    cataract = ProcedureFactory(
        slug="cataract-surgery", name="Cataract surgery", specialty=eye, fit_to_fly=FitToFlyFactory(),
        min_days_before_flying=1, synonyms=["cataract operation"], inpatient_nights=0, total_days=4,
    )  # fmt: skip
    ProcedureFactory(slug="knee-replacement", name="Total knee replacement", specialty=specialty("orthopedics"))
    ReferencePriceFactory(procedure=cataract, country=country("US"), price=Decimal("14764"), source="iFHP 2010 report",
                          data_year="2010", price_type="survey average (hospital + physician)")  # fmt: skip
    hospital = in_network_hospital(name="Sunrise Eye Hospital", city="Mumbai", acc_body=body("NABH"))
    OfferFactory(hospital=hospital, procedure=cataract, price_min=Decimal("900"), price_max=Decimal("1500"))
    visa_rule("GB", "IN", "e_visa")
    return cataract, hospital


def test_browse_procedures_and_hospitals(live_server, page, catalogue):
    page.goto(f"{live_server.url}/procedures/")
    page.get_by_role("link", name="Ophthalmology").click()
    page.wait_for_url("**specialty=ophthalmology**")
    assert page.get_by_role("link", name="Total knee replacement").count() == 0
    page.get_by_role("link", name="Cataract surgery").click()
    page.get_by_role("heading", name="Cataract surgery", level=1).wait_for()
    body_text = page.locator("main").inner_text()
    assert "Day case (no night in hospital)" in body_text and "editorial estimate" in body_text
    assert "At least 1 day after the procedure" in body_text and "UK CAA" in body_text
    assert "USD 14,764" in body_text and "iFHP 2010 report" in body_text
    page.get_by_role("button", name="Hospitals in the network offering it").click()
    page.get_by_role("link", name="Sunrise Eye Hospital").click()
    page.get_by_role("heading", name="Sunrise Eye Hospital", level=1).wait_for()
    text = page.locator("main").inner_text()
    assert "NABH" in text and "current" in text and "USD 900 – 1,500" in text and "Submitted by the hospital" in text


def test_search_box_filters_procedures_as_you_type(live_server, page, catalogue):
    page.goto(f"{live_server.url}/procedures/")
    page.get_by_label("Search").fill("cataract operation")
    page.locator("#procedure-results").get_by_text("1 procedure").wait_for()
    expect(page.get_by_role("link", name="Cataract surgery")).to_be_visible()


def test_country_page_remembers_the_passport(live_server, page, catalogue):
    page.goto(f"{live_server.url}/countries/IN/")
    page.get_by_label("Your passport:").select_option("GB")
    page.get_by_role("button", name="Show the rule").click()
    page.get_by_test_id("visa-rule").wait_for()
    assert "E-visa" in page.get_by_test_id("visa-rule").inner_text()
    assert "12 Jan 2025" in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/countries/IN/")
    assert "E-visa" in page.get_by_test_id("visa-rule").inner_text()
    expect(page.get_by_role("link", name="Sunrise Eye Hospital")).to_be_visible()
