"""Browser test of the promise: an inquiry from the public form reaches a case manager, whose
reply stops the 24-hour clock, and the patient reads it after setting a password from the
acknowledgement email."""

import re

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from playwright.sync_api import expect

from medijourney.accounts.roles import Role
from medijourney.accounts.services import DEMO_PASSWORD, demo_accounts_ensure, demo_email
from medijourney.cases.models import Case, Stage
from medijourney.testing.files import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def drain(run_tasks):
    # The conftest runner claims tasks with SELECT … FOR UPDATE, which PostgreSQL allows only
    # inside a transaction (this test commits for real, for the live server).
    with transaction.atomic():
        run_tasks()


def sign_in(page, base, email, password):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@override_settings(DEMO_MODE=True, RATE_LIMITS_ENABLED=False)
def test_inquiry_to_reply_to_patient_reading_it(live_server, browser, run_tasks, tmp_path):
    demo_accounts_ensure()  # the demo case manager (skips the second factor in demo mode)
    base = live_server.url

    patient_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = patient_ctx.new_page()
    page.set_default_timeout(10_000)
    reference = send_inquiry(page, base, tmp_path)
    case = Case.objects.get()
    assert case.reference == reference and case.documents.count() == 1
    assert case.assigned_to.email == demo_email(Role.CASE_MANAGER)

    drain(run_tasks)
    ack = next(m for m in mail.outbox if m.to == ["grace@example.test"])
    assert reference in ack.body
    # The email links to SITE_URL; the test server listens elsewhere, so keep the path.
    set_password_path = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", ack.body).group(1)

    staff_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    staff = staff_ctx.new_page()
    staff.set_default_timeout(10_000)
    reply_as_case_manager(staff, base, reference)
    case.refresh_from_db()
    assert case.first_responded_at is not None and case.first_responded_at <= case.first_response_due_at
    assert case.stage == Stage.AWAITING_INFORMATION

    drain(run_tasks)
    notice = [m for m in mail.outbox if m.to == ["grace@example.test"] and "New message" in m.subject]
    assert len(notice) == 1 and "blood test" not in notice[0].body

    read_reply_as_patient(page, base, set_password_path, reference)
    patient_ctx.close()
    staff_ctx.close()


def send_inquiry(page, base, tmp_path):
    """1. The public form, without an account. A file that says PDF but is not is refused, and
    everything typed is kept; the second try makes one case. Answers the case reference."""
    page.goto(f"{base}/")
    page.get_by_role("button", name="Ask for help: a human answers within 24 hours").click()
    page.get_by_label("Your full name").fill("Grace Browser")
    page.get_by_label("Email").fill("grace@example.test")
    page.get_by_label("Phone").fill("+254 712 345678")
    page.get_by_label("Country where you live").select_option("KE")
    page.get_by_label("Passport country").select_option("KE")
    page.get_by_label("Language you want us to use").select_option("en")
    page.get_by_label("What do you need help with?").fill("I need a hip replacement; walking is very painful.")
    page.get_by_label("India").check()
    fake = tmp_path / "report.pdf"
    fake.write_bytes(b"MZ this is not a PDF at all")
    page.get_by_label("Medical reports (optional)").set_input_files(str(fake))
    page.get_by_label("I agree to the processing of my health information as described above.").check()
    page.get_by_role("button", name="Send my inquiry").click()
    expect(page.get_by_text("“report.pdf” says it is a PDF but its content is not.")).to_be_visible()
    expect(page.get_by_text("please attach your files again")).to_be_visible()
    assert page.get_by_label("Your full name").input_value() == "Grace Browser"
    assert page.get_by_label("India").is_checked()
    assert Case.objects.count() == 0

    real = tmp_path / "hip-xray.pdf"
    real.write_bytes(pdf_bytes("Hip X-ray report"))
    page.get_by_label("Medical reports (optional)").set_input_files(str(real))
    page.get_by_label("I agree to the processing of my health information as described above.").check()
    page.get_by_role("button", name="Send my inquiry").dblclick()  # a double click makes one case
    page.wait_for_url(f"{base}/inquiry/received/")
    reference = page.locator("#case-reference").inner_text().strip()
    assert re.fullmatch(r"MJ-[0-9A-Z]{4}-[0-9A-Z]{4}", reference)
    assert Case.objects.count() == 1
    return reference


def reply_as_case_manager(staff, base, reference):
    """2. The case manager finds the case at the top of the queue with its clock, and replies."""
    sign_in(staff, base, demo_email(Role.CASE_MANAGER), DEMO_PASSWORD)
    assert staff.url.endswith("/cases/")
    row = staff.locator("table.queue tbody tr").first
    assert reference in row.inner_text() and "left" in row.inner_text()
    staff.get_by_role("link", name=reference).click()
    expect(staff.get_by_text("Triage at intake")).to_be_visible()
    staff.get_by_label("Internal note (the patient never sees it)").fill("Private: check anaesthesia history")
    staff.get_by_role("button", name="Add note").click()
    staff.get_by_text("Private: check anaesthesia history").wait_for()
    staff.get_by_role("textbox", name="Message").fill(
        "Hello Grace, I am your case manager. Could you send a recent blood test?"
    )
    staff.get_by_role("button", name="Send to the patient").click()
    staff.locator("#messages").get_by_text("Hello Grace, I am your case manager.").wait_for()
    staff.locator("#header").get_by_text(re.compile("answered in")).wait_for()  # the clock stopped
    staff.get_by_label("Move to stage").select_option(Stage.AWAITING_INFORMATION)
    staff.get_by_role("button", name="Change stage").click()
    staff.locator("#header").get_by_text("Awaiting information").first.wait_for()


def read_reply_as_patient(page, base, set_password_path, reference):
    """3. The patient sets a password from the email, signs in, and reads the reply."""
    page.goto(f"{base}{set_password_path}")
    page.locator("#id_new_password1").fill("quiet harbour lantern seventy")
    page.locator("#id_new_password2").fill("quiet harbour lantern seventy")
    page.get_by_role("button", name="Save the new password").click()
    sign_in(page, base, "grace@example.test", "quiet harbour lantern seventy")
    assert page.url.endswith("/my/cases/")
    page.get_by_test_id("my-case").filter(has_text=reference).get_by_role("link").click()  # titled by treatment
    expect(page.get_by_text("Hello Grace, I am your case manager.")).to_be_visible()
    expect(page.get_by_text("Please read the latest message from your case manager")).to_be_visible()
    assert page.get_by_text("Private: check anaesthesia history").count() == 0
    page.get_by_role("textbox", name="Message").fill("Thank you, I will upload it tomorrow.")
    page.get_by_role("button", name="Send to my case team").click()
    page.locator("#messages").get_by_text("Thank you, I will upload it tomorrow.").wait_for()
