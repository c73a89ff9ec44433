"""Browser test of the journey: the patient accepts a quote → the case manager opens the draft
itinerary and moves the procedure date (the dependent steps move) → the hospital confirms the
admission and issues the invitation letter → the patient downloads the PDF and the .ics → the
public verification page confirms the letter; re-issuing revokes the old code. Then the itinerary
page at 390 px (no horizontal overflow)."""

import datetime
import io
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings
from icalendar import Calendar
from playwright.sync_api import expect
from pypdf import PdfReader

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.accounts.services import DEMO_PASSWORD, demo_accounts_ensure, demo_email
from medijourney.cases.models import Stage
from medijourney.cases.tests.factories import make_case
from medijourney.catalog.tests.factories import AirportFactory, specialty
from medijourney.core.dates import day_text
from medijourney.journeys.models import InvitationLetter, Journey, StepKind
from medijourney.network.tests.factories import DoctorFactory, LicenceFactory, in_network_hospital, membership
from medijourney.quotes.tests.factories import answered, shared_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def sign_in(browser, base, role, width=1280):
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(demo_email(role))
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return page


def _download(page, name):
    with page.expect_download() as info:
        page.get_by_role("button", name=name).click()
    return Path(info.value.path()).read_bytes()


def _case_with_a_quote():
    """The demo patient's case with one answered quote from a hospital whose desk is the demo partner."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    demo_accounts_ensure()
    patient = User.objects.get(email=demo_email(Role.PATIENT))
    manager = User.objects.get(email=demo_email(Role.CASE_MANAGER))
    partner = User.objects.get(email=demo_email(Role.PARTNER))
    hospital = in_network_hospital(
        name="Journey Test Hospital", nearest_airport=AirportFactory(time_zone="Asia/Kolkata")
    )
    membership(partner, hospital)
    surgeon = DoctorFactory(hospital=hospital, full_name="Dr Journey Surgeon")
    surgeon.specialties.add(specialty("orthopedics"))  # only doctors of the procedure's specialty may quote
    LicenceFactory(doctor=surgeon)
    with transaction.atomic():
        case = make_case(patient=patient, assigned_to=manager, full_name="Grace Private")
        answered(shared_request(hospital=hospital, case=case))
    return case


def _manager_moves_the_procedure(browser, base, case, journey, steps):
    """The case manager opens the draft and moves the procedure by two days; returns the new days."""
    staff = sign_in(browser, base, Role.CASE_MANAGER)
    staff.goto(f"{base}/cases/{case.reference}/")
    staff.get_by_role("link", name="Journey: itinerary, letter, checklist").click()
    expect(staff.get_by_role("heading", name=f"Journey {journey.code}")).to_be_visible()
    proc = steps[StepKind.PROCEDURE]
    new_day = proc.day.toordinal() + 2

    moved_to = datetime.date.fromordinal(new_day)
    item = staff.locator("#step-procedure")
    item.locator(f"#id_s{proc.pk}-day").fill(moved_to.isoformat())
    item.get_by_role("button", name="Move").click()
    expect(staff.locator("#moved-note")).to_contain_text("Also moved by the same number of days")
    expect(staff.locator("#moved-note")).to_contain_text("Return flight")
    back = steps[StepKind.RETURN_FLIGHT].day + datetime.timedelta(days=2)
    expect(staff.get_by_test_id("when-return_flight")).to_contain_text(f"{back.day} {back:%b} {back.year}")
    expect(staff.locator("#step-discharge")).to_have_class("moved")
    staff.screenshot(path=str(SHOTS / "journey-manager-1280.png"), full_page=True)

    return moved_to, back


def _patient_enters_passport(page, base, journey):
    # 3. The patient enters their passport (needed for the letter).
    page.goto(f"{base}/journeys/{journey.public_id}/")
    page.get_by_label("Full name as in the passport").fill("Grace Private")
    page.get_by_label("Passport number").fill("P4455667")
    page.locator("#id_country").select_option("NG")
    page.get_by_label("Expiry date").fill("2035-01-31")
    page.get_by_role("button", name="Save passport").click()
    expect(page.get_by_text("Passport saved (stored encrypted).")).to_be_visible()
    expect(page.get_by_text("•••••667")).to_be_visible()


def _hospital_confirms_and_issues(browser, base, journey, case):
    # 4. The hospital confirms the admission and issues the letter.
    desk = sign_in(browser, base, Role.PARTNER)
    desk.goto(f"{base}/partner/journeys/")
    desk.get_by_role("link", name=journey.code).click()
    desk.get_by_role("button", name="Confirm Admission to hospital date").click()
    expect(desk.get_by_text("Date confirmed: Admission to hospital")).to_be_visible()
    desk.get_by_label("Signed by").fill("Dr R. Rao")
    desk.get_by_label("Signatory's title").fill("Medical Director")
    desk.get_by_role("button", name="Issue the invitation letter").click()
    expect(desk.get_by_text("Invitation letter issued: code")).to_be_visible()
    first = InvitationLetter.objects.get(journey=journey)
    case.refresh_from_db()
    assert case.stage == Stage.TRAVEL_PLANNING

    return desk, first


def _patient_downloads(page, base, journey, steps, moved_to, back, first):
    # 5. The patient downloads the itinerary PDF, the .ics and the letter.
    page.goto(f"{base}/journeys/{journey.public_id}/")
    pdf = _download(page, "Download PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert day_text(moved_to) in text and day_text(back) in text and "Journey Test Hospital" in text
    ics = Calendar.from_ical(_download(page, "Download calendar (.ics)"))
    events = {str(e["UID"]): e for e in ics.walk("VEVENT")}
    assert len(events) == 10
    proc = steps[StepKind.PROCEDURE]
    assert events[f"step-{proc.public_id}@medijourney"].decoded("DTSTART") == moved_to
    letter_text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(_download(page, "Invitation letter (PDF)"))).pages
    )
    assert first.code in letter_text and "P4455667" in letter_text


def _officer_checks_and_reissue_revokes(browser, base, desk, journey, first):
    # 6. A consular officer (no account) checks the code.
    officer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    officer.goto(f"{base}/verify/{first.code}")
    expect(officer.get_by_role("heading", name="This letter is genuine and current")).to_be_visible()
    body = officer.locator("main").inner_text()
    assert "Journey Test Hospital" in body and "667" in body and "Grace" not in body and "P4455667" not in body

    # 7. Re-issuing revokes the old code.
    desk.get_by_role("button", name="Re-issue (revokes the current letter)").click()
    expect(desk.get_by_text("Invitation letter issued: code")).to_be_visible()
    officer.goto(f"{base}/verify/{first.code}")
    expect(officer.get_by_role("heading", name="This letter was revoked")).to_be_visible()
    second = InvitationLetter.objects.get(journey=journey, revoked_at__isnull=True)
    officer.goto(f"{base}/verify/")
    officer.get_by_label("Verification code").fill(second.code)
    officer.get_by_role("button", name="Check").click()
    expect(officer.get_by_role("heading", name="This letter is genuine and current")).to_be_visible()


def _itinerary_on_a_phone(browser, base, journey, case):
    # 8. The itinerary at 390 px: no horizontal overflow, a way back.
    narrow = sign_in(browser, base, Role.PATIENT, width=390)
    narrow.goto(f"{base}/journeys/{journey.public_id}/")
    expect(narrow.get_by_role("heading", name=f"Journey {journey.code}")).to_be_visible()
    overflow = narrow.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"horizontal overflow of {overflow}px at 390 px"
    expect(narrow.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=case.reference)).to_be_visible()
    narrow.screenshot(path=str(SHOTS / "journey-patient-390.png"), full_page=True)


@override_settings(DEMO_MODE=True, RATE_LIMITS_ENABLED=False)
def test_accept_plan_itinerary_letter_verify(live_server, browser):
    base = live_server.url
    case = _case_with_a_quote()
    # 1. The patient accepts the quote.
    page = sign_in(browser, base, Role.PATIENT)
    page.goto(f"{base}/my/cases/{case.reference}/quotes/")
    page.get_by_role("button", name="Accept the plan from Journey Test Hospital").click()
    expect(page.get_by_text("You accepted the plan from Journey Test Hospital.")).to_be_visible()
    journey = Journey.objects.get(case=case)
    steps = {s.kind: s for s in journey.steps.all()}

    moved_to, back = _manager_moves_the_procedure(browser, base, case, journey, steps)
    _patient_enters_passport(page, base, journey)
    desk, first = _hospital_confirms_and_issues(browser, base, journey, case)
    _patient_downloads(page, base, journey, steps, moved_to, back, first)
    _officer_checks_and_reissue_revokes(browser, base, desk, journey, first)
    _itinerary_on_a_phone(browser, base, journey, case)
