"""The 390 px sweep (issue 10, item 9): every role signs in through the login page and visits every
page it can reach, collected from the URL conf (each route with sample objects from the demo data: a
case, a quote request, a hospital, compare with three hospitals ...), at 390x844. A page fails when
the document is wider than the screen (the widest element is named) or when the header is taller
than a phone's bar. At 1280 px the header is one line for every role.

The data is the real demo: the reference data the demo needs is imported (the catalogue, visa rules,
ECB rates), then `demo_setup` makes the accounts, the fictional "Demo …" hospitals, cases and quotes.

Routes that are not pages (POST-only actions, downloads, JSON) are listed in NOT_PAGES with the
reason; a route that is neither sampled nor listed fails the test, so a new page cannot be missed."""

import io
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from medijourney.accounts.models import User
from medijourney.accounts.navigation import navigation_for
from medijourney.accounts.roles import Role
from medijourney.accounts.services import DEMO_PASSWORD, demo_email
from medijourney.aftercare.models import Escalation, FollowUp
from medijourney.demo.services import demo_setup
from medijourney.discovery import reference
from medijourney.discovery.selectors import clear_caches
from medijourney.exchange.models import CasePresentation, OpinionRequest, Programme, Session
from medijourney.journeys.models import InvitationLetter, Journey
from medijourney.network.models import Accreditation, Doctor, DoctorLicence, Hospital, Offer, PendingChange
from medijourney.privacy.models import ErasureRequest
from medijourney.privacy.services import erasure_request_create
from medijourney.quotes.models import CommissionAgreement, Quote, QuoteRequest, RequestStatus

from .axe import axe_context, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PHONE_HEADER_MAX = 80  # px: the brand and the Menu button, one bar
DESKTOP_HEADER_MAX = 80  # px: one line of entries
REFERENCE = ["countries", "specialties", "airports", "visa", "fx", "fit_to_fly", "procedures", "reference_prices",
             "accreditation_bodies"]  # fmt: skip
SKIPPED_PREFIXES = ("admin/", "api/", "i18n/")  # Django's admin, the JSON API, the language switch (POST)

NOT_PAGES = {
    "healthz": "JSON health check",
    "readyz": "JSON health check (readiness)",
    "livez": "JSON health check (liveness)",
    "insights:chart": "SVG image (shown inside the figures dashboard, which is swept)",
    "insights:csv": "CSV download",
    "accounts:logout": "POST-only action",
    "cases:note_add": "POST-only action",
    "cases:task_add": "POST-only action",
    "cases:task_toggle": "POST-only action",
    "cases:stage": "POST-only action",
    "cases:reassign": "POST-only action",
    "cases:message_send": "POST-only action",
    "cases:document_upload": "POST-only action",
    "cases:document_download": "file download",
    "network:evidence": "file download",
    "network:hospital_suspend": "POST-only action",
    "network:hospital_reinstate": "POST-only action",
    "privacy:my_data_export": "file download",
    "discovery:search_save": "POST-only action (its 405 error page interrupts the next visit)",
    "discovery:saved_search_delete": "POST-only action (the button is on the saved searches page)",
    "quotes:consent_revoke": "POST-only action",
    "quotes:accept": "POST-only action",
    "quotes:ask_consent": "POST-only action",
    "quotes:withdraw": "POST-only action",
    "quotes:final_bill": "POST-only action (the form is on the case's quotes panel)",
    "quotes:partner_export": "CSV download",
    "quotes:partner_document": "file download",
    "quotes:partner_decline": "POST-only action",
    "quotes:partner_quote": "POST-only action (the form is on the request's page)",
    "exchange:assign": "POST-only action (the form is on the case's second-opinions panel)",
    "exchange:answer": "POST-only action (the form is on the case's second-opinions panel)",
    "exchange:opinion_document": "file download",
    "exchange:invite": "POST-only action (the form is on the programme's page)",
    "exchange:session_new": "POST-only action (the form is on the programme's page)",
    "exchange:certificate": "PDF download",
    "exchange:session_ics": "calendar (.ics) download",
    "exchange:slides": "PDF download",
    "exchange:attendance": "POST-only action (the form is on the session's page)",
    "exchange:present": "POST-only action (the form is on the session's page)",
    "exchange:recommend": "POST-only action (the form is on the presentation's page)",
    "journeys:move": "POST-only action (the form is on the itinerary)",
    "journeys:confirm": "POST-only action (the button is on the itinerary)",
    "journeys:record": "POST-only action (the button is on the itinerary)",
    "journeys:passport": "POST-only action (the form is on the itinerary)",
    "journeys:letter": "POST-only action (the form is on the itinerary)",
    "journeys:feed": "POST-only action (the button is on the itinerary)",
    "journeys:companion": "POST-only action (the form is on the itinerary)",
    "journeys:upload": "POST-only action (the form is on the itinerary's checklist)",
    "journeys:check": "POST-only action (the button is on the itinerary's checklist)",
    "journeys:letter_pdf": "PDF download",
    "journeys:itinerary_pdf": "PDF download",
    "journeys:itinerary_ics": "calendar (.ics) download",
    "journeys:feed_public": "calendar (.ics) feed",
    "interop:link_revoke": "POST-only action (the button is on the links page)",
    "interop:ips_download": "FHIR JSON download",
    "interop:viewer_content": "JSON (the viewer's ciphertext, POST)",
    "interop:viewer_reply": "POST-only action (the form is on the viewer page)",
    "aftercare:add": "POST-only action (the form is on the follow-up page)",
    "aftercare:move": "POST-only action (the form is on the follow-up page)",
    "aftercare:skip": "POST-only action (the form is on the follow-up page)",
    "aftercare:review_reply": "POST-only action (the form is on the reviews page)",
    "aftercare:review_redact": "POST-only action (the form is on the reviews page)",
}

