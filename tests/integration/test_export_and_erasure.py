"""Export and erasure through the public surface, and proof that erasure leaves nothing of the
patient outside the audit log."""

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from medijourney.accounts.models import User
from medijourney.cases.consent import CURRENT_CONSENT_VERSION
from medijourney.cases.forms import new_form_token
from medijourney.privacy.chain import audit_seal, audit_verify
from medijourney.privacy.models import AuditEvent, ErasureRequest
from medijourney.testing import files

pytestmark = pytest.mark.django_db

NAME = "Zebulon Quixotic-Marchbanks"
EMAIL = "zebulon.quixotic@example.test"
NEED = "My left hip aches after a fall in Valparaiso; surgeon said arthroplasty xylophone-7"
MESSAGE = "Here is my passport number P99887766 for the visa letter"
REPORT = "Radiology: severe coxarthrosis left hip, patient Zebulon Quixotic-Marchbanks"
REPORT_PDF = files.pdf_bytes(REPORT)
NEEDLES = [NAME, EMAIL, "xylophone-7", "P99887766", "coxarthrosis", "+14155550142", "4155550142"]


def intake(client: Client) -> str:
    response = client.post(
        reverse("cases:inquiry"),
        {
            "token": new_form_token(),
            "consent_version": CURRENT_CONSENT_VERSION,
            "full_name": NAME,
            "email": EMAIL,
            "phone": "+1 415 555 0142",
            "country_of_residence": "US",
            "passport_country": "US",
            "preferred_language": "en",
            "need": NEED,
            "companion": "",
            "consent": "on",
            "documents": [SimpleUploadedFile("report.pdf", REPORT_PDF, content_type="application/pdf")],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from medijourney.cases.models import Case

    return Case.objects.get(email=EMAIL).reference


@pytest.fixture
def patient_with_data(make_user, run_tasks):
    make_user("case_manager", spoken_languages=["en"])
    reference = intake(Client())
    run_tasks()
    patient = User.objects.get(email=EMAIL)
    from medijourney.cases.models import Case
    from medijourney.cases.services import message_send

    case = Case.objects.get(reference=reference)
    message_send(case=case, author=patient, body=MESSAGE)
    message_send(case=case, author=case.assigned_to, body="Thanks, received.")
    run_tasks()
    return patient


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_export_zip_holds_everything_and_is_audited(patient_with_data):
    response = signed_in(patient_with_data).post(reverse("privacy:my_data_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="medijourney-export-')
    assert "no-store" in response["Cache-Control"]
    zf = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(zf.namelist())
    assert {"account.json", "cases.json", "recipients.json", "access_log.json", "manifest.json", "README.txt"} <= names
    cases = json.loads(zf.read("cases.json"))["cases"]
    assert cases[0]["what_you_told_us"]["need"] == NEED
    assert any(m["text"] == MESSAGE for m in cases[0]["messages"])
    assert cases[0]["consent_to_process_health_data"]["version"]
    pdfs = [n for n in names if n.startswith("files/") and n.endswith(".pdf")]
    assert len(pdfs) == 1 and zf.read(pdfs[0]) == REPORT_PDF
    assert AuditEvent.objects.filter(action="patient.export", patient_id=patient_with_data.public_id).exists()


def test_export_never_contains_internal_notes(patient_with_data):
    from medijourney.cases.models import Case
    from medijourney.cases.services import note_add

    case = Case.objects.get(patient=patient_with_data)
    note_add(case=case, author=case.assigned_to, body="INTERNAL: patient sounded anxious")
    data = signed_in(patient_with_data).post(reverse("privacy:my_data_export")).content
    zf = zipfile.ZipFile(io.BytesIO(data))
    assert all(b"INTERNAL: patient sounded anxious" not in zf.read(n) for n in zf.namelist())


def test_only_patients_use_my_data_and_only_leads_decide(matrix, make_user):
    matrix.check(
        method="GET",
        url=lambda obj: reverse("privacy:my_data"),
        expect={"anonymous": 302, "patient": 200, "case_manager": 403, "partner": 403, "quality_lead": 403,
                "specialist": 403, "clinician": 403, "admin": 403},
    )  # fmt: skip
    matrix.check(
        method="GET",
        url=lambda obj: reverse("privacy:erasure_queue"),
        expect={"anonymous": 302, "patient": 403, "case_manager": 403, "partner": 403, "quality_lead": 200,
                "specialist": 403, "clinician": 403, "admin": 200},
    )  # fmt: skip

    def setup(user, owner):
        from medijourney.privacy.services import erasure_request_create

        return erasure_request_create(patient=make_user("patient"))

    matrix.check(
        method="GET",
        url=lambda req: reverse("privacy:erasure_decide", args=[req.public_id]),
        setup=setup,
        expect={"anonymous": 302, "patient": 403, "case_manager": 403, "partner": 403, "quality_lead": 200,
                "specialist": 403, "clinician": 403, "admin": 200},
    )  # fmt: skip


def test_rejecting_needs_a_reason_and_keeps_everything(patient_with_data, make_user):
    client = signed_in(patient_with_data)
    client.post(reverse("privacy:my_data"), {"reason": "moving on", "confirm": "on"})
    request = ErasureRequest.objects.get(patient=patient_with_data)
    lead = signed_in(make_user("quality_lead"))
    url = reverse("privacy:erasure_decide", args=[request.public_id])
    missing = lead.post(url, {"decision": "reject", "note": ""})
    assert missing.status_code == 200 and "Say why" in missing.content.decode()
    assert lead.post(url, {"decision": "reject", "note": "Treatment under way"}).status_code == 302
    request.refresh_from_db()
    assert request.status == "rejected" and User.objects.filter(pk=patient_with_data.pk).exists()
    assert "Treatment under way" in mail.outbox[-1].body
    # A decided request shows no form, and a second decision changes nothing.
    page = lead.get(url).content.decode()
    assert "already been decided" in page and 'name="decision"' not in page
    again = lead.post(url, {"decision": "approve"}, follow=True)
    assert "already been decided" in again.content.decode()
    request.refresh_from_db()
    assert request.status == "rejected" and User.objects.filter(pk=patient_with_data.pk).exists()


def _all_rows_as_text() -> dict[str, str]:
    dump = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label == "privacy.AuditEvent":
            continue
        rows = list(model._default_manager.all().values()) if hasattr(model, "_default_manager") else []
        dump[model._meta.label] = json.dumps(rows, default=str)
    return dump


def test_erasure_leaves_nothing_of_the_patient_outside_the_audit_log(
    patient_with_data, make_user, run_tasks, django_capture_on_commit_callbacks
):
    patient = patient_with_data
    public_id = patient.public_id
    signed_in(patient).post(reverse("privacy:my_data_export"))  # an access that the audit log keeps
    before = _all_rows_as_text()
    assert any(NEED in text for text in before.values())  # the scan can see the data while it exists

    assert signed_in(patient).post(reverse("privacy:my_data"), {"confirm": "on"}).status_code == 302
    request = ErasureRequest.objects.get(patient=patient)
    lead = make_user("quality_lead")
    response = signed_in(lead).post(
        reverse("privacy:erasure_decide", args=[request.public_id]), {"decision": "approve"}
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()

    request.refresh_from_db()
    assert request.status == "completed" and request.patient is None and request.patient_public_id == public_id
    assert not User.objects.filter(pk=patient.pk).exists()
    leftovers = {
        label: needle
        for label, text in _all_rows_as_text().items()
        for needle in NEEDLES
        if needle.lower() in text.lower()
    }
    assert leftovers == {}, f"patient data left behind: {leftovers}"
    vault = Path(settings.PRIVATE_MEDIA_ROOT) / "vault"
    assert not [p for p in vault.rglob("*") if p.is_file()], "document files left in the vault"
    # the audit log stays, pseudonymous, and still verifies
    assert AuditEvent.objects.filter(patient_id=public_id).exists()
    for event in AuditEvent.objects.all():
        assert all(n.lower() not in json.dumps(event.detail).lower() for n in NEEDLES)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)):
        audit_seal()
    assert audit_verify().ok
    farewell = [m for m in mail.outbox if "has been erased" in m.subject]
    assert len(farewell) == 1 and farewell[0].to == [EMAIL]
