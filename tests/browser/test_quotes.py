"""Browser test of the quotes flow: the patient consents to share with a hospital, the case
manager sends a de-identified request, the hospital's partner answers with a plan and an
itemised quote, and the patient compares and accepts it."""

import pytest
from django.db import transaction
from django.test import override_settings
from playwright.sync_api import expect

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.accounts.services import DEMO_PASSWORD, demo_accounts_ensure, demo_email
from medijourney.cases.models import Stage
from medijourney.cases.tests.factories import make_case
from medijourney.catalog.tests.factories import specialty
from medijourney.network.offer_items import OFFER_ITEM_IDS
from medijourney.network.tests.factories import DoctorFactory, LicenceFactory, in_network_hospital, membership
from medijourney.quotes.models import QuoteRequest, RequestStatus
from medijourney.quotes.tests.factories import knee

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, base, role):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(demo_email(role))
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return page


@override_settings(DEMO_MODE=True, RATE_LIMITS_ENABLED=False)
def test_share_quote_compare_accept(live_server, browser):
    demo_accounts_ensure()
    base = live_server.url
    patient = User.objects.get(email=demo_email(Role.PATIENT))
    manager = User.objects.get(email=demo_email(Role.CASE_MANAGER))
    partner = User.objects.get(email=demo_email(Role.PARTNER))
    hospital = in_network_hospital(name="Browser Test Hospital")
    membership(partner, hospital)
    surgeon = DoctorFactory(hospital=hospital, full_name="Dr Browser Surgeon")
    surgeon.specialties.add(specialty("orthopedics"))  # only doctors of the procedure's specialty are offered
    LicenceFactory(doctor=surgeon)
    knee()
    with transaction.atomic():
        case = make_case(patient=patient, assigned_to=manager, full_name="Grace Private")

    # 1. The patient consents to share with the hospital.
    page = sign_in(browser, base, Role.PATIENT)
    page.goto(f"{base}/my/cases/{case.reference}/")
    page.get_by_role("link", name="Sharing with hospitals (your consent)").click()
    page.locator("#id_hospital").select_option(label="Browser Test Hospital · Pune, India")
    page.get_by_label("Summary with medical reports", exact=False).check()
    page.get_by_label("I agree to the text of the option I chose above.").check()
    page.get_by_role("button", name="Give consent").click()
    expect(page.get_by_text("Consent recorded for Browser Test Hospital.")).to_be_visible()
    expect(page.get_by_role("button", name="Withdraw consent for Browser Test Hospital")).to_be_visible()
    # 2. The case manager sends a de-identified request.
    staff = sign_in(browser, base, Role.CASE_MANAGER)
    staff.goto(f"{base}/cases/{case.reference}/")
    staff.get_by_role("button", name="Quotes: consents, requests to hospitals, answers").click()
    summary = staff.get_by_label("Summary the hospitals will read").input_value()
    assert "Grace" not in summary and "Private" not in summary
    staff.get_by_label("Browser Test Hospital").check()
    staff.get_by_role("button", name="Send request").click()
    expect(staff.get_by_text("Request sent to 1 hospital(s).")).to_be_visible()
    request = QuoteRequest.objects.get()

    answer_as_partner(browser, base, request, case)
    # 4. The patient compares and accepts.
    page.goto(f"{base}/my/cases/{case.reference}/quotes/")
    # No ECB rates are loaded in this test: every amount is in euros, and the page says why; the
    # USD quote cannot be converted, so it stays in dollars and says so.
    expect(page.get_by_text("Every amount on this page is in EUR.")).to_be_visible()
    page.get_by_label("Show every amount in").select_option("EUR")
    page.get_by_role("button", name="Show").click()
    table = page.locator("table.compare")
    assert "USD 4,500.00" in table.inner_text() and "no ECB exchange rate for USD" in table.inner_text()
    assert "licence verified" in table.inner_text() and "Not applicable" in table.inner_text()
    assert "Travel costs: not estimated for this hospital" in table.inner_text()
    page.get_by_role("button", name="Accept the plan from Browser Test Hospital").click()
    expect(page.get_by_text("You accepted the plan from Browser Test Hospital.")).to_be_visible()
    case.refresh_from_db()
    request.refresh_from_db()
    assert case.stage == Stage.PLAN_ACCEPTED and request.status == RequestStatus.ACCEPTED


def answer_as_partner(browser, base, request, case):
    """3. The partner answers with a plan and an itemised quote (every item stated)."""
    desk = sign_in(browser, base, Role.PARTNER)
    desk.goto(f"{base}/partner/requests/")
    desk.get_by_role("link", name=request.code).click()
    assert "Grace" not in desk.locator("main").inner_text() and case.reference not in desk.content()
    desk.get_by_label("Clinical summary of the plan").fill("Total knee replacement under spinal anaesthesia.")
    desk.locator("#id_procedure").select_option(label="Total knee replacement")
    desk.locator("#id_doctor").select_option(label="Dr Browser Surgeon · MS")
    desk.get_by_label("Days in the country before the procedure").fill("2")
    desk.get_by_label("Nights in hospital").fill("4")
    desk.get_by_label("Days after the procedure before flying home").fill("10")
    desk.locator("#id_currency").select_option("USD")
    for item in OFFER_ITEM_IDS:
        desk.locator(f"#id_{item}_status").select_option("not_included")
    desk.locator("#id_surgeon_status").select_option("included")
    desk.locator("#id_surgeon_amount").fill("3000")
    desk.locator("#id_implant_status").select_option("included")
    desk.locator("#id_implant_amount").fill("1500")
    desk.locator("#id_icu_status").select_option("not_applicable")
    desk.get_by_role("button", name="Send plan and quote").click()
    expect(desk.get_by_text("Your treatment plan and quote were sent")).to_be_visible()
