"""Browser tests of knowledge exchange.

(a) The patient asks for a second opinion → the case manager assigns a proposed specialist →
the specialist asks a clarifying question (the clock pauses) → the case manager answers → the
specialist sends the opinion → the patient reads it (desktop, then the same page on a phone).
(b) The quality lead creates a programme → a clinician accepts the invitation → submits a
de-identified case → the hub records a recommendation and attendance → the clinician downloads
a certificate.

Screenshots at 1280 and 390 px go to $SCREENSHOT_DIR when it is set."""

import datetime
import os
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.accounts.services import DEMO_PASSWORD, demo_accounts_ensure, demo_email
from medijourney.cases.tests.factories import make_case
from medijourney.catalog.tests.factories import specialty
from medijourney.exchange.models import Invitation, Programme, Session, SpecialistProfile
from medijourney.exchange.services import invitation_send
from medijourney.network.models import VerificationStatus
from medijourney.network.tests.factories import DoctorFactory, HospitalFactory, LicenceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOT_DIR", "")
PHONE = {"width": 390, "height": 844}


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def no_horizontal_overflow(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def sign_in(browser, base, role, viewport=None):
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(demo_email(role))
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return page


def link_specialist(user, hospital_name="Demo Browser Clinic Lisbon"):
    doctor = DoctorFactory(hospital=HospitalFactory(name=hospital_name, city="Lisbon"), full_name=user.full_name)
    doctor.specialties.add(specialty("orthopedics"))
    LicenceFactory(doctor=doctor, verification_status=VerificationStatus.VERIFIED)
    SpecialistProfile.objects.create(user=user, doctor=doctor, time_zone="Europe/Lisbon")


@override_settings(DEMO_MODE=True, RATE_LIMITS_ENABLED=False)
def test_second_opinion_from_request_to_reading(live_server, browser):
    demo_accounts_ensure()
    base = live_server.url
    patient = User.objects.get(email=demo_email(Role.PATIENT))
    manager = User.objects.get(email=demo_email(Role.CASE_MANAGER))
    specialist = User.objects.get(email=demo_email(Role.SPECIALIST))
    with transaction.atomic():
        link_specialist(specialist)
        case = make_case(patient=patient, assigned_to=manager, full_name="Grace Private")
    page = ask_as_patient(browser, base, case)
    staff = assign_as_case_manager(browser, base, case, specialist)
    spec = declare_and_clarify_as_specialist(browser, base)
    answer_as_case_manager(staff)
    send_opinion_as_specialist(spec)
    read_opinion_as_patient(browser, base, page, case)


def ask_as_patient(browser, base, case):
    """1. The patient asks, consenting in the same step."""
    page = sign_in(browser, base, Role.PATIENT)
    page.goto(f"{base}/my/cases/{case.reference}/")
    page.get_by_role("link", name="Second opinion from a specialist").click()
    page.get_by_label("Specialty").select_option(label="Orthopedics")
    page.get_by_label("Question 1").fill("Do I need a knee replacement now, or can I wait?")
    page.get_by_label("De-identified summary", exact=False).check()
    page.get_by_label("I agree to the text of the option I chose above.").check()
    page.get_by_role("button", name="Ask for a second opinion").click()
    expect(page.get_by_text("Your request was sent to your case manager")).to_be_visible()
    expect(page.get_by_text("no specialist yet")).to_be_visible()
    return page


def assign_as_case_manager(browser, base, case, specialist):
    """2. The case manager assigns the proposed specialist."""
    staff = sign_in(browser, base, Role.CASE_MANAGER)
    staff.goto(f"{base}/cases/{case.reference}/")
    staff.get_by_role("link", name="Second opinions").click()
    staff.get_by_role("button", name=f"Assign {specialist.full_name}").click()
    expect(staff.get_by_text(f"Assigned to {specialist.full_name}.")).to_be_visible()
    shot(staff, "opinion-case-team-1280")
    return staff


def declare_and_clarify_as_specialist(browser, base):
    """3. The specialist declares no conflict, reads, and asks a clarifying question."""
    spec = sign_in(browser, base, Role.SPECIALIST)
    spec.goto(f"{base}/specialist/opinions/")
    expect(spec.locator(".clock")).to_contain_text("left")
    spec.get_by_role("link", name="SO-").first.click()
    expect(spec.get_by_text("Conflict of interest")).to_be_visible()
    spec.get_by_label("I declare no tie to these hospitals.").check()
    spec.get_by_role("button", name="Declare and open the case").click()
    expect(spec.get_by_text("Do I need a knee replacement now, or can I wait?", exact=True)).to_be_visible()
    expect(spec.get_by_text("Grace Private")).to_have_count(0)
    spec.get_by_label("Ask the case manager").fill("Which knee, and how far can the patient walk?")
    spec.get_by_role("button", name="Ask the case manager").click()
    expect(spec.get_by_text("Your clock is paused until they answer.")).to_be_visible()
    expect(spec.get_by_text("clock paused", exact=False).first).to_be_visible()
    return spec


def answer_as_case_manager(staff):
    """4. The case manager answers; the clock runs again."""
    staff.reload()
    staff.get_by_label("Your answer to the specialist").fill("The right knee; about 200 metres.")
    staff.get_by_role("button", name="Send the answer").click()
    expect(staff.get_by_text("the specialist's clock is running again")).to_be_visible()


def send_opinion_as_specialist(spec):
    """5. The specialist sends the opinion (a missing answer first: refused, text kept)."""
    spec.reload()
    spec.get_by_label("The case as you understood it").fill("Adult with right knee arthritis, walking 200 m.")
    spec.get_by_label("The proposed treatment plan").select_option("agree_with_changes")
    spec.get_by_label("Confidence").select_option("medium")
    spec.get_by_label("In plain words, for the patient").fill(
        "A knee replacement is reasonable; try physiotherapy first."
    )
    spec.get_by_role("button", name="Send the opinion").click()
    expect(spec.get_by_text("Answer question 1.")).to_be_visible()
    expect(spec.get_by_label("The case as you understood it")).to_have_value(
        "Adult with right knee arthritis, walking 200 m."
    )
    spec.get_by_label("Answer to question 1", exact=False).fill("You can wait a few months with physiotherapy.")
    spec.get_by_role("button", name="Send the opinion").click()
    expect(spec.get_by_text("Opinion sent.")).to_be_visible()


def read_opinion_as_patient(browser, base, page, case):
    """6. The patient reads it in plain words, on desktop and on a phone."""
    page.reload()
    expect(page.get_by_text("A knee replacement is reasonable; try physiotherapy first.")).to_be_visible()
    expect(page.get_by_text("You can wait a few months with physiotherapy.")).to_be_visible()
    shot(page, "opinion-patient-1280")
    phone = sign_in(browser, base, Role.PATIENT, viewport=PHONE)
    phone.goto(f"{base}/my/cases/{case.reference}/second-opinion/")
    expect(phone.get_by_text("A knee replacement is reasonable; try physiotherapy first.")).to_be_visible()
    no_horizontal_overflow(phone)
    shot(phone, "opinion-patient-390")
    spec_phone = sign_in(browser, base, Role.SPECIALIST, viewport=PHONE)
    spec_phone.goto(f"{base}/specialist/opinions/")
    expect(spec_phone.get_by_text("Past opinions")).to_be_visible()
    no_horizontal_overflow(spec_phone)


@override_settings(DEMO_MODE=True, RATE_LIMITS_ENABLED=False)
def test_programme_to_certificate(live_server, browser):
    demo_accounts_ensure()
    base = live_server.url
    specialist = User.objects.get(email=demo_email(Role.SPECIALIST))
    clinician = User.objects.get(email=demo_email(Role.CLINICIAN))
    specialty("orthopedics")
    programme = create_programme_as_quality_lead(browser, base, specialist, clinician)
    token, past, upcoming = issue_invitation_and_sessions(programme, clinician)
    spoke = accept_and_fill_profile_as_clinician(browser, base, token)
    submit_case_as_clinician(spoke, base, upcoming)
    recommend_and_record_attendance_as_hub(browser, base, clinician, past, upcoming)
    read_and_download_certificate_as_clinician(browser, base, spoke, programme, upcoming)


def create_programme_as_quality_lead(browser, base, specialist, clinician):
    """1. The quality lead creates the programme with the demo specialist as hub."""
    lead = sign_in(browser, base, Role.QUALITY_LEAD)
    lead.goto(f"{base}/mentoring/")
    lead.get_by_role("button", name="Create a programme").click()
    lead.get_by_label("Topic").fill("Knee arthritis ECHO")
    lead.get_by_label("Specialty").select_option(label="Orthopedics")
    lead.get_by_label(specialist.full_name).check()
    lead.get_by_label("Time zone").select_option("Europe/Istanbul")
    lead.get_by_label("Share of sessions needed for a certificate (%)").fill("50")
    lead.get_by_role("button", name="Create the programme").click()
    expect(lead.get_by_text("Programme created.")).to_be_visible()
    programme = Programme.objects.get(title="Knee arthritis ECHO")
    lead.get_by_label("Email addresses of spoke clinicians (one a line)").fill(clinician.email)
    lead.get_by_role("button", name="Send invitations").click()
    expect(lead.get_by_text("1 invitation(s) sent.")).to_be_visible()
    shot(lead, "programme-lead-1280")
    return programme


def issue_invitation_and_sessions(programme, clinician):
    """The link in the email carries a token only the email holds; the test issues its own."""
    with transaction.atomic():
        Invitation.objects.filter(programme=programme).delete()
        [(_, token)] = invitation_send(
            programme=programme, emails=[clinician.email], actor=User.objects.get(email=demo_email(Role.QUALITY_LEAD))
        )
        past = Session.objects.create(programme=programme, starts_at=timezone.now() - datetime.timedelta(days=7))
        upcoming = Session.objects.create(programme=programme, starts_at=timezone.now() + datetime.timedelta(days=7))
    return token, past, upcoming


def accept_and_fill_profile_as_clinician(browser, base, token):
    """2. The clinician accepts and fills the profile."""
    spoke = sign_in(browser, base, Role.CLINICIAN)
    spoke.goto(f"{base}/mentoring/invitations/{token}/")
    spoke.get_by_role("button", name="Accept the invitation").click()
    expect(spoke.get_by_text("Welcome to Knee arthritis ECHO.")).to_be_visible()
    spoke.get_by_label("Country").select_option("GH")
    spoke.get_by_label("Facility").fill("District Hospital Tamale")
    spoke.get_by_label("Profession").select_option("doctor")
    spoke.get_by_role("button", name="Save the profile").click()
    expect(spoke.get_by_text("Profile saved.")).to_be_visible()
    return spoke


def submit_case_as_clinician(spoke, base, upcoming):
    """3. A case with a phone number is refused and shown de-identified; the clean one goes in."""
    spoke.goto(f"{base}/mentoring/sessions/{upcoming.public_id}/")
    spoke.get_by_label("Title").fill("Knee pain in a farmer")
    summary = spoke.get_by_label("The case (no name", exact=False)
    summary.fill("A man in his sixties, phone 0244 123 4567, knee pain for two years.")
    spoke.get_by_label("Your question to the hub").fill("Is a referral for surgery needed?")
    spoke.get_by_label("I confirm that the de-identified text shown is what will be shared.").check()
    spoke.get_by_role("button", name="Submit the case").click()
    expect(spoke.get_by_text("Still holds a phone number", exact=False)).to_be_visible()
    expect(spoke.get_by_text("[phone]", exact=False)).to_be_visible()
    summary.fill("A man in his sixties, knee pain for two years.")
    spoke.get_by_label("I confirm that the de-identified text shown is what will be shared.").check()
    spoke.get_by_role("button", name="Submit the case").click()
    expect(spoke.get_by_text("Case submitted for the session.")).to_be_visible()


def recommend_and_record_attendance_as_hub(browser, base, clinician, past, upcoming):
    """4. The hub records a recommendation and attendance at the past session."""
    hub = sign_in(browser, base, Role.SPECIALIST)
    hub.goto(f"{base}/mentoring/sessions/{upcoming.public_id}/")
    hub.get_by_label("Recommendation of the hub").fill("Weight-bearing X-ray, physiotherapy, review in 3 months.")
    hub.get_by_role("button", name="Record the recommendation").click()
    expect(hub.get_by_text("Recommendation recorded.")).to_be_visible()
    hub.goto(f"{base}/mentoring/sessions/{past.public_id}/")
    hub.get_by_label("Participant").select_option(label=clinician.full_name)
    hub.get_by_label("Present, late or absent").select_option("present")
    hub.get_by_label("Minutes attended").fill("60")
    hub.get_by_role("button", name="Record attendance").click()
    expect(hub.get_by_text(f"Attendance recorded for {clinician.full_name}.")).to_be_visible()


def read_and_download_certificate_as_clinician(browser, base, spoke, programme, upcoming):
    """5. The clinician reads the recommendation and downloads the certificate."""
    spoke.goto(f"{base}/mentoring/{programme.public_id}/")
    expect(spoke.get_by_text("You attended 1 of 1 sessions held", exact=False)).to_be_visible()
    with spoke.expect_download() as download:
        spoke.get_by_role("button", name="Download your participation record (PDF)").click()
    assert download.value.suggested_filename == "participation-record.pdf"
    shot(spoke, "programme-clinician-1280")
    phone = sign_in(browser, base, Role.CLINICIAN, viewport=PHONE)
    phone.goto(f"{base}/mentoring/sessions/{upcoming.public_id}/")
    expect(phone.get_by_text("Weight-bearing X-ray, physiotherapy, review in 3 months.")).to_be_visible()
    no_horizontal_overflow(phone)
    shot(phone, "session-clinician-390")
