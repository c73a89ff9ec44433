"""Messages: notifications without health data, plain text escaped, partner contact flags."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from medijourney.accounts.roles import Role
from medijourney.cases.detection import (
    ACCOUNT,
    EMAIL,
    IBAN,
    PHONE,
    ROUTING,
    SWIFT,
    contact_details_detect,
)
from medijourney.cases.models import CaseEvent, EventKind, Message
from medijourney.cases.services import message_send, messages_mark_read

from .factories import case_manager, make_case

pytestmark = pytest.mark.django_db


def test_staff_message_emails_the_patient_without_its_content(run_tasks):
    manager = case_manager()
    case = make_case()
    run_tasks()
    mail.outbox.clear()
    message_send(case=case, author=manager, body="Your MRI shows a torn meniscus; we suggest Apollo.")
    run_tasks()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [case.patient.email]
    assert f"You have a new message on case {case.reference}; sign in to read it." in email.body
    assert "MRI" not in email.body and "meniscus" not in email.body and "MRI" not in email.subject
    assert f"/my/cases/{case.reference}/" in email.body


def test_patient_message_emails_the_case_manager_or_the_leads(make_user, run_tasks):
    lead = make_user(Role.QUALITY_LEAD)
    manager = case_manager()
    case = make_case()
    run_tasks()
    mail.outbox.clear()
    message_send(case=case, author=case.patient, body="Here is more about my knee pain.")
    run_tasks()
    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert f"/cases/{case.reference}/" in mail.outbox[0].body and "knee" not in mail.outbox[0].body
    # unassigned: leads hear about it
    case.assigned_to = None
    case.save()
    mail.outbox.clear()
    message_send(case=case, author=case.patient, body="Hello?")
    run_tasks()
    assert [m.to for m in mail.outbox] == [[lead.email]]


def test_messages_are_stored_as_plain_text_and_empty_ones_refused():
    manager = case_manager()
    case = make_case()
    message = message_send(case=case, author=manager, body="  <script>alert(1)</script> hi  ")
    assert message.body == "<script>alert(1)</script> hi"  # escaped on output (see page tests)
    with pytest.raises(ValidationError):
        message_send(case=case, author=manager, body="   ")


def test_read_receipts_are_set_by_the_other_side_only():
    manager = case_manager()
    case = make_case()
    staff_msg = message_send(case=case, author=manager, body="Hello")
    patient_msg = message_send(case=case, author=case.patient, body="Hi")
    messages_mark_read(messages=[staff_msg, patient_msg], reader=manager)
    staff_msg.refresh_from_db()
    patient_msg.refresh_from_db()
    assert staff_msg.read_at is None and patient_msg.read_at is not None
    messages_mark_read(messages=[staff_msg], reader=case.patient)
    staff_msg.refresh_from_db()
    assert staff_msg.read_at is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call our desk on +91 98765 43210 any time.", [PHONE]),
        ("Write to intl.desk@hospital.example directly.", [EMAIL]),
        ("write to desk (at) hospital (dot) in", [EMAIL]),
        ("Pay the deposit to IBAN DE89 3704 0044 0532 0130 00.", [IBAN]),
        ("SWIFT code: DEUTDEFF", [SWIFT]),
        ("Bank account number: 0123456789012", [ACCOUNT]),
        ("ABA routing number 021000021", [ROUTING]),
        ("IFSC: SBIN0001234", [ROUTING]),
        ("The surgery is planned for 2026-03-02, with 4 nights in hospital.", []),
        ("The package costs 12000 USD including 5 nights.", []),
        ("We will send the treatment plan through MediJourney.", []),
    ],
)
def test_contact_and_bank_details_detector(text, expected):
    assert contact_details_detect(text) == expected


def test_partner_messages_with_contact_details_are_flagged_to_the_case_manager(make_user, run_tasks):
    manager = case_manager()
    case = make_case()
    partner = make_user(Role.PARTNER)
    run_tasks()
    mail.outbox.clear()
    flagged = message_send(case=case, author=partner, body="Call me on +44 20 7946 0958 to arrange payment.")
    assert flagged.flagged and flagged.flag_reasons == [PHONE]
    assert CaseEvent.objects.filter(case=case, kind=EventKind.MESSAGE_FLAGGED).count() == 1
    clean = message_send(case=case, author=partner, body="The plan is attached in the portal.")
    assert not clean.flagged
    # the same details from a patient to the case team are not flagged (the rule is for partners)
    own = message_send(case=case, author=case.patient, body="My number is +44 20 7946 0958.")
    assert not own.flagged
    to_partner = message_send(case=case, author=manager, recipient=partner, body="Email me at cm@example.test")
    assert to_partner.flagged and to_partner.flag_reasons == [EMAIL]
    run_tasks()
    assert any("Flagged message" in m.subject and m.to == [manager.email] for m in mail.outbox)
    assert Message.objects.filter(flagged=True).count() == 2


def _thread_of(case, manager, n):
    for i in range(n):
        author = manager if i % 2 else case.patient
        message_send(case=case, author=author, body=f"Message number {i} about the trip.")


def test_a_long_thread_shows_the_newest_messages_and_says_how_many_are_left_out(client):
    from medijourney.cases.selectors import THREAD_SHOWN
    from medijourney.testing.html import squash

    manager = case_manager()
    case = make_case(assigned_to=manager)
    _thread_of(case, manager, THREAD_SHOWN + 3)
    client.force_login(case.patient)
    page = squash(client.get(f"/my/cases/{case.reference}/").content.decode())
    assert page.count('class="msg ') == THREAD_SHOWN
    assert "Message number 0 about" not in page and f"Message number {THREAD_SHOWN + 2} about" in page  # newest kept
    assert "3 earlier messages are not shown." in page
    everything = squash(client.get(f"/my/cases/{case.reference}/?all=1").content.decode())
    assert everything.count('class="msg ') == THREAD_SHOWN + 3 and "earlier messages are not shown" not in everything
    # The case team's page pages the same way.
    client.force_login(manager)
    staff = squash(client.get(f"/cases/{case.reference}/").content.decode())
    assert staff.count('class="msg ') == THREAD_SHOWN and "3 earlier messages are not shown." in staff


def test_a_short_thread_shows_everything_without_a_note(client):
    manager = case_manager()
    case = make_case(assigned_to=manager)
    _thread_of(case, manager, 4)
    client.force_login(case.patient)
    page = client.get(f"/my/cases/{case.reference}/").content.decode()
    assert page.count('class="msg ') == 4 and "earlier message" not in page
