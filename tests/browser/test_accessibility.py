"""Accessibility beyond axe (issue 10, item 10): a focus ring anyone can see (computed outline with
at least 3:1 contrast against the page), the triage answer announced through a live region that the
htmx swap fills, no empty table headers on the quality lead's queue, accreditation bodies spelled out
in text. axe-core itself runs on every page of every role in test_phone_sweep.py."""

import datetime
import re

import pytest
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from medijourney.accounts.roles import Role
from medijourney.accounts.services import DEMO_PASSWORD, demo_accounts_ensure, demo_email
from medijourney.catalog.tests.factories import ProcedureFactory, specialty
from medijourney.network.models import AccreditationBody, VerificationStatus
from medijourney.network.tests.factories import AccreditationFactory, in_network_hospital

from .axe import axe_context, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _rgb(css: str) -> tuple[float, float, float]:
    parts = [float(x) for x in re.findall(r"[\d.]+", css)[:3]]
    return parts[0], parts[1], parts[2]


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(_rgb(a)), _luminance(_rgb(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# The outline and what it is drawn on: the first opaque background around the element (white if none).
FOCUS_STYLE = r"""(el) => { const s = getComputedStyle(el);
  let page = 'rgb(255, 255, 255)';
  for (let e = el.parentElement; e; e = e.parentElement) {
    const bg = getComputedStyle(e).backgroundColor;
    if (bg && bg !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(bg)) { page = bg; break; } }
  return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor,
          matches: el.matches(':focus-visible'), page: page}; }"""


def _tab_to(page, locator, limit=40):
    """Press Tab until the locator has the focus (keyboard focus, as a keyboard user gets it)."""
    handle = locator.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(el) => document.activeElement === el", handle):
            return handle
    raise AssertionError(f"Tab never reached {locator}")


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}], ids=["1280", "390"]
)
def test_keyboard_focus_is_clearly_visible(live_server, browser, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    targets = {
        "link": page.locator("main a").first,
        "field": page.get_by_label("Email"),
        "button": page.get_by_role("button", name="Sign in"),  # a filled, coloured button
    }
    for what, locator in targets.items():
        before = locator.evaluate(FOCUS_STYLE)
        handle = _tab_to(page, locator)
        after = page.evaluate(FOCUS_STYLE, handle)
        assert after["matches"], what
        assert after["style"] == "solid" and after["width"] >= 2, (what, after)
        # The ring is drawn outside the element, on the page's background: 3:1 at least (WCAG 1.4.11).
        assert contrast(after["color"], after["page"]) >= 3, (what, after)
        assert (before["style"], before["width"]) != (after["style"], after["width"]), (what, before, after)
    context.close()


def test_the_triage_answer_is_announced(live_server, browser):
    ProcedureFactory(slug="ivf-cycle", name="IVF cycle", specialty=specialty("obgyn_fertility"))
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/triage/")
    status = page.locator("#triage-status")
    assert status.get_attribute("aria-live") == "polite" and status.get_attribute("role") == "status"
    page.evaluate("window.__liveRegion = document.getElementById('triage-status')")
    page.get_by_label("Describe your problem").fill("We have tried for a baby for three years, my AMH is low")
    page.get_by_role("button", name="Suggest a specialty").click()
    page.locator(".triage-result").wait_for()
    expect(status).to_contain_text("Obstetrics, gynaecology and fertility")
    # The region was in the page before the answer came (a new region would not be announced).
    assert page.evaluate("window.__liveRegion === document.getElementById('triage-status')")
    assert page.locator("#triage-status").count() == 1
    # An empty text is announced too: the screen reader user hears that something needs fixing.
    page.get_by_label("Describe your problem").fill("")
    page.get_by_role("button", name="Suggest a specialty").click()
    expect(status).to_contain_text("Please check what you typed")
    context.close()


@override_settings(DEMO_MODE=True)
def test_quality_lead_queue_has_named_headers_and_spelled_out_bodies(live_server, browser):
    demo_accounts_ensure()
    AccreditationBody.objects.create(code="JCI", short_name="JCI", name="Joint Commission International",
                                     admits_to_network=True)  # fmt: skip
    hospital = in_network_hospital(name="Queue Test Hospital")
    AccreditationFactory(
        hospital=hospital,
        body=AccreditationBody.objects.get(code="JCI"),
        number="JCI-TEST-1",
        verification_status=VerificationStatus.PENDING,
        verified_at=None,
    )
    AccreditationFactory(
        hospital=hospital, number="H-EXPIRING", valid_to=timezone.localdate() + datetime.timedelta(days=20)
    )
    context = axe_context(browser, {"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(demo_email(Role.QUALITY_LEAD))
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/network/queue/")
    headers = page.locator("main table th")
    expect(headers.first).to_be_visible()
    texts = [t.strip() for t in headers.all_text_contents()]
    assert texts and all(texts), f"empty table header on the queue: {texts}"
    expect(page.locator("main")).to_contain_text("JCI (Joint Commission International) JCI-TEST-1")
    assert [v["id"] for v in axe_violations(page)] == []
    # The hospital's public page spells the body out in text too, not only in a tooltip.
    page.goto(f"{live_server.url}/hospitals/{hospital.public_id}/")
    expect(page.locator("main")).to_contain_text("NABH (NABH body)")
    context.close()
