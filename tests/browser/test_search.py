"""Browser test: a patient searches in their own words, moves a weight and sees the order change
(htmx re-renders the results), then compares two hospitals side by side."""

import re

import pytest
from playwright.sync_api import expect

from medijourney.discovery import reference
from medijourney.discovery.selectors import clear_caches
from medijourney.discovery.tests.world import standard_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_caches():
    reference.clear()
    clear_caches()
    yield
    reference.clear()
    clear_caches()


def result_names(page):
    return page.locator("#search-results .result h3 a").all_inner_texts()


def test_search_in_free_text_reweight_and_compare(live_server, page):
    standard_world()
    page.goto(f"{live_server.url}/search/")
    page.get_by_label("Describe the problem, or name the treatment").fill("my knee is worn out")
    page.get_by_label("Your country").select_option("GB")
    page.get_by_role("button", name="Search", exact=True).click()

    # The words name a condition, not a procedure: the specialty's procedures are offered to choose from.
    expect(page.locator(".routing")).to_contain_text("Orthopaedics")
    expect(page.locator(".routing")).to_contain_text("Choose a treatment to search for")
    assert page.locator(".summary").count() == 0
    page.locator(".routing a.chip", has_text="Total knee replacement").click()
    expect(page.locator(".routing")).to_contain_text("You chose Total knee replacement")
    expect(page.locator(".summary")).to_contain_text("3 results for Total knee replacement")
    before = result_names(page)
    assert before[0] == "Delhi Hospital"  # the cheapest trip leads with the default weights

    # Cost matters not at all, quality signals the most: the results re-render in place.
    page.locator("#id_w_cost").press("Home")
    expect(page.locator("#id_w_cost_value")).to_have_text("0")
    page.locator("#id_w_quality").press("End")
    expect(page.locator("#id_w_quality_value")).to_have_text("10")
    page.wait_for_url(re.compile(r"w_cost=0.*w_quality=10"))  # the URL keeps the weights
    expect(page.locator("#search-results .result h3 a").first).to_have_text("Istanbul Hospital")
    after = result_names(page)
    assert after != before and sorted(after) == sorted(before)

    why = page.locator(".result").first.locator("details.why")
    why.locator("summary").click()
    expect(why).to_contain_text("Quality signals")
    expect(why).to_contain_text("2 current accreditations (JCI, NABH)")

    # Tick two results and compare them.
    page.locator(".result", has_text="Istanbul Hospital").get_by_label("Compare").check()
    page.locator(".result", has_text="Delhi Hospital").get_by_label("Compare").check()
    page.get_by_role("button", name=re.compile("Compare the ticked results")).click()
    expect(page.get_by_role("heading", name="Compare hospitals")).to_be_visible()
    headers = page.locator("table.compare thead th").all_inner_texts()
    assert len(headers) == 2 and "Istanbul Hospital" in " ".join(headers) and "Delhi Hospital" in " ".join(headers)
    expect(page.locator("table.compare")).to_contain_text("Lodging until the fit-to-fly date")
    expect(page.locator("table.compare")).to_contain_text("fee not in our data — check the official site")
    assert "offers=" in page.url and "w_quality=10" in page.url  # shareable with the same context

    page.get_by_role("button", name="Back to the results").click()  # a link styled as a button
    expect(page.locator("#search-results .result h3 a").first).to_have_text("Istanbul Hospital")


def test_errors_sit_beside_the_field_and_keep_what_was_typed(live_server, page):
    standard_world()
    page.goto(f"{live_server.url}/search/?q=new+knee&origin=GB&origin_airport=ZZZ")
    field = page.get_by_label("Or airport code")
    expect(field).to_have_value("ZZZ")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_origin_airport_error")).to_contain_text("No airport with the code")
