"""Browser tests for issue 10's figures: a total that leaves out the implant says so beside the
figure and cannot win on cost (search, compare, hospital page; desktop and phone), and the patient's
quotes page shows every figure in one comparison currency, saying why (item 6)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.accounts.services import DEMO_PASSWORD, demo_accounts_ensure, demo_email
from medijourney.cases.tests.factories import case_manager, make_case
from medijourney.catalog.tests.factories import country, rate, visa_rule
from medijourney.discovery import reference
from medijourney.discovery.params import Weights
from medijourney.discovery.selectors import clear_caches
from medijourney.discovery.tests.world import NO_IMPLANT, ROOM, add_hospital, build_world
from medijourney.network.tests.factories import OfferFactory
from medijourney.quotes.services import LineInput
from medijourney.quotes.tests.factories import answered, knee, lines, partner_hospital, shared_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXCLUDES = "Excludes the implant (knee prosthesis) — ask the hospital."


@pytest.fixture(autouse=True)
def _fresh_caches():
    reference.clear()
    clear_caches()
    yield
    reference.clear()
    clear_caches()


def _world():
    world = build_world()
    add_hospital(
        world,
        "cheap",
        country_code="TR",
        city="Istanbul",
        airport_code="IST",
        price=("2000", "2000"),
        inclusions=NO_IMPLANT,
    )
    add_hospital(
        world,
        "whole",
        country_code="TR",
        city="Istanbul",
        airport_code="IST",
        price=("6000", "6000"),
        inclusions=dict(ROOM),
    )
    return world


def _search_url(base, **extra):
    weights = Weights(10, 0, 0, 0)  # cost only: the cheap-looking offer would win if it could
    params = {"procedure": "knee-replacement", "origin": "GB", "origin_airport": "LHR", "w_cost": weights.cost,
              "w_wait": 0, "w_travel": 0, "w_quality": 0, **extra}  # fmt: skip
    return f"{base}/search/?" + "&".join(f"{k}={v}" for k, v in params.items())


def test_an_incomplete_total_says_so_and_cannot_win_on_cost(live_server, page):
    world = _world()
    page.goto(_search_url(live_server.url))
    names = page.locator("#search-results .result h3 a").all_inner_texts()
    assert names == ["Whole Hospital", "Cheap Hospital"]  # leaving out the implant does not win on cost
    cheap = page.locator(".result", has_text="Cheap Hospital")
    total = cheap.locator(".total")
    expect(total).to_contain_text("incomplete total")
    expect(total).to_contain_text(EXCLUDES)  # beside the figure, not hidden in the lines
    expect(page.locator(".result", has_text="Whole Hospital").locator(".total")).to_contain_text("whole trip, estimate")
    cheap.locator("details.why summary").click()
    expect(cheap.locator("details.why")).to_contain_text("not comparable: the price excludes the implant")
    cheap.locator("details.lines summary").click()
    expect(cheap.locator("details.lines tfoot")).to_contain_text(EXCLUDES)
    expect(page.locator(".how")).to_contain_text("Like is compared with like")

    # Compare: the same words on the total row.
    cheap.get_by_label("Compare").check()
    page.locator(".result", has_text="Whole Hospital").get_by_label("Compare").check()
    page.get_by_role("button", name=re.compile("Compare the ticked results")).click()
    expect(page.get_by_role("heading", name="Compare hospitals")).to_be_visible()
    expect(page.locator("table.compare tr.total")).to_contain_text(EXCLUDES)

    # The hospital page says the same of its offer.
    page.goto(f"{live_server.url}/hospitals/{world.hospitals['cheap'].public_id}/")
    expect(page.locator("#offers-title ~ article").first).to_contain_text("incomplete price")
    expect(page.locator("#offers-title ~ article").first).to_contain_text(EXCLUDES)


def test_the_words_beside_the_total_fit_a_phone(live_server, browser):
    _world()
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.goto(_search_url(live_server.url))
    cheap = phone.locator(".result", has_text="Cheap Hospital")
    expect(cheap.locator(".total .excludes")).to_be_visible()
    for details in ("details.why", "details.lines"):
        cheap.locator(f"{details} summary").click()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the results page is {width}px wide on a 390px phone"
    phone.screenshot(path="/tmp/figures-browser-incomplete-390.png", full_page=True)
    context.close()


def _sign_in(browser, base, width=1280):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(demo_email(Role.PATIENT))
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return context, page


@override_settings(DEMO_MODE=True, RATE_LIMITS_ENABLED=False)
def test_the_patients_quotes_are_in_one_currency_and_say_why(live_server, browser):
    demo_accounts_ensure()
    day = timezone.localdate() - datetime.timedelta(days=1)
    for code, units in (("USD", "1.10"), ("INR", "92.00"), ("GBP", "0.85")):
        rate(code, day, units)
    country("NG")
    visa_rule("NG", "IN", "e_visa")
    patient = User.objects.get(email=demo_email(Role.PATIENT))
    with transaction.atomic():
        case = make_case(patient=patient, assigned_to=case_manager())  # lives in Nigeria: NGN, no ECB rate
        rupees, _p = partner_hospital(name="Rupee Hospital")
        dollars, _q = partner_hospital(name="Dollar Hospital")
        OfferFactory(hospital=rupees, procedure=knee(), currency="INR", price_min=300000, price_max=400000)
        in_inr = shared_request(hospital=rupees, case=case)
        in_usd = shared_request(hospital=dollars, case=case)
        answered(in_inr, currency="INR", lines=lines(surgeon=LineInput("included", Decimal("250000"))))
        answered(in_usd)

    context, page = _sign_in(browser, live_server.url)
    page.goto(f"{live_server.url}/my/cases/{case.reference}/quotes/")
    currency_line = page.locator(".currency-line")
    expect(currency_line).to_contain_text("Every amount on this page is in USD.")
    expect(currency_line).to_contain_text("publishes no exchange rate for NGN")
    table = page.locator("table.compare")
    expect(table).to_contain_text("quoted as INR 250,000.00")
    text = table.inner_text()
    assert "no rate" not in text and "NGN" not in text
    travel = table.locator("tr", has_text="Travel costs").inner_text()
    assert set(re.findall(r"\b([A-Z]{3}) [\d,]+\.\d\d", travel)) <= {"USD"}
    visa = table.locator("tr", has=page.locator("th", has_text=re.compile("^Visa$"))).first
    expect(visa).to_contain_text("E-visa: fee not in our data")  # search's own words for NG → IN
    page.screenshot(path="/tmp/figures-browser-quotes-usd-1280.png", full_page=True)

    # The patient chooses pounds: every figure follows.
    page.get_by_label("Show every amount in").select_option("GBP")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".currency-line")).to_contain_text("Every amount on this page is in GBP.")
    expect(page.locator(".currency-line")).to_contain_text("You chose GBP.")
    expect(page.locator("table.compare")).to_contain_text("quoted as USD")
    assert "NGN" not in page.locator("table.compare").inner_text()
    context.close()

    phone_context, phone = _sign_in(browser, live_server.url, width=390)
    phone.goto(f"{live_server.url}/my/cases/{case.reference}/quotes/")
    expect(phone.locator(".currency-line")).to_be_visible()
    phone.screenshot(path="/tmp/figures-browser-quotes-390.png", full_page=True)
    phone_context.close()
