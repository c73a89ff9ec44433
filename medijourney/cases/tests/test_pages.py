"""Pages through HTTP: the public form, the workspace with htmx fragments, the patient portal."""

import datetime
import functools
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medijourney.accounts.roles import Role
from medijourney.cases.consent import CURRENT_CONSENT_VERSION
from medijourney.cases.forms import new_form_token
from medijourney.cases.models import Case, CaseNote, CaseTask, Stage
from medijourney.cases.services import message_send, note_add
from medijourney.privacy.models import AuditEvent
from medijourney.testing.files import pdf_bytes, png_bytes
from medijourney.testing.queries import assert_flat

from .factories import case_manager, make_case

TODAY = datetime.date.today()

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "token": new_form_token(),
        "consent_version": CURRENT_CONSENT_VERSION,
        "full_name": "Tomás Pérez",
        "email": "tomas@example.test",
        "phone": "+52 55 1234 5678",
        "country_of_residence": "MX",
        "passport_country": "MX",
        "preferred_language": "es",
        "need": "Necesito una prótesis de rodilla.",
        "procedure_requested": "",
        "destinations": ["IN", "TH"],
        "budget_amount": "15000",
        "budget_currency": "USD",
        "travel_earliest": (TODAY + datetime.timedelta(days=120)).isoformat(),
        "travel_latest": (TODAY + datetime.timedelta(days=150)).isoformat(),
        "companion": "on",
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_the_public_form_shows_the_consent_text_and_a_one_time_token():
    response = Client().get(reverse("cases:inquiry"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "I agree that MediJourney may store and process the health information" in html
    assert CURRENT_CONSENT_VERSION in html
    assert 'name="token"' in html and 'name="documents"' in html


def test_submitting_the_form_twice_with_its_token_makes_one_case():
    client = Client()
    data = form_data()
    first = client.post(reverse("cases:inquiry"), data)
    assert first.status_code == 302 and first["Location"] == reverse("cases:inquiry_received")
    second = client.post(reverse("cases:inquiry"), data)  # double click / refresh
    assert second.status_code == 302
    assert Case.objects.count() == 1
    case = Case.objects.get()
    page = client.get(reverse("cases:inquiry_received"))
    assert case.reference in page.content.decode()
    assert case.destinations == ["IN", "TH"] and case.budget_currency == "USD" and case.companion
    assert case.preferred_language == "es" and case.phone.as_e164 == "+525512345678"


def test_a_file_that_says_pdf_but_is_not_is_refused_and_everything_typed_is_kept():
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf")
    response = Client().post(reverse("cases:inquiry"), {**form_data(), "documents": [fake]})
    assert response.status_code == 422
    html = response.content.decode()
    assert "“report.pdf” says it is a PDF but its content is not." in html
    assert "please attach your files again" in html
    assert 'value="Tomás Pérez"' in html and "Necesito una prótesis de rodilla." in html
    assert 'value="15000"' in html
    assert re.search(r'value="IN"[^>]*checked', html) and not re.search(r'value="TR"[^>]*checked', html)
    assert Case.objects.count() == 0


def test_missing_consent_and_bad_phone_are_shown_beside_their_fields():
    response = Client().post(reverse("cases:inquiry"), form_data(consent="", phone="12345"))
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_consent_error"' in html and 'id="id_phone_error"' in html
    assert Case.objects.count() == 0


def test_the_form_with_documents_stores_them(run_tasks):
    files = [
        SimpleUploadedFile("mri.pdf", pdf_bytes(), content_type="application/pdf"),
        SimpleUploadedFile("x.png", png_bytes(), content_type="image/png"),
    ]
    response = Client().post(reverse("cases:inquiry"), {**form_data(), "documents": files})
    assert response.status_code == 302
    assert sorted(Case.objects.get().documents.values_list("kind", flat=True)) == ["pdf", "png"]


def test_acknowledgement_page_without_a_submission_goes_back_to_the_form():
    assert Client().get(reverse("cases:inquiry_received"))["Location"] == reverse("cases:inquiry")


def staff_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_workspace_shows_everything_and_audits_the_read(make_user):
    manager = case_manager()
    case = make_case()
    note_add(case=case, author=manager, body="Internal: check cardiac history")
    message_send(case=case, author=case.patient, body="<b>bold?</b> Hello")
    response = staff_client(manager).get(reverse("cases:detail", args=[case.reference]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Triage at intake", "Internal: check cardiac history", "Timeline", "&lt;b&gt;bold?&lt;/b&gt; Hello"):
        assert text in html
    assert case.triage["notice"] in html
    assert AuditEvent.objects.filter(action="case.view", patient_id=case.patient.public_id).exists()
    assert AuditEvent.objects.filter(action="message.list", patient_id=case.patient.public_id).exists()


def test_htmx_actions_return_fragments_and_work_without_js(make_user):
    manager = case_manager()
    case = make_case()
    client = staff_client(manager)
    hx = {"HTTP_HX_REQUEST": "true"}
    r = client.post(reverse("cases:note_add", args=[case.reference]), {"body": "A note"}, **hx)
    assert r.status_code == 200 and 'id="notes"' in r.content.decode() and 'hx-swap-oob="true"' in r.content.decode()
    r = client.post(
        reverse("cases:task_add", args=[case.reference]),
        {"title": "Ask for MRI", "assignee": manager.pk, "due_on": "2026-12-01"},
        **hx,
    )
    assert "Ask for MRI" in r.content.decode()
    task = CaseTask.objects.get()
    r = client.post(reverse("cases:task_toggle", args=[case.reference, task.public_id]), {"done": "1"})
    assert r.status_code == 302  # without JS: back to the page
    task.refresh_from_db()
    assert task.done_at is not None
    r = client.post(reverse("cases:stage", args=[case.reference]), {"to": Stage.IN_REVIEW}, **hx)
    assert r.status_code == 200 and "In review" in r.content.decode()
    r = client.post(reverse("cases:stage", args=[case.reference]), {"to": Stage.CLOSED})
    assert r.status_code == 422  # not allowed from in review
    r = client.post(reverse("cases:message_send", args=[case.reference]), {"body": "Hello from your manager"}, **hx)
    assert r.status_code == 200 and "Hello from your manager" in r.content.decode()
    case.refresh_from_db()
    assert case.stage == Stage.IN_REVIEW and case.first_responded_at is not None
    assert CaseNote.objects.count() == 1


def test_queue_orders_by_time_left_and_shows_unassigned_first_to_leads(make_user):
    lead = make_user(Role.QUALITY_LEAD)
    manager = case_manager()
    cases = [make_case() for _ in range(6)]
    Case.objects.filter(pk=cases[3].pk).update(assigned_to=None)
    Case.objects.filter(pk=cases[5].pk).update(first_response_due_at=cases[0].first_response_due_at.replace(year=2020))
    html = staff_client(manager).get(reverse("cases:queue")).content.decode()
    assert html.index(cases[5].reference) < html.index(cases[0].reference) < html.index(cases[1].reference)
    assert cases[3].reference not in html  # not theirs
    assert "overdue by" in html and "badge-danger" in html
    client = staff_client(lead)
    html = client.get(reverse("cases:queue")).content.decode()
    assert html.index(cases[3].reference) < html.index(cases[5].reference)
    assert "First responses within 24 hours" in html and "Source: computed from MediJourney case records" in html


def test_board_groups_by_stage(make_user):
    manager = case_manager()
    a = make_case()
    b = make_case()
    staff_client(manager).post(reverse("cases:stage", args=[b.reference]), {"to": Stage.IN_REVIEW})
    html = staff_client(manager).get(reverse("cases:board")).content.decode()
    assert html.index(a.reference) < html.index('id="col-in_review"') < html.index(b.reference)


def test_patient_portal_shows_stage_next_step_messages_and_never_notes(run_tasks):
    manager = case_manager()
    case = make_case()
    note_add(case=case, author=manager, body="SECRET-INTERNAL-NOTE")
    message_send(case=case, author=manager, body="Please send your MRI.")
    client = Client()
    client.force_login(case.patient)
    listing = client.get(reverse("cases:my_cases")).content.decode()
    assert case.reference in listing and "A case manager will read it" in listing
    assert "1 new message" in listing
    page = client.get(reverse("cases:my_case", args=[case.reference])).content.decode()
    assert "new message" not in client.get(reverse("cases:my_cases")).content.decode()  # read now
    assert "Please send your MRI." in page and "What happens next" in page
    assert "SECRET-INTERNAL-NOTE" not in page and "Internal note" not in page and "Triage" not in page
    r = client.post(reverse("cases:message_send", args=[case.reference]), {"body": "Here it is"})
    assert r.status_code == 302 and r["Location"].startswith(reverse("cases:my_case", args=[case.reference]))
    upload = SimpleUploadedFile("mri.pdf", pdf_bytes(), content_type="application/pdf")
    r = client.post(reverse("cases:document_upload", args=[case.reference]), {"documents": [upload]})
    assert r.status_code == 302 and case.documents.count() == 1
    bad = SimpleUploadedFile("scan.png", b"not a png", content_type="image/png")
    r = client.post(reverse("cases:document_upload", args=[case.reference]), {"documents": [bad]})
    assert r.status_code == 422 and "“scan.png” says it is a PNG but its content is not." in r.content.decode()
    for fragment in (
        client.post(reverse("cases:message_send", args=[case.reference]), {"body": "x"}, HTTP_HX_REQUEST="true"),
    ):
        assert "SECRET-INTERNAL-NOTE" not in fragment.content.decode()


def test_availability_page_for_managers_and_leads(make_user):
    manager = case_manager(full_name="Zed Manager")
    client = staff_client(manager)
    r = client.post(reverse("cases:availability"), {"out_of_office": "on", "back_on": "2030-01-01", "note": "Leave"})
    assert r.status_code == 302
    lead_html = staff_client(make_user(Role.ADMIN)).get(reverse("cases:availability")).content.decode()
    assert "Zed Manager" in lead_html and "out of office" in lead_html and "1 Jan 2030" in lead_html


def test_role_homes(make_user):
    client = Client()
    client.force_login(make_user(Role.PATIENT))
    assert client.get(reverse("accounts:home"))["Location"] == reverse("cases:my_cases")
    client.force_login(case_manager())
    assert client.get(reverse("accounts:home"))["Location"] == reverse("cases:queue")


def test_list_pages_do_not_grow_with_rows(make_user):
    manager = case_manager()
    lead = make_user(Role.QUALITY_LEAD)
    patient = make_user(Role.PATIENT)

    def cases(n):
        for i in range(n):
            make_case(patient=patient, assigned_to=manager if i % 2 else None)

    def page(client, name):
        response = client.get(reverse(name))
        assert response.status_code == 200
        return response

    cases(3)
    staff, leads, patient_client = staff_client(manager), staff_client(lead), Client()
    patient_client.force_login(patient)
    for client, name in ((staff, "cases:board"), (leads, "cases:queue"), (patient_client, "cases:my_cases")):
        assert_flat(functools.partial(page, client, name), lambda: cases(3))
    assert page(leads, "cases:queue").content.decode().count("MJ-") >= 12  # every case listed, not one page


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_free_text_comes_back_escaped_everywhere(make_user):
    manager = case_manager()
    case = make_case(full_name=XSS, need=XSS, procedure_requested=XSS[:150])
    message_send(case=case, author=case.patient, body=XSS)
    note_add(case=case, author=manager, body=XSS)
    pages = [
        staff_client(manager).get(reverse("cases:detail", args=[case.reference])),
        staff_client(manager).get(reverse("cases:queue")),
        staff_client(manager).get(reverse("cases:board")),
    ]
    patient = Client()
    patient.force_login(case.patient)
    pages.append(patient.get(reverse("cases:my_case", args=[case.reference])))
    for response in pages:
        html = response.content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert" in pages[0].content.decode()


def test_clock_warning_comes_from_the_setting_on_the_page_and_for_clock_js(make_user, settings):
    settings.CASES_CLOCK_WARNING_HOURS = 6
    manager = case_manager()
    case = make_case(assigned_to=manager)
    Case.objects.filter(pk=case.pk).update(first_response_due_at=timezone.now() + timedelta(hours=5))
    html = staff_client(manager).get(reverse("cases:queue")).content.decode()
    assert 'data-warn-ms="21600000"' in html and "badge-warn" in html
    settings.CASES_CLOCK_WARNING_HOURS = 4
    html = staff_client(manager).get(reverse("cases:queue")).content.decode()
    assert 'data-warn-ms="14400000"' in html and "badge-warn" not in html
