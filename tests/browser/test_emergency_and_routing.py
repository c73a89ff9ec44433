"""Browser tests for issue 10, items 1, 2 and 7: an emergency text is answered first with the
local emergency number (triage, search, inquiry), a text without evidence says "we could not tell"
and leads to the inquiry form with the words copied, and the compare and hospital pages open the
inquiry form pre-filled. Screenshots at 1280 and 390 px go to $SCREENSHOT_DIR when it is set."""

import os
from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from medijourney.cases.models import Case
from medijourney.catalog.tests.factories import ProcedureFactory, specialty
from medijourney.discovery import reference
from medijourney.discovery.selectors import clear_caches
from medijourney.discovery.tests.world import standard_world
from medijourney.discovery.triage import warm_up
from tests.browser.axe import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOT_DIR")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(autouse=True)
def _fresh_caches():
    warm_up()  # load the triage lexicon before the clock of the first expect() starts
    reference.clear()
    clear_caches()
    yield
    reference.clear()
    clear_caches()


def new_page(browser, viewport=DESKTOP, locale="en-GB"):
    context = browser.new_context(viewport=viewport, locale=locale)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def no_horizontal_overflow(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_triage_emergency_message_first_with_the_number_and_a_country_chooser(live_server, browser, viewport):
    ProcedureFactory(slug="angioplasty", name="Coronary angioplasty and stent", specialty=specialty("cardiology"))
    page = new_page(browser, viewport)
    page.goto(f"{live_server.url}/triage/")
    page.get_by_label("Describe your problem").fill("crushing chest pain right now")
    page.get_by_role("button", name="Suggest a specialty").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("This may be an emergency")
    expect(alert.locator('a[href="tel:999"]')).to_be_visible()  # en-GB browser: the UK number
    expect(alert).to_contain_text("the emergency number in United Kingdom")
    # First and unmissable: above the form and the routing, in the first screen.
    box = alert.bounding_box()
    assert box["y"] < page.get_by_label("Describe your problem").bounding_box()["y"]
    assert box["y"] + 60 < viewport["height"]
    assert "angioplasty" not in page.locator("main").inner_text().lower()
    no_horizontal_overflow(page)
    shot(page, f"triage-emergency-{viewport['width']}")
    # Travelling? Choose the country: the number is swapped in place.
    alert.get_by_label("Not in this country? Choose where you are now").select_option("JP")
    alert.get_by_role("button", name="Show the number").click()
    expect(alert.locator('a[href="tel:119"]')).to_be_visible()
    expect(alert).to_contain_text("Japan")


def test_triage_without_evidence_could_not_tell_and_leads_to_the_inquiry(live_server, browser):
    page = new_page(browser)
    page.goto(f"{live_server.url}/triage/")
    page.get_by_label("Describe your problem").fill("asdfgh")
    page.get_by_role("button", name="Suggest a specialty").click()
    result = page.locator(".triage-result")
    expect(result).to_contain_text(
        "We could not tell from this which kind of doctor you need — a case manager can help."
    )
    assert "Orthopaedics" not in result.inner_text()
    shot(page, "triage-could-not-tell-1280")
    result.get_by_role("button", name="Ask a case manager (your text is copied into the form)").click()
    page.wait_for_url(f"{live_server.url}/inquiry/")
    expect(page.get_by_label("What do you need help with?")).to_have_value("asdfgh")
    assert Case.objects.count() == 0


def test_triage_condition_offers_a_list_and_a_next_step(live_server, browser):
    ProcedureFactory(slug="knee-replacement", name="Total knee replacement", specialty=specialty("orthopedics"))
    ProcedureFactory(slug="knee-arthroscopy", name="Knee arthroscopy", specialty=specialty("orthopedics"))
    page = new_page(browser, PHONE)
    page.goto(f"{live_server.url}/triage/")
    page.get_by_label("Describe your problem").fill(
        "my knee hurts when I climb stairs, my doctor says the cartilage is gone"
    )
    page.get_by_role("button", name="Suggest a specialty").click()
    result = page.locator(".triage-result")
    expect(result.locator("h2")).to_contain_text("Orthopaedics")
    assert "0.79" not in result.inner_text() and "match" not in result.inner_text()
    expect(result.locator(".triage-choices")).to_contain_text("Total knee replacement")
    no_horizontal_overflow(page)
    shot(page, "triage-choices-390")
    result.locator(".triage-choices a", has_text="Knee arthroscopy").click()
    page.wait_for_url(f"{live_server.url}/search/?procedure=knee-arthroscopy")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_search_free_text_emergency_searches_nothing(live_server, browser, viewport):
    standard_world()
    page = new_page(browser, viewport, locale="en-US")
    page.goto(f"{live_server.url}/search/?q=I+think+my+wife+is+having+a+stroke")
    alert = page.get_by_role("alert")
    expect(alert.locator('a[href="tel:911"]')).to_be_visible()  # en-US browser, no country chosen
    assert alert.bounding_box()["y"] < page.locator("#search-form").bounding_box()["y"]
    assert page.locator("#search-results .result").count() == 0
    expect(page.locator(".routing")).to_contain_text("We do not search treatments for what you describe")
    no_horizontal_overflow(page)
    shot(page, f"search-emergency-{viewport['width']}")


def test_search_could_not_tell_goes_to_the_prefilled_inquiry(live_server, browser):
    standard_world()
    page = new_page(browser)
    page.goto(f"{live_server.url}/search/?q=hello&origin=GB&currency=GBP")
    routing = page.locator(".routing")
    expect(routing).to_contain_text("We could not tell from this")
    shot(page, "search-could-not-tell-1280")
    routing.get_by_role("link", name="Ask a case manager instead").click()
    expect(page.get_by_label("What do you need help with?")).to_have_value("hello")
    expect(page.get_by_label("Country where you live")).to_have_value("GB")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_search_condition_offers_choices_then_searches_the_chosen_one(live_server, browser, viewport):
    standard_world()
    page = new_page(browser, viewport)
    page.goto(f"{live_server.url}/search/?q=knee+pain&origin=GB&currency=GBP")
    routing = page.locator(".routing")
    expect(routing).to_contain_text("Choose a treatment to search for")
    assert page.locator("#search-results .result").count() == 0
    no_horizontal_overflow(page)
    shot(page, f"search-choices-{viewport['width']}")
    routing.locator("a.chip", has_text="Total knee replacement").click()
    expect(page.locator(".summary")).to_contain_text("3 results for Total knee replacement")
    shot(page, f"search-results-{viewport['width']}")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_compare_and_hospital_pages_open_the_inquiry_prefilled(live_server, browser, viewport):
    world = standard_world()
    offers = "&".join(f"offers={world.offer(k).public_id}" for k in ("istanbul", "delhi"))
    page = new_page(browser, viewport)
    page.goto(f"{live_server.url}/compare/?{offers}&origin=GB&currency=GBP")
    shot(page, f"compare-{viewport['width']}")
    page.get_by_role("button", name="Get quotes from these hospitals").first.click()  # a link styled as a button
    page.wait_for_url("**/inquiry/?**")
    expect(page.get_by_label("Procedure, if you know it")).to_have_value("Total knee replacement")
    need = page.get_by_label("What do you need help with?").input_value()
    assert "Istanbul Hospital" in need and "Delhi Hospital" in need
    expect(page.get_by_label("Türkiye")).to_be_checked()
    expect(page.get_by_label("India")).to_be_checked()
    expect(page.get_by_label("Country where you live")).to_have_value("GB")
    no_horizontal_overflow(page)
    shot(page, f"inquiry-prefilled-{viewport['width']}")

    page.goto(f"{live_server.url}/hospitals/{world.hospitals['bangkok'].public_id}/")
    shot(page, f"hospital-{viewport['width']}")
    page.get_by_role("button", name="Ask about this treatment here").first.click()
    page.wait_for_url("**/inquiry/?**")
    expect(page.get_by_label("Thailand")).to_be_checked()
    assert "Bangkok Hospital" in page.get_by_label("What do you need help with?").input_value()
    assert Case.objects.count() == 0  # nothing sent until the patient submits


@override_settings(RATE_LIMITS_ENABLED=False)
def test_inquiry_counter_and_emergency_acknowledgement(live_server, browser):
    page = new_page(browser, PHONE)
    page.goto(f"{live_server.url}/inquiry/")
    expect(page.locator("#id_need_count")).to_have_text("0 of 5,000 characters")
    page.get_by_label("Your full name").fill("Ada Phone")
    page.get_by_label("Email").fill("ada@example.test")
    page.get_by_label("Phone").fill("+234 803 123 4567")
    page.get_by_label("Country where you live").select_option("NG")
    page.get_by_label("Passport country").select_option("NG")
    page.get_by_label("What do you need help with?").fill("My mother passed out and is not breathing")
    expect(page.locator("#id_need_count")).to_have_text("41 of 5,000 characters")
    page.get_by_label("I agree to the processing of my health information as described above.").check()
    page.get_by_role("button", name="Send my inquiry").click()
    page.wait_for_url(f"{live_server.url}/inquiry/received/")
    alert = page.get_by_role("alert")
    expect(alert.locator('a[href="tel:199"]')).to_be_visible()  # Nigeria, from the form's country
    assert alert.bounding_box()["y"] < page.get_by_text("Thank you: we have your inquiry").bounding_box()["y"]
    no_horizontal_overflow(page)
    shot(page, "inquiry-received-emergency-390")
    assert Case.objects.get().emergency_flagged


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_arabic_emergency_is_also_answered_in_arabic_right_to_left(live_server, browser, viewport):
    context = browser.new_context(
        viewport=viewport, locale="en-EG", bypass_csp=True
    )  # English page, Egypt; bypass_csp: for axe
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/triage/")
    page.get_by_label("Describe your problem").fill("عندي ألم شديد في الصدر الآن")
    page.get_by_role("button", name="Suggest a specialty").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("This may be an emergency")
    local = alert.locator('.emergency-local[lang="ar"][dir="rtl"]')
    expect(local).to_be_visible()
    expect(local).to_contain_text("قد تكون هذه حالة طارئة")
    expect(local).to_contain_text("123")  # Egypt's ambulance number, from the browser's region
    expect(alert).to_contain_text("not yet been checked by a medical translator")
    # Right to left: the text runs from the right, and the marking border (inline-start) is on the right.
    style = local.evaluate(
        "e => { const s = getComputedStyle(e); return [s.direction, s.borderRightWidth, s.borderLeftWidth]; }"
    )
    assert style == ["rtl", "4px", "0px"], style
    assert not [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
    no_horizontal_overflow(page)
    shot(page, f"triage-emergency-arabic-{viewport['width']}")
