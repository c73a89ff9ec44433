"""Browser test: a quality lead ends a commission agreement from /quotes/commissions/ (so a new
one can follow), on a desktop and on a phone, with no horizontal overflow."""

import os

import pytest
from django.test import override_settings

from medijourney.accounts.roles import Role
from medijourney.accounts.services import DEMO_PASSWORD, demo_accounts_ensure, demo_email
from medijourney.quotes.models import CommissionAgreement
from medijourney.quotes.tests.factories import partner_hospital

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("MJ_SCREENSHOTS", "")


def _shot(page, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


@pytest.mark.parametrize("width", [1280, 390])
@override_settings(DEMO_MODE=True, RATE_LIMITS_ENABLED=False)
def test_lead_ends_an_agreement(live_server, browser, width):
    demo_accounts_ensure()
    hospital, _partner = partner_hospital(name="Ending Hospital")
    agreement = CommissionAgreement.objects.create(
        hospital=hospital, kind="percent", percent="7", valid_from="2026-01-01"
    )
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(demo_email(Role.QUALITY_LEAD))
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/quotes/commissions/")
    _shot(page, f"commissions-{width}.png")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("link", name="End…").click()
    page.get_by_label("Last day of the agreement").fill("2025-12-01")
    page.get_by_role("button", name="End agreement").click()
    assert "before the start date" in page.content()  # the message beside the field, value kept
    _shot(page, f"commission-end-error-{width}.png")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_label("Last day of the agreement").fill("2026-06-30")
    page.get_by_role("button", name="End agreement").click()
    page.wait_for_url(f"{live_server.url}/quotes/commissions/")
    assert "Commission agreement ended." in page.content()
    agreement.refresh_from_db()
    assert str(agreement.valid_to) == "2026-06-30"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
