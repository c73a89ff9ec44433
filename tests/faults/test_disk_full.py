"""The disk for uploads is full: PRIVATE_MEDIA_ROOT on a 256 KiB tmpfs (mounted here; needs root).
An upload through the API gets 507 with a JSON error naming the field, through the page a 422 with
the message on the field; in both cases no vault file (not even a partial temporary one) and no
database row stays behind. Once space is freed the same upload works."""

import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from medijourney.cases.models import CaseEvent, Document
from medijourney.cases.tests.factories import case_manager, make_case
from medijourney.privacy.models import AuditEvent
from medijourney.testing.files import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_disk(tmp_path, settings):
    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], check=True, timeout=30)
    try:
        settings.PRIVATE_MEDIA_ROOT = mount
        settings.MEDIA_ROOT = mount
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True, timeout=30)


def fill(mount: Path) -> Path:
    filler = mount / "filler"
    with filler.open("wb", buffering=0) as fh, pytest.raises(OSError, match="No space left"):
        while True:
            fh.write(b"\0" * 4096)
    return filler


def files_in(mount: Path) -> list[str]:
    return sorted(p.relative_to(mount).as_posix() for p in mount.rglob("*") if p.is_file() and p.name != "filler")


def big_pdf() -> bytes:
    return pdf_bytes("MRI report. " + "x" * 60_000)


def test_upload_to_a_full_disk_fails_clearly_and_leaves_nothing(small_disk):
    case_manager()
    case = make_case()
    client = Client()
    client.force_login(case.patient)
    filler = fill(small_disk)
    before = (Document.objects.count(), CaseEvent.objects.count())

    response = client.post(
        f"/api/v1/cases/{case.reference}/documents",
        {"files": [SimpleUploadedFile("report.pdf", big_pdf(), content_type="application/pdf")]},
    )
    assert response.status_code == 507
    body = response.json()
    assert "storage is full" in body["detail"]
    assert body["errors"] == [{"field": "files", "message": body["detail"]}]

    page = client.post(
        reverse("cases:document_upload", args=[case.reference]),
        {"documents": [SimpleUploadedFile("report.pdf", big_pdf(), content_type="application/pdf")]},
    )
    assert page.status_code == 422
    assert "storage is full" in page.content.decode()

    assert (Document.objects.count(), CaseEvent.objects.count()) == before
    assert not AuditEvent.objects.filter(action="document.upload").exists()  # no upload was recorded
    assert files_in(small_disk) == []  # no vault file, no partial .tmp- file

    filler.unlink()  # space again: the same upload goes through
    response = client.post(
        f"/api/v1/cases/{case.reference}/documents",
        {"files": [SimpleUploadedFile("report.pdf", big_pdf(), content_type="application/pdf")]},
    )
    assert response.status_code == 201
    assert Document.objects.filter(case=case).count() == 1
    assert len(files_in(small_disk)) == 1
