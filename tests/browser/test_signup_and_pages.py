"""Browser tests (issue 10, items 8 and 15): a visitor signs up, confirms the emailed link,
chooses a password and saves a search, then finds and deletes it under Saved searches; the text
pages are linked from the footer and fit a phone; the patient reads their case's timeline and a
case manager's reply updates the timeline without a reload. At 1280 px and 390 px. With
UXPAGES_SHOTS=<folder> each step is also saved as a screenshot."""

import os
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from playwright.sync_api import expect

from medijourney.accounts.roles import Role
from medijourney.accounts.tests.factories import UserFactory
from medijourney.cases.models import Stage
from medijourney.cases.services import case_transition, message_send, note_add
from medijourney.cases.tests.factories import case_manager, make_case
from medijourney.discovery import reference
from medijourney.discovery.selectors import clear_caches
from medijourney.discovery.tests.world import standard_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = [1280, 390]
SHOTS = os.environ.get("UXPAGES_SHOTS", "")


@pytest.fixture(autouse=True)
def _fresh_caches():
    reference.clear()
    clear_caches()
    yield
    reference.clear()
    clear_caches()


def shot(page, name: str, width: int) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}-{width}.png"), full_page=True)


def fits(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the viewport"


@pytest.mark.parametrize("width", WIDTHS)
def test_sign_up_confirm_and_save_a_search(live_server, page, run_tasks, width):
    page.set_viewport_size({"width": width, "height": 900})
    world = standard_world()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Create a patient account").click()
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    fits(page)
    shot(page, "signup", width)
    page.get_by_label("Your name").fill("Nadia Example")
    page.get_by_label("Email").fill(f"nadia{width}@example.org")
    page.get_by_role("button", name="Send me the link").click()
    expect(page.get_by_test_id("signup-sent")).to_contain_text(f"nadia{width}@example.org")
    shot(page, "signup-sent", width)

    run_tasks()
    link = re.search(r"https?://[^/\s]+(/accounts/signup/confirm/\?token=\S+)", mail.outbox[-1].body).group(1)
    page.goto(f"{live_server.url}{link}")
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    fits(page)
    shot(page, "signup-confirm", width)
    page.locator("#id_new_password1").fill("a long passphrase for tests 42")
    page.locator("#id_new_password2").fill("a long passphrase for tests 42")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("Your account is ready")).to_be_visible()

    page.goto(f"{live_server.url}/search/?procedure={world.procedure.slug}&origin=GB&currency=GBP")
    expect(page.locator(".summary")).to_contain_text("3 results for Total knee replacement")
    page.get_by_role("button", name="Save this search").click()
    expect(page.get_by_text("Search saved.")).to_be_visible()
    page.goto(f"{live_server.url}/my/searches/")
    saved = page.get_by_test_id("saved-search")
    expect(saved).to_have_count(1)
    expect(saved.first).to_contain_text("Total knee replacement")
    fits(page)
    shot(page, "saved-searches", width)
    saved.first.get_by_role("link").click()
    expect(page.locator(".summary")).to_contain_text("3 results for Total knee replacement")
    page.goto(f"{live_server.url}/my/searches/")
    page.get_by_role("button", name=re.compile("^Delete")).click()
    expect(page.get_by_test_id("no-saved-searches")).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_footer_leads_to_each_text_page_and_each_fits(live_server, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/")
    for label, heading, name in [
        ("About", "About MediJourney", "about"),
        ("Privacy", "Privacy notice", "privacy"),
        ("Terms", "Terms of use", "terms"),
        ("Reviews", "How reviews are verified", "reviews"),
        ("Contact", "Contact", "contact"),
    ]:
        page.locator("footer.site-footer").get_by_role("link", name=label, exact=True).click()
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        expect(page.get_by_test_id("last-updated")).to_contain_text("Last updated:")
        fits(page)
        shot(page, f"page-{name}", width)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_patient_reads_the_timeline_and_a_reply_updates_it_without_a_reload(live_server, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    patient = UserFactory(role=Role.PATIENT, full_name="Pat Example")
    manager = case_manager(full_name="Carla Manager")
    case = make_case(patient=patient, assigned_to=manager, procedure_requested="Total knee replacement")
    note_add(case=case, author=manager, body="Internal only: check the insurance letter")
    message_send(case=case, author=manager, body="Hello, I am your case manager.")
    case_transition(case=case, to=Stage.IN_REVIEW, actor=manager)

    # The patient: the list in words, then the case's timeline without the internal note.
    page.context.add_cookies([_session_cookie(live_server, patient)])
    page.goto(f"{live_server.url}/my/cases/")
    card = page.get_by_test_id("my-case").first
    expect(card).to_contain_text("Total knee replacement")
    expect(card).to_contain_text("Stage: In review")
    fits(page)
    shot(page, "my-cases", width)
    card.get_by_role("link", name="Total knee replacement").click()
    timeline = page.get_by_test_id("patient-timeline")
    expect(timeline).to_contain_text("We received your inquiry")
    expect(timeline).to_contain_text("Your case moved on: In review")
    expect(timeline).not_to_contain_text("note")
    fits(page)
    shot(page, "my-case", width)
    page.locator("#message_body").fill("Thank you, here are my questions.")
    page.get_by_role("button", name="Send to my case team").click()
    expect(timeline.locator("li").last).to_contain_text("Message from you")

    # The case manager replies: the timeline gains the row without a reload.
    page.context.clear_cookies()
    page.context.add_cookies([_session_cookie(live_server, manager)])
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    staff_timeline = page.locator("#timeline .timeline li")
    before = staff_timeline.count()
    page.evaluate("window.__notReloaded = true")
    page.locator("#message_body").fill("Thanks, I will call you tomorrow.")
    page.get_by_role("button", name="Send to the patient").click()
    expect(page.locator("#messages .thread")).to_contain_text("I will call you tomorrow")
    expect(staff_timeline).to_have_count(before + 1)
    assert page.evaluate("window.__notReloaded") is True
    shot(page, "case-manager-case", width)
    page.goto(f"{live_server.url}/cases/board/")
    fits(page)
    shot(page, "board", width)


def _session_cookie(live_server, user):
    """A signed-in session for ``user`` (staff: second factor passed), as a browser cookie."""
    client = Client()
    client.force_login(user)
    return {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": live_server.url}  # fmt: skip
