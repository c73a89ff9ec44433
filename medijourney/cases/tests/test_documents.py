"""Documents: vault storage, scan states (fail closed), and the one serving view."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from medijourney.cases import services
from medijourney.cases.models import CaseEvent, Document, EventKind, ScanStatus
from medijourney.core.uploads import ScannerUnavailableError, validate_upload
from medijourney.privacy.models import AuditEvent
from medijourney.privacy.vault import vault_read
from medijourney.testing.files import jpeg_with_gps, pdf_bytes

from .factories import case_manager, make_case

pytestmark = pytest.mark.django_db


def clean_pdf(name="report.pdf", text="MRI right knee"):
    return validate_upload(SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf"))


def download(client, doc):
    return client.get(reverse("cases:document_download", args=[doc.case.reference, doc.public_id]))


def test_without_scanning_documents_are_clean_unscanned_and_served_as_attachments(make_user):
    manager = case_manager()
    case = make_case(uploads=[clean_pdf("../../etc/passwd<script>.pdf")])
    doc = case.documents.get()
    assert doc.scan_status == ScanStatus.CLEAN and doc.scanned_at is None
    assert doc.original_name == "passwd<script>.pdf" and doc.kind == "pdf" and len(doc.sha256) == 64
    assert "report" not in doc.storage_key and doc.storage_key.startswith("documents/")
    assert vault_read(doc.storage_key).startswith(b"%PDF")
    client = Client()
    client.force_login(manager)
    response = download(client, doc)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        action="document.download", object_id=str(doc.public_id), patient_id=case.patient.public_id, outcome="allowed"
    ).exists()


def test_images_are_served_re_encoded_without_gps(make_user):
    case_manager()
    upload = validate_upload(SimpleUploadedFile("photo.jpg", jpeg_with_gps(), content_type="image/jpeg"))
    case = make_case(uploads=[upload])
    client = Client()
    client.force_login(case.patient)
    response = download(client, case.documents.get())
    assert response["Content-Type"] == "image/jpeg"
    from PIL import Image

    assert not Image.open(io.BytesIO(response.content)).getexif()


@pytest.fixture
def scanning(settings):
    settings.CLAMAV_SOCKET = "/nonexistent/clamd.sock"


def test_pending_until_a_clean_scan(scanning, monkeypatch, run_tasks):
    case = make_case(uploads=[clean_pdf()])
    doc = case.documents.get()
    assert doc.scan_status == ScanStatus.PENDING
    client = Client()
    client.force_login(case.patient)
    response = download(client, doc)
    assert response.status_code == 409 and b"virus scan" in response.content
    assert AuditEvent.objects.filter(action="document.download", outcome="denied").exists()
    monkeypatch.setattr(services.documents, "scan_bytes", lambda data: (True, ""))
    run_tasks()
    doc.refresh_from_db()
    assert doc.scan_status == ScanStatus.CLEAN and doc.scanned_at is not None
    assert download(client, doc).status_code == 200
    assert CaseEvent.objects.filter(case=case, kind=EventKind.DOCUMENT_SCANNED).count() == 1


def test_infected_files_are_quarantined_never_served_and_the_team_told(scanning, monkeypatch, run_tasks):
    from django.core import mail

    manager = case_manager()
    case = make_case(uploads=[clean_pdf()])
    monkeypatch.setattr(services.documents, "scan_bytes", lambda data: (False, "Eicar-Test-Signature"))
    run_tasks()
    doc = case.documents.get()
    assert doc.scan_status == ScanStatus.QUARANTINED and doc.scan_signature == "Eicar-Test-Signature"
    client = Client()
    client.force_login(manager)
    assert download(client, doc).status_code == 404
    assert any("quarantined" in m.subject and m.to == [manager.email] for m in mail.outbox)
    # a repeated scan task does nothing
    assert services.document_scan(document_id=doc.pk) == "skipped"


def test_scanner_down_fails_closed_and_retries(scanning, monkeypatch, run_tasks):
    case = make_case(uploads=[clean_pdf()])

    def down(data):
        raise ScannerUnavailableError("clamd unavailable")

    monkeypatch.setattr(services.documents, "scan_bytes", down)
    run_tasks()
    doc = case.documents.get()
    assert doc.scan_status == ScanStatus.PENDING and doc.scan_attempts == 1
    retry = DBTaskResult.objects.filter(task_path="medijourney.cases.tasks.scan_document", status="READY")
    assert retry.count() == 1
    client = Client()
    client.force_login(case.patient)
    assert download(client, doc).status_code == 409
    # the safety-net job finds it later too (idempotent with the retry)
    Document.objects.filter(pk=doc.pk).update(updated_at=doc.updated_at.replace(year=2020))
    assert services.documents_rescan_pending() == 1


def test_a_document_of_another_case_is_not_reachable_through_a_visible_case(make_user):
    case_manager()
    mine = make_case(uploads=[clean_pdf()])
    theirs = make_case(uploads=[clean_pdf()])
    client = Client()
    client.force_login(mine.patient)
    other_doc = theirs.documents.get()
    url = reverse("cases:document_download", args=[mine.reference, other_doc.public_id])
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(
        action="document.download", outcome="denied", actor_id=mine.patient.public_id
    ).exists()
