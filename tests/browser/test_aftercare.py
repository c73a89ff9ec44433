"""Browser test of aftercare: the demo patient, home from a knee replacement, answers the day-7
check-in with a fever of 38.9 °C → sees the urgent-care message with her country's emergency
number → the case manager sees the escalation and acknowledges it. Pages at 1280 and 390 px.
(The unacknowledged escalation reaching the leads after an hour is tested with a frozen clock in
medijourney/aftercare/tests/test_checkins.py.)"""

from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from medijourney.accounts.roles import Role
from medijourney.accounts.services import DEMO_PASSWORD, demo_email
from medijourney.aftercare.demo import DEMO_PATIENT, aftercare_demo_setup
from medijourney.aftercare.models import CheckIn, Escalation, FollowUp
from medijourney.aftercare.tests.test_demo import demo_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp")


def sign_in(browser, base, email, width=1280):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return page


def _no_overflow(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _phone_pages(browser, base, reference, item, follow_up) -> None:
    phone = sign_in(browser, base, DEMO_PATIENT, width=390)
    phone.goto(f"{base}/my/follow-up/{reference}/")
    expect(phone.get_by_role("heading", name="Your follow-up check-ins")).to_be_visible()
    _no_overflow(phone)
    phone.screenshot(path=str(SHOTS / "aftercare-follow-up-390.png"), full_page=True)
    phone.goto(f"{base}/my/check-ins/{item.public_id}/")
    expect(phone.get_by_role("heading", name="Your day-7 check-in")).to_be_visible()
    _no_overflow(phone)
    phone.screenshot(path=str(SHOTS / "aftercare-answers-390.png"), full_page=True)
    phone.goto(f"{base}/reviews/hospital/{follow_up.hospital.public_id}/")
    expect(phone.get_by_text("demo figures").first).to_be_visible()
    _no_overflow(phone)
    phone.screenshot(path=str(SHOTS / "aftercare-reviews-390.png"), full_page=True)


@override_settings(DEMO_MODE=True, RATE_LIMITS_ENABLED=False)
def test_fever_at_day_7_urgent_message_and_the_case_manager_acknowledges(live_server, browser):
    demo_world()
    aftercare_demo_setup()
    base = live_server.url
    follow_up = FollowUp.objects.get(is_demo=True, case__isnull=False)
    assert follow_up.case is not None
    reference = follow_up.case.reference

    # 1. The patient opens her follow-up from her case page and answers the day-7 check-in.
    page = sign_in(browser, base, DEMO_PATIENT)
    page.goto(f"{base}/my/cases/{reference}/")
    page.get_by_role("link", name="Your follow-up check-ins after returning home").click()
    expect(page.get_by_role("heading", name="Your follow-up check-ins")).to_be_visible()
    page.screenshot(path=str(SHOTS / "aftercare-follow-up-1280.png"), full_page=True)
    page.get_by_role("button", name="Answer now").click()
    expect(page.get_by_role("heading", name="Your day-7 check-in")).to_be_visible()
    expect(page.get_by_text("not a validated score").first).to_be_visible()
    page.get_by_label("Pain now, from 0 (none) to 10 (worst imaginable)").fill("4")
    page.get_by_label("Temperature in °C, if you measured it").fill("38.9")
    page.get_by_label("Dry and closed").check()
    page.get_by_label("As usual").check()
    page.get_by_label("About the same").check()
    page.locator("#id_satisfaction_3").check()
    page.screenshot(path=str(SHOTS / "aftercare-check-in-1280.png"), full_page=True)
    page.get_by_role("button", name="Send my answers").click()

    # 2. The urgent-care message, with Nigeria's emergency number, before anything else.
    expect(page.get_by_role("heading", name="Please get medical help now")).to_be_visible()
    expect(page.locator("#urgent")).to_contain_text("Call 199 now")
    expect(page.locator("#urgent")).to_contain_text("Temperature of 38.5 °C or more")
    page.screenshot(path=str(SHOTS / "aftercare-urgent-1280.png"), full_page=True)
    item = CheckIn.objects.get(follow_up=follow_up, day=7)
    escalation = Escalation.objects.get(check_in=item)

    # 3. The case manager sees the escalation and acknowledges it.
    staff = sign_in(browser, base, demo_email(Role.CASE_MANAGER))
    staff.goto(f"{base}/aftercare/escalations/")
    expect(staff.get_by_text("waiting for acknowledgement")).to_be_visible()
    staff.get_by_role("link", name="Day-7 check-in").click()
    expect(staff.get_by_role("heading", name="Red flag in the day-7 check-in")).to_be_visible()
    staff.get_by_role("button", name="Acknowledge").click()
    expect(staff.locator("#acknowledged")).to_be_visible()
    staff.screenshot(path=str(SHOTS / "aftercare-escalation-1280.png"), full_page=True)
    escalation.refresh_from_db()
    assert escalation.acknowledged_at is not None

    # 4. The same pages on a phone.
    _phone_pages(browser, base, reference, item, follow_up)
