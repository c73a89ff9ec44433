"""Browser test: a visitor describes a problem in their own words and sees where it is treated."""

import pytest
from playwright.sync_api import expect

from medijourney.catalog.tests.factories import ProcedureFactory, specialty

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_describes_a_problem_and_sees_specialty_evidence_and_procedure(live_server, page):
    ProcedureFactory(slug="ivf-cycle", name="IVF cycle", specialty=specialty("obgyn_fertility"))
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="Describe your problem").click()  # a link styled as a button
    page.wait_for_url(f"{live_server.url}/triage/")
    assert page.get_by_role("note").first.inner_text().startswith("Not a diagnosis.")
    page.get_by_label("Describe your problem").fill("We have tried for a baby for three years, my AMH is low")
    page.get_by_role("button", name="Suggest a specialty").click()
    result = page.locator(".triage-result")
    result.wait_for()
    assert "Obstetrics, gynaecology and fertility" in result.locator("h2").inner_text()
    assert "match" not in result.inner_text()  # how sure, in words
    assert result.locator("mark", has_text="tried for a baby").count() == 1
    assert "IVF cycle" in result.locator(".triage-choices").inner_text()
    # The text stays in the box for another try.
    assert "three years" in page.get_by_label("Describe your problem").input_value()


def test_empty_description_is_refused_beside_the_field(live_server, page):
    page.goto(f"{live_server.url}/triage/")
    page.get_by_role("button", name="Suggest a specialty").click()
    error = page.get_by_text("Describe the problem in a few words.")
    error.wait_for()  # the htmx answer arrives after the click
    expect(error).to_be_visible()
    assert page.locator(".triage-result").count() == 0
