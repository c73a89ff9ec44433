import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from medijourney.core.uploads import validate_upload, validate_uploads
from medijourney.testing import files


def upload(name: str, data: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_a_real_pdf_is_accepted_unchanged():
    data = files.pdf_bytes()
    clean = validate_upload(upload("report.pdf", data))
    assert clean.kind == "pdf" and clean.data == data and clean.content_type == "application/pdf"
    assert len(clean.sha256) == 64


def test_a_file_named_pdf_that_is_not_a_pdf_is_refused_clearly():
    with pytest.raises(ValidationError) as err:
        validate_upload(upload("report.pdf", b"MZ\x90\x00 this is really an executable"))
    assert "says it is a PDF but its content is not" in err.value.messages[0]


def test_a_broken_pdf_is_refused():
    with pytest.raises(ValidationError, match="cannot be read"):
        validate_upload(upload("scan.pdf", b"%PDF-1.7\n garbage garbage"))


@pytest.mark.parametrize("maker", [files.pdf_with_javascript, files.pdf_with_embedded_file])
def test_active_pdfs_are_refused(maker):
    with pytest.raises(ValidationError, match="active content"):
        validate_upload(upload("report.pdf", maker()))


def test_type_comes_from_content_not_name_or_browser():
    clean = validate_upload(upload("photo.pdf", files.png_bytes(), content_type="application/pdf"))
    assert clean.kind == "png"
    with pytest.raises(ValidationError, match="not an accepted file type"):
        validate_upload(upload("notes.txt", b"plain text"), allowed=("pdf",))


def test_images_are_reencoded_without_exif_or_gps():
    original = files.jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)
    clean = validate_upload(upload("knee.jpg", original, "image/jpeg"))
    assert clean.kind == "jpeg"
    exif = Image.open(io.BytesIO(clean.data)).getexif()
    assert 0x8825 not in exif and 0x010F not in exif
    assert b"PhoneMaker" not in clean.data


@override_settings(UPLOAD_MAX_BYTES=1000)
def test_size_limit():
    with pytest.raises(ValidationError, match="limit"):
        validate_upload(upload("big.pdf", files.pdf_bytes() + b" " * 2000))


@override_settings(UPLOAD_MAX_FILES=2)
def test_count_limit_and_errors_reported_together():
    with pytest.raises(ValidationError, match="limit is 2"):
        validate_uploads([upload(f"{i}.pdf", files.pdf_bytes()) for i in range(3)])
    with pytest.raises(ValidationError) as err:
        validate_uploads([upload("a.pdf", b"nope"), upload("b.png", b"nope", "image/png")])
    assert len(err.value.messages) == 2


def test_empty_file_refused():
    with pytest.raises(ValidationError, match="empty"):
        validate_upload(upload("a.pdf", b""))
