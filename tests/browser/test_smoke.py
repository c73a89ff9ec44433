"""Browser smoke test: every demo role signs in through the real login page in Chromium and
lands on its home page."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from medijourney.accounts.roles import Role
from medijourney.accounts.services import DEMO_PASSWORD, demo_accounts_ensure, demo_email

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@override_settings(DEMO_MODE=True)
def test_each_demo_role_signs_in_and_sees_its_home(live_server, page):
    demo_accounts_ensure()
    for role in Role:
        page.goto(f"{live_server.url}/accounts/login/")
        expect(page.locator(".demo-banner")).to_be_visible()
        page.get_by_label("Email").fill(demo_email(role))
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        assert str(Role(role).label) in page.locator("body").inner_text(), role
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(f"{live_server.url}/accounts/login/")


def test_wrong_password_keeps_the_email_and_focuses_the_form(live_server, page, make_user):
    user = make_user()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill("wrong password here")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert page.get_by_label("Email").input_value() == user.email
