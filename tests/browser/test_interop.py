"""Browser test of the home doctor's loop: the partner writes the discharge summary → the patient
reads it and makes a link with a passcode → a fresh browser context (no account) opens the link,
enters the passcode, sees the medications and the implant and downloads the Bundle → the patient
revokes → the same link fails at once. The stored link rows hold no plaintext of the summary. The
pages at 1280 px and 390 px (no horizontal overflow)."""

import datetime
import io
import json
from pathlib import Path

import pikepdf
import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from playwright.sync_api import expect

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.accounts.services import DEMO_PASSWORD, demo_accounts_ensure, demo_email
from medijourney.cases.models import Case
from medijourney.interop.models import DischargeSummary, DoctorLink, HomeRecord
from medijourney.journeys.tests.factories import accepted_journey
from medijourney.network.tests.factories import membership
from medijourney.quotes.models import Scope
from medijourney.quotes.tests.factories import consent, partner_hospital

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def sign_in(browser, base, role, width=1280):
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(demo_email(role))
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return page


def no_overflow(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"horizontal overflow of {overflow}px"


def _journey():
    SHOTS.mkdir(parents=True, exist_ok=True)
    demo_accounts_ensure()
    patient = User.objects.get(email=demo_email(Role.PATIENT))
    manager = User.objects.get(email=demo_email(Role.CASE_MANAGER))
    journey, _m, _p = accepted_journey(patient=patient, manager=manager, case_kwargs={"full_name": "Grace Private"})
    membership(User.objects.get(email=demo_email(Role.PARTNER)), journey.hospital)
    return journey


def _partner_writes(browser, base, journey):
    desk = sign_in(browser, base, Role.PARTNER)
    desk.goto(f"{base}/partner/discharge/")
    desk.get_by_role("link", name="Write the discharge summary").click()
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    desk.locator("[name='procedures[0].text']").fill("Total knee replacement, left")
    desk.locator("[name='procedures[1].text']").fill("Patella resurfacing, left")
    desk.get_by_label("Date of the (first) procedure").fill(yesterday.isoformat())
    desk.get_by_label("Surgeon").fill("Dr Meera Demo")
    desk.locator("[name='diagnoses[0].text']").fill("Primary osteoarthritis of the left knee")
    desk.locator("[name='medications[0].dose']").fill("40 mg")
    desk.locator("[name='medications[0].frequency']").fill("once a day")
    desk.get_by_label("Instructions for the patient").fill("Keep the wound dry for 10 days.")
    desk.get_by_label("Follow-up plan").fill("Physiotherapy twice a week.")
    desk.get_by_label("Fit to fly from (confirmed)").fill((yesterday + datetime.timedelta(days=10)).isoformat())
    desk.get_by_role("button", name="Save the discharge summary").click()
    # A dose without a medicine is refused, naming the field, and the input is kept.
    expect(desk.get_by_text("Enter the name: the other fields of this row are filled in.")).to_be_visible()
    expect(desk.locator("[name='medications[0].dose']")).to_have_value("40 mg")
    desk.locator("[name='medications[0].name']").fill("Enoxaparin")
    desk.locator("[name='devices[0].type']").fill("Knee joint prosthesis")
    desk.locator("[name='devices[0].serial']").fill("SN-000123")
    desk.get_by_role("button", name="Save the discharge summary").click()
    expect(desk.get_by_text("Discharge summary saved (version 1).")).to_be_visible()
    desk.screenshot(path=str(SHOTS / "interop-summary-partner-1280.png"), full_page=True)
    assert DischargeSummary.objects.filter(journey=journey).count() == 1


def _patient_makes_a_link(browser, base, journey):
    page = sign_in(browser, base, Role.PATIENT)
    page.goto(f"{base}/my/cases/{journey.case.reference}/")
    page.get_by_role("link", name="Your discharge summary and patient summary").click()
    expect(page.get_by_role("heading", name="Medicines to take")).to_be_visible()
    expect(page.get_by_text("Enoxaparin")).to_be_visible()
    page.goto(f"{base}/my/cases/{journey.case.reference}/")
    page.get_by_role("link", name="Share with your home doctor: encrypted links").click()
    page.get_by_label("Name of the link (for example, your doctor's name)").fill("Dr Home")
    page.get_by_label("Passcode (optional, at least 6 characters: tell your doctor separately)").fill("tulip-42")
    page.get_by_label("Also add the discharge summary as a PDF your doctor can download").check()
    page.get_by_role("button", name="Make the link").click()
    expect(page.get_by_role("heading", name="Your new link")).to_be_visible()
    url = page.locator("[data-new-link]").input_value()
    assert "/h/" in url and "#" in url
    page.screenshot(path=str(SHOTS / "interop-links-1280.png"), full_page=True)
    return page, url


def _doctor_opens(browser, url, width=1280):
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    doctor = context.new_page()
    doctor.set_default_timeout(15_000)
    doctor.goto(url)
    doctor.get_by_label("Passcode (the patient gives it to you)").fill("wrong-one")
    doctor.get_by_role("button", name="Open the summary").click()
    expect(doctor.get_by_text("Wrong passcode.")).to_be_visible()
    doctor.get_by_label("Passcode (the patient gives it to you)").fill("tulip-42")
    doctor.get_by_role("button", name="Open the summary").click()
    expect(doctor.get_by_text("Enoxaparin, 40 mg, once a day")).to_be_visible()
    expect(doctor.get_by_text("Knee joint prosthesis, serial SN-000123")).to_be_visible()
    return doctor


def _scan_link_rows():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {DoctorLink._meta.db_table}")  # noqa: S608 - a model's own table
        rows = cursor.fetchall()
    dump = repr(rows).encode().lower()
    for row in rows:
        for value in row:
            if isinstance(value, bytes | memoryview):
                dump += bytes(value).lower()
    for word in ("enoxaparin", "sn-000123", "knee joint prosthesis", "grace private", "tulip-42", "%pdf", "jvberi0"):
        assert word.encode() not in dump, word


@override_settings(DEMO_MODE=True, RATE_LIMITS_ENABLED=False)
def test_discharge_summary_link_passcode_download_revoke(live_server, browser):
    base = live_server.url
    journey = _journey()
    _partner_writes(browser, base, journey)
    patient, url = _patient_makes_a_link(browser, base, journey)
    doctor = _doctor_opens(browser, url)
    with doctor.expect_download() as info:
        doctor.get_by_role("button", name="Download the patient summary (IPS, FHIR JSON)").click()
    bundle = json.loads(Path(info.value.path()).read_text())
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "document"
    assert bundle["entry"][0]["resource"]["type"]["coding"][0]["code"] == "60591-5"
    with doctor.expect_download() as info:
        doctor.get_by_role("button", name="Download the discharge summary (PDF)").click()
    assert info.value.suggested_filename == "discharge-summary-v1.pdf"
    pdf = Path(info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        text = b"".join(page.Contents.read_bytes() for page in doc.pages)
    assert b"Enoxaparin" in text and b"Patella resurfacing" in text
    doctor.screenshot(path=str(SHOTS / "interop-viewer-1280.png"), full_page=True)
    _scan_link_rows()

    # The patient sees the access and the refusal, then revokes: the same link fails at once.
    patient.goto(f"{base}/interop/case/{journey.case.reference}/links/")  # not reload: that would post again
    expect(patient.get_by_text("Opened 1 time, 1 refusal.")).to_be_visible()
    patient.get_by_role("button", name="Revoke now").click()
    expect(patient.get_by_text("revoked: it stops working at once")).to_be_visible()
    doctor.reload()  # the same link again (a goto to the same address would only change the fragment)
    doctor.get_by_label("Passcode (the patient gives it to you)").fill("tulip-42")
    doctor.get_by_role("button", name="Open the summary").click()
    expect(doctor.get_by_text("The patient has revoked this link.")).to_be_visible()
    expect(doctor.get_by_text("Enoxaparin")).not_to_be_visible()


@override_settings(DEMO_MODE=True, RATE_LIMITS_ENABLED=False)
def test_pages_at_390px(live_server, browser):
    base = live_server.url
    journey = _journey()
    _partner_writes(browser, base, journey)
    _page, url = _patient_makes_a_link(browser, base, journey)
    narrow = sign_in(browser, base, Role.PATIENT, width=390)
    narrow.goto(f"{base}/interop/case/{journey.case.reference}/links/")
    expect(narrow.get_by_role("heading", name="Share with your home doctor")).to_be_visible()
    no_overflow(narrow)
    narrow.screenshot(path=str(SHOTS / "interop-links-390.png"), full_page=True)
    narrow.goto(f"{base}/interop/journeys/{journey.public_id}/discharge/")
    expect(narrow.get_by_role("heading", name="Your discharge summary")).to_be_visible()
    no_overflow(narrow)
    narrow.screenshot(path=str(SHOTS / "interop-summary-390.png"), full_page=True)
    doctor = _doctor_opens(browser, url, width=390)
    no_overflow(doctor)
    doctor.screenshot(path=str(SHOTS / "interop-viewer-390.png"), full_page=True)
    desk = sign_in(browser, base, Role.PARTNER, width=390)
    desk.goto(f"{base}/interop/journeys/{journey.public_id}/discharge/write/")
    expect(desk.get_by_role("heading", name="Correct the discharge summary (now version 1)")).to_be_visible()
    no_overflow(desk)
    desk.screenshot(path=str(SHOTS / "interop-write-390.png"), full_page=True)


EXAMPLE_IPS = Path(__file__).resolve().parents[2] / "medijourney/interop/data/fhir_ips/examples"


@override_settings(DEMO_MODE=True, RATE_LIMITS_ENABLED=False)
def test_inquiry_with_the_home_ips_then_the_quote_summary(live_server, browser, tmp_path):
    """The patient sends their home IPS with the inquiry: a broken file is refused, naming what is
    wrong, with everything typed kept; the real one is taken. The case manager then sees the home
    record's lists added for hospitals whose consent includes reports."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    demo_accounts_ensure()
    base = live_server.url
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{base}/inquiry/")
        page.get_by_label("Your full name").fill("Grace Browser")
        page.get_by_label("Email").fill(f"grace{width}@example.test")
        page.get_by_label("Phone").fill("+254 712 345678")
        page.get_by_label("Country where you live").select_option("KE")
        page.get_by_label("Passport country").select_option("KE")
        page.get_by_label("Language you want us to use").select_option("en")
        page.get_by_label("What do you need help with?").fill("I need a hip replacement; walking is very painful.")
        broken = tmp_path / "summary.json"
        broken.write_text('{"resourceType": "Patient"}')
        page.get_by_label("Your patient summary from home (IPS, optional)").set_input_files(str(broken))
        page.get_by_label("I agree to the processing of my health information as described above.").check()
        page.get_by_role("button", name="Send my inquiry").click()
        expect(page.get_by_text("This is not an International Patient Summary", exact=False)).to_be_visible()
        assert page.get_by_label("Your full name").input_value() == "Grace Browser"
        page.get_by_label("Your patient summary from home (IPS, optional)").scroll_into_view_if_needed()
        if width == 390:
            no_overflow(page)
        page.screenshot(path=str(SHOTS / f"interop-inquiry-ips-refused-{width}.png"), full_page=True)
        good = EXAMPLE_IPS / "Bundle-IPS-examples-Bundle-01.json"
        page.get_by_label("Your patient summary from home (IPS, optional)").set_input_files(str(good))
        page.get_by_label("I agree to the processing of my health information as described above.").check()
        page.get_by_role("button", name="Send my inquiry").click()
        page.wait_for_url(f"{base}/inquiry/received/")
        expect(page.get_by_role("heading", name="Thank you: we have your inquiry")).to_be_visible()
        context.close()
    assert HomeRecord.objects.count() == 2

    # The case manager's quotes panel shows what a reports consent adds.
    case = Case.objects.filter(email="grace1280@example.test").get()
    hospital, _partner = partner_hospital(name="Demo Reports Hospital")
    consent(case, hospital, Scope.SUMMARY_WITH_REPORTS)
    manager = User.objects.get(email=demo_email(Role.CASE_MANAGER))
    Case.objects.filter(pk=case.pk).update(assigned_to=manager)
    for width in (1280, 390):
        staff = sign_in(browser, base, Role.CASE_MANAGER, width=width)
        staff.goto(f"{base}{reverse('quotes:case_quotes', args=[case.reference])}")
        expect(
            staff.get_by_text("for hospitals whose consent includes medical reports only", exact=False)
        ).to_be_visible()
        expect(staff.get_by_text("From the patient's home record", exact=False)).to_be_visible()
        if width == 390:
            no_overflow(staff)
        staff.locator("#reports-addition").scroll_into_view_if_needed()
        staff.screenshot(path=str(SHOTS / f"interop-quotes-addition-{width}.png"), full_page=True)