# Widest element that makes the page wider than the screen: elements inside a box that scrolls or
# clips sideways do not widen the page and are left out.
MEASURE = """() => {
  const vw = document.documentElement.clientWidth;
  const clipped = (el) => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX; if (o !== 'visible') return true; } return false; };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  let worst = null;
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= vw + 1 || clipped(el)) continue;
    if (!worst || r.right > worst.right) {
      const path = []; for (let e = el; e && e !== document.body && path.length < 4; e = e.parentElement) path.unshift(name(e));
      worst = {right: Math.round(r.right), element: path.join(' > ')};
    }
  }
  const header = document.querySelector('body > header');
  return {scrollWidth: document.documentElement.scrollWidth, viewport: vw, widest: worst,
          header: header ? Math.round(header.getBoundingClientRect().height) : null,
          landmarks: ['body > header', 'main', 'body > footer'].every((s) => document.querySelector(s))};
}"""


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    reference.clear()
    clear_caches()
    yield
    reference.clear()
    clear_caches()


def _routes() -> Iterator[tuple[str, list[str]]]:
    """(URL name with namespace, its parameters) for every named route outside SKIPPED_PREFIXES."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str, list[str]]]:
        for p in patterns:
            route = prefix + str(p.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, route, ns)
            elif isinstance(p, URLPattern) and p.name:
                yield f"{namespace}{p.name}", list(p.pattern.converters) if hasattr(p.pattern, "converters") else []

    yield from walk(get_resolver().url_patterns, "", "")


def _samples() -> dict[str, list[dict[str, Any]]]:
    """Keyword arguments for each route with parameters, from the demo data."""
    quote = Quote.objects.select_related("request__case", "request__hospital").first()
    assert quote is not None, "the demo made no quote"
    case = quote.request.case
    partner = User.objects.get(email=demo_email(Role.PARTNER))
    desk_hospital = Hospital.objects.filter(memberships__user=partner).first() or quote.request.hospital
    waiting = QuoteRequest.objects.filter(hospital=desk_hospital).exclude(status=RequestStatus.DECLINED).first()
    asked = waiting or quote.request
    doctor = Doctor.objects.filter(hospital=desk_hospital).first()
    offer = Offer.objects.filter(hospital=desk_hospital).first()
    patient = User.objects.get(email=demo_email(Role.PATIENT))
    erasure = ErasureRequest.objects.first() or erasure_request_create(patient=patient, reason="Sweep test")
    # Exchange: the demo's second opinions (one answered, one pending) and its tele-mentoring programme.
    opinions = list(OpinionRequest.objects.select_related("case").order_by("created_at"))
    assert opinions, "the demo made no second-opinion request"
    programme = Programme.objects.first()
    assert programme is not None, "the demo made no tele-mentoring programme"
    sessions = list(Session.objects.filter(programme=programme).order_by("starts_at"))
    presentation = CasePresentation.objects.order_by("created_at").first()
    # Journeys: the demo's itinerary (Jonas's bypass case) and its visa letter.
    journey = Journey.objects.select_related("case").first()
    assert journey is not None, "the demo made no journey"
    letter = InvitationLetter.objects.order_by("created_at").first()
    # Aftercare: the demo follow-up (Grace Demo, home from a knee replacement; her own pages answer
    # 404 to the sweep's patient, whose case it is not: tests/browser/test_aftercare.py sweeps them at 390 px).
    follow_up = FollowUp.objects.select_related("case", "hospital").filter(case__isnull=False, is_demo=True).first()
    assert follow_up is not None and follow_up.case is not None, "the demo made no follow-up"
    escalations = list(Escalation.objects.all()[:1])
    samples: dict[str, list[dict[str, Any]]] = {
        "accounts:password_reset_confirm": [{"uidb64": "MQ", "token": "not-a-real-token"}],
        "cases:inquiry_confirm": [{"token": "not-a-real-token"}],
        "cases:detail": [{"reference": case.reference}],
        "cases:my_case": [{"reference": case.reference}],
        "catalog:procedure_detail": [{"slug": "knee-replacement"}],
        "network:hospital_detail": [
            {"public_id": quote.request.hospital.public_id},
            {"public_id": desk_hospital.public_id},
        ],
        "network:country_detail": [{"code": desk_hospital.country_id}],
        "network:staff_hospital_detail": [{"public_id": desk_hospital.public_id}],
        "network:accreditation_review": [
            {"public_id": a.public_id}
            for a in Accreditation.objects.filter(hospital=desk_hospital).order_by("verification_status")[:1]
        ],
        "network:licence_review": [{"public_id": lic.public_id} for lic in DoctorLicence.objects.all()[:1]],
        "network:change_review": [{"public_id": c.public_id} for c in PendingChange.objects.all()[:1]],
        "network:my_doctor_edit": [{"public_id": doctor.public_id}] if doctor else [],
        "network:my_licence_new": [{"public_id": doctor.public_id}] if doctor else [],
        "network:my_offer_edit": [{"public_id": offer.public_id}] if offer else [],
        "privacy:erasure_decide": [{"public_id": erasure.public_id}],
        "quotes:consents": [{"reference": case.reference}],
        "quotes:compare": [{"reference": case.reference}],
        "quotes:case_quotes": [{"reference": case.reference}],
        "quotes:partner_request": [{"public_id": asked.public_id}],
        "quotes:commission_end": [{"public_id": c.public_id} for c in CommissionAgreement.objects.all()[:1]],
        "exchange:my_opinions": [{"reference": o.case.reference} for o in opinions],
        "exchange:case_opinions": [{"reference": o.case.reference} for o in opinions],
        "exchange:opinion": [{"public_id": o.public_id} for o in opinions],
        "exchange:invitation": [{"token": "not-a-real-token"}],
        "exchange:programme": [{"public_id": programme.public_id}],
        "exchange:figures": [{"public_id": programme.public_id}],
        "exchange:session": [{"public_id": sessions[0].public_id}, {"public_id": sessions[-1].public_id}],
        "exchange:presentation": [{"public_id": presentation.public_id}] if presentation else [],
        "journeys:for_case": [{"reference": journey.case.reference}],
        "journeys:detail": [{"journey_id": journey.public_id}],
        "journeys:shared": [{"token": "not-a-real-token"}],
        "verify": [{"code": letter.code}] if letter else [{"code": "NOT-A-CODE"}],
        "interop:for_case": [{"reference": journey.case.reference}],
        "interop:summary": [{"journey_id": journey.public_id}],
        "interop:write": [{"journey_id": journey.public_id}],
        "interop:home_record": [{"reference": journey.case.reference}],
        "interop:links": [{"reference": journey.case.reference}],
        "interop:viewer": [{"token": "not-a-real-token"}],
        "aftercare:my_follow_up": [{"reference": follow_up.case.reference}],
        "aftercare:review_write": [{"reference": follow_up.case.reference}],
        "aftercare:check_in": [{"check_in_id": c.public_id} for c in follow_up.check_ins.all()[:2]],
        "aftercare:case": [{"reference": follow_up.case.reference}],
        "aftercare:escalation": [{"escalation_id": e.public_id} for e in escalations],
        "aftercare:hospital_reviews": [{"public_id": follow_up.hospital.public_id}],
    }
    return samples


def _urls() -> list[tuple[str, str]]:
    """(name, path) for every page, plus pages that need a query: search with results."""
    samples = _samples()
    urls: list[tuple[str, str]] = []
    unclassified = []
    for name, params in _routes():
        if name in NOT_PAGES:
            continue
        if not params:
            urls.append((name, reverse(name)))
        elif name in samples:
            urls.extend((name, reverse(name, kwargs=kwargs)) for kwargs in samples[name])
        else:
            unclassified.append(name)
    assert not unclassified, f"routes with neither a sample nor a reason in NOT_PAGES: {unclassified}"
    urls.append(("search with results", "/search/?procedure=knee-replacement&origin=NG&origin_city=Lagos"))
    urls.append(("search in free text", "/search/?q=my+knee+is+worn+out&origin=GB"))
    return urls


def _axe(page: Any, role_name: str, label: str, failures: list[str]) -> None:
    """axe-core finds nothing (not even `region`: every page has header, main and footer landmarks)."""
    for v in axe_violations(page):
        failures.append(
            f"{role_name} · {label} ({page.url}): axe {v['id']} ({v['impact']}): {v['help']} at {v['nodes']}"
        )


def _sign_in(browser: Any, base: str, role: Role | None, viewport: dict[str, int]) -> tuple[Any, Any]:
    context = axe_context(browser, viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    if role is not None:
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("Email").fill(demo_email(role))
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator("body > header form button", has_text="Sign out")).to_be_attached()
    return context, page


def _compare_three(page: Any, base: str) -> str:
    """Compare with three hospitals, reached as a patient would: tick three results, press Compare."""
    page.goto(f"{base}/search/?procedure=knee-replacement&origin=NG&origin_city=Lagos")
    boxes = page.locator("input[name=offers]")
    assert boxes.count() >= 3, "the demo search has fewer than three results to compare"
    for i in range(3):
        boxes.nth(i).check()
    page.locator("#compare-form button[type=submit]").click()
    expect(page.locator("table.compare thead th[scope=col]")).to_have_count(3)
    return page.url


def _check(page: Any, role_name: str, label: str, failures: list[str]) -> dict[str, Any]:
    m = page.evaluate(MEASURE)
    where = f"{role_name} · {label} ({page.url})"
    if m["scrollWidth"] > m["viewport"]:
        failures.append(f"{where}: {m['scrollWidth']} px wide on a {m['viewport']} px screen; widest: {m['widest']}")
    if m["header"] is None or m["header"] > PHONE_HEADER_MAX:
        failures.append(f"{where}: header {m['header']} px tall (at most {PHONE_HEADER_MAX})")
    if not m["landmarks"]:
        failures.append(f"{where}: a header, main or footer landmark is missing")
    return m


def _visit(page: Any, base: str, path: str, where: str, failures: list[str]) -> bool:
    """Open ``path``; True when it is an HTML page this role reaches (a 5xx is a failure)."""
    try:
        response = page.goto(base + path)
    except PlaywrightError:  # an empty error answer (405 to a GET) is not a page
        return False
    if response is not None and response.status >= 500:
        failures.append(f"{where} ({path}): server error {response.status}")
        return False
    # Not a page this role can reach (403, 404, 405) or not a page at all.
    return response is not None and response.status == 200 and "text/html" in response.headers.get("content-type", "")


@dataclass
class Sweep:
    """One run of the sweep: where it goes, what it found, what it has measured with axe."""

    base: str
    urls: list[tuple[str, str]]
    failures: list[str] = field(default_factory=list)
    axe_done: set[str] = field(default_factory=set)
    shots: str | None = None

    def role(self, page: Any, role: Role | None, role_name: str) -> set[str]:
        """Every page of ``urls`` the role reaches, measured once each (a redirect target once)."""
        seen: set[str] = set()
        for label, path in self.urls:
            if not _visit(page, self.base, path, f"{role_name} · {label}", self.failures):
                continue
            redirected = page.url != self.base + path
            parts = urlsplit(page.url)
            key = parts.path if redirected or not parts.query else f"{parts.path}?{parts.query}"  # login?next=… once
            if key in seen:
                continue  # a redirect to a page already measured
            seen.add(key)
            started = time.monotonic()
            _check(page, role_name, label, self.failures)
            axe_key = key if redirected else label
            if axe_key not in self.axe_done:  # axe once per page (slow); the width for every role
                self.axe_done.add(axe_key)
                _axe(page, role_name, label, self.failures)
            if os.environ.get("SWEEP_VERBOSE"):
                print(f"{role_name} · {label}: measured in {time.monotonic() - started:.1f} s", flush=True)
            if self.shots:
                page.screenshot(path=f"{self.shots}/sweep-{role or 'anonymous'}-{label.replace(':', '-')}-390.png")
        return seen


def _navigation_not_measured(role: Role, seen: set[str]) -> set[str]:
    """Entries of the role's navigation that are not among the pages measured."""
    user = User.objects.get(email=demo_email(role))
    nav = {item["url"] for item in navigation_for(user)}
    return {u for u in nav if not any(s.startswith(u) for s in seen)}


