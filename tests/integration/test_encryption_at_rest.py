"""Documents are encrypted at rest: a passport number and report text planted in an uploaded
document appear neither in a raw dump of every database table nor anywhere in the media folder."""

import io
import zlib
from pathlib import Path

import pikepdf
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from reportlab.pdfgen import canvas

from medijourney.cases.consent import CURRENT_CONSENT_VERSION
from medijourney.cases.forms import new_form_token
from medijourney.cases.models import Document

pytestmark = pytest.mark.django_db

PASSPORT = "X7Q4419283"
REPORT = "bilateral gonarthrosis grade IV, recommend arthroplasty"


def plain_pdf() -> bytes:
    """A PDF whose text is stored uncompressed, so the planted strings are really in its bytes."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pageCompression=0)
    c.drawString(72, 720, f"Passport number {PASSPORT}")
    c.drawString(72, 700, REPORT)
    c.save()
    return buf.getvalue()


def raw_dump() -> bytes:
    """Every row of every table, as the database returns it, as bytes."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from introspection
            for row in cursor.fetchall():
                for value in row:
                    chunks.append(bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode())
    return b"\n".join(chunks)


def test_planted_passport_and_report_are_nowhere_in_plain_form(make_user):
    make_user("case_manager", spoken_languages=["en"])
    document = plain_pdf()
    assert PASSPORT.encode() in document and REPORT.encode() in document  # the test can see them when present
    response = Client().post(
        reverse("cases:inquiry"),
        {
            "token": new_form_token(),
            "consent_version": CURRENT_CONSENT_VERSION,
            "full_name": "Ines Example",
            "email": "ines@example.test",
            "phone": "+34 600 123 456",
            "country_of_residence": "ES",
            "passport_country": "ES",
            "preferred_language": "es",
            "need": "Knee replacement",
            "consent": "on",
            "documents": [SimpleUploadedFile("scan.pdf", document, content_type="application/pdf")],
        },
    )
    assert response.status_code == 302
    stored = Document.objects.get()
    assert stored.sha256  # the document exists and its metadata is in the database

    dump = raw_dump()
    assert b"Ines Example" in dump  # the dump really contains the rows
    for secret in (PASSPORT.encode(), REPORT.encode()):
        assert secret not in dump

    media = Path(settings.PRIVATE_MEDIA_ROOT)
    blobs = [p.read_bytes() for p in media.rglob("*") if p.is_file()]
    assert blobs, "the document was stored"
    for blob in blobs:
        assert PASSPORT.encode() not in blob and REPORT.encode() not in blob
        with pytest.raises((pikepdf.PdfError, zlib.error)):
            pikepdf.open(io.BytesIO(blob))  # not a readable PDF either
