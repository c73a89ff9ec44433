"""The quality lead's verify and suspend flow in Chromium: sign in, land on the verification
queue, verify a submitted accreditation with a note, which puts the hospital in the network;
suspend it, which hides it from patients at once; reinstate it."""

import datetime

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from medijourney.accounts.roles import Role
from medijourney.accounts.services import DEMO_PASSWORD, demo_accounts_ensure, demo_email
from medijourney.network.models import Accreditation
from medijourney.network.tests.factories import AccreditationFactory, HospitalFactory, body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, email, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@override_settings(DEMO_MODE=True)
def test_quality_lead_verifies_then_suspends_and_reinstates(live_server, page, browser):
    demo_accounts_ensure()  # the demo quality lead (demo accounts skip the second factor)
    hospital = HospitalFactory(name="Lotus Heart Hospital", city="Chennai")
    AccreditationFactory(
        hospital=hospital, body=body("JCI"), number="JCI-LOTUS-1", verification_status="pending",
        valid_from=datetime.date.today() - datetime.timedelta(days=10),
        valid_to=datetime.date.today() + datetime.timedelta(days=40),
    )  # fmt: skip
    sign_in(page, live_server, demo_email(Role.QUALITY_LEAD), DEMO_PASSWORD)
    page.get_by_role("heading", name="Verification queue").wait_for()
    assert page.url.endswith("/network/queue/")
    page.get_by_role("row", name="JCI-LOTUS-1").get_by_role("link", name="Review").click()
    page.get_by_label("Verify / approve").check()
    page.get_by_label("Note").fill("Checked against the JCI directory")
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_text("Decision recorded.").wait_for()
    assert Accreditation.objects.get(number="JCI-LOTUS-1").verification_status == "verified"
    # Verified and current, expiring within 60 days: it now shows in the expiry section.
    assert "Lotus Heart Hospital" in page.locator("#exp60-title + table").inner_text()

    patient = browser.new_context().new_page()
    patient.goto(f"{live_server.url}/hospitals/")
    expect(patient.get_by_role("link", name="Lotus Heart Hospital")).to_be_visible()
    page.goto(f"{live_server.url}/network/hospitals/{hospital.public_id}/")
    assert "in the network" in page.get_by_test_id("network-status").inner_text()
    page.get_by_text("Suspend this hospital").click()
    page.get_by_label("Reason for suspension").fill("Complaint under investigation")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Suspend").click()
    page.get_by_text("The hospital is suspended and hidden from patients.").wait_for()
    assert "suspended" in page.get_by_test_id("network-status").inner_text()

    patient.goto(f"{live_server.url}/hospitals/")
    assert patient.get_by_role("link", name="Lotus Heart Hospital").count() == 0
    response = patient.goto(f"{live_server.url}/hospitals/{hospital.public_id}/")
    assert response.status == 404

    page.get_by_role("button", name="Reinstate").click()
    page.get_by_text("The hospital is reinstated.").wait_for()
    patient.goto(f"{live_server.url}/hospitals/")
    expect(patient.get_by_role("link", name="Lotus Heart Hospital")).to_be_visible()
    patient.context.close()