@override_settings(DEMO_MODE=True, RATE_LIMITS_ENABLED=False)
def test_every_page_of_every_role_fits_a_phone(live_server, browser):
    call_command("import_reference_data", "--only", *REFERENCE, "--no-progress", stdout=io.StringIO())
    demo_setup()
    sweep = Sweep(base=live_server.url, urls=_urls(), shots=os.environ.get("SCREENSHOT_DIR"))
    visited_by_role: dict[str, int] = {}
    only = os.environ.get("SWEEP_ROLES")  # e.g. SWEEP_ROLES=partner,anonymous while fixing one role's pages
    for role in [None, *Role]:
        if only and str(role or "anonymous") not in only.split(","):
            continue
        role_name = str(role.label) if role else "anonymous"
        context, page = _sign_in(browser, sweep.base, role, PHONE)
        seen = sweep.role(page, role, role_name)
        _compare_three(page, sweep.base)
        _check(page, role_name, "compare (3 hospitals)", sweep.failures)
        _axe(page, role_name, "compare (3 hospitals)", sweep.failures)
        if role is not None and (missing := _navigation_not_measured(role, seen)):
            sweep.failures.append(f"{role_name}: navigation entries not measured: {sorted(missing)}")
        visited_by_role[role_name] = len(seen)
        context.close()
    assert not sweep.failures, f"{len(sweep.failures)} problem(s) at 390 px:\n" + "\n".join(sweep.failures)
    # The sweep really reached each role's pages (the numbers go to the report).
    print("pages measured at 390 px per role:", visited_by_role)
    assert all(n >= 10 for n in visited_by_role.values()), visited_by_role
    if not only:
        assert visited_by_role[str(Role.QUALITY_LEAD.label)] > visited_by_role["anonymous"]


