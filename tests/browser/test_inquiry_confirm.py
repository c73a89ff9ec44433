"""Browser test: the owner of an existing account opens the emailed link for an inquiry sent with
their address, sees only its reference and date, confirms it, signs in and finds it in My cases.
Screenshots at 1280 px and 390 px go to $SCREENSHOT_DIR when it is set."""

import json
import os
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client, override_settings
from playwright.sync_api import expect

from medijourney.accounts.roles import Role
from medijourney.accounts.tests.factories import TEST_PASSWORD, UserFactory
from medijourney.cases.tests.factories import case_manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOT_DIR", "")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@override_settings(RATE_LIMITS_ENABLED=False)
def test_the_owner_confirms_an_inquiry_sent_with_their_address(live_server, browser, run_tasks):
    case_manager()
    owner = UserFactory(role=Role.PATIENT, email="owner.browser@example.test")
    body = {
        "full_name": "Owner Browser",
        "email": owner.email,
        "phone": "+44 20 7946 0000",
        "country_of_residence": "GB",
        "passport_country": "GB",
        "preferred_language": "en",
        "need": "Hip replacement, please.",
        "consent": True,
    }
    sent = Client().post("/api/v1/inquiries", json.dumps(body), content_type="application/json").json()
    with transaction.atomic():
        run_tasks()
    [email] = [m for m in mail.outbox if m.to == [owner.email]]
    link = urlsplit(re.search(r"https?://\S+/inquiry/confirm/\S+/", email.body).group(0)).path

    for width, name in ((390, "phone"), (1280, "desktop")):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}{link}")
        expect(page.get_by_role("heading", name="Is this inquiry yours?")).to_be_visible()
        expect(page.get_by_text(sent["reference"])).to_be_visible()
        assert "Hip replacement" not in page.content()  # only the reference and the date
        assert no_horizontal_overflow(page), width
        shot(page, f"inquiry-confirm-{name}")
        if width == 1280:
            page.get_by_role("button", name="Yes, I sent it: add it to my account").click()
            expect(page.get_by_role("heading", name="The inquiry is in your account")).to_be_visible()
            shot(page, f"inquiry-confirmed-{name}")
            page.get_by_role("button", name="Sign in").click()
            page.get_by_label("Email").fill(owner.email)
            page.get_by_label("Password").fill(TEST_PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state()
            assert sent["reference"] in page.content()
            shot(page, f"inquiry-confirmed-my-case-{name}")
        context.close()
    # the link, opened again on a phone, says where the inquiry is now
    phone = browser.new_context(viewport={"width": 390, "height": 900})
    page = phone.new_page()
    page.goto(f"{live_server.url}{link}")
    expect(page.get_by_role("heading", name="The inquiry is in your account")).to_be_visible()
    assert no_horizontal_overflow(page)
    shot(page, "inquiry-confirmed-phone")
    phone.close()