@override_settings(DEMO_MODE=True, RATE_LIMITS_ENABLED=False)
def test_the_header_is_one_line_on_a_desktop_and_a_short_bar_on_a_phone(live_server, browser):
    from medijourney.accounts.services import demo_accounts_ensure

    demo_accounts_ensure()
    base = live_server.url
    for role in Role:
        context, page = _sign_in(browser, base, role, DESKTOP)
        header = page.locator("body > header")
        height = header.bounding_box()["height"]
        assert height <= DESKTOP_HEADER_MAX, f"{role.label}: header {height} px tall at 1280 px: more than one line"
        expect(header.get_by_role("button", name="Sign out")).to_be_visible()  # no Menu toggle needed
        expect(header.locator(".nav-toggle")).to_be_hidden()
        context.close()
        # On a phone: one bar; the menu opens (no JavaScript needed: <details>) and holds every entry.
        context, page = _sign_in(browser, base, role, PHONE)
        header = page.locator("body > header")
        assert header.bounding_box()["height"] <= PHONE_HEADER_MAX
        expect(header.get_by_role("button", name="Sign out")).to_be_hidden()
        header.locator(".nav-toggle").click()
        expect(header.get_by_role("button", name="Sign out")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        context.close()


@override_settings(DEMO_MODE=True, RATE_LIMITS_ENABLED=False)
def test_the_phone_menu_works_without_javascript(live_server, browser):
    from medijourney.accounts.services import demo_accounts_ensure

    demo_accounts_ensure()
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(demo_email(Role.QUALITY_LEAD))
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    header = page.locator("body > header")
    header.locator(".nav-toggle").click()
    header.locator("summary", has_text="Network").click()
    link = header.get_by_role("link", name="All hospitals")
    expect(link).to_be_visible()
    link.click()
    page.wait_for_url(f"{live_server.url}/network/hospitals/")
    context.close()
