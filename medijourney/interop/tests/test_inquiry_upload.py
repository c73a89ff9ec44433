"""The home IPS sent with the inquiry (interop registers it on cases' inquiry form): an accepted
file becomes the new case's home record, dated and audited; a refused one refuses the inquiry with a
message naming what is wrong beside the field, keeps everything typed and stores nothing; a double
submit attaches it once."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from medijourney.cases.models import Case, CaseEvent
from medijourney.cases.tests.test_pages import form_data
from medijourney.interop.models import HomeRecord
from medijourney.privacy.models import AuditEvent

from .test_home_record import example

pytestmark = pytest.mark.django_db


def ips_file(data: bytes, name: str = "my-summary.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/json")


def test_the_inquiry_form_offers_the_home_ips_upload():
    html = Client().get(reverse("cases:inquiry")).content.decode()
    assert 'name="home_ips"' in html and "Your patient summary from home" in html
    assert 'enctype="multipart/form-data"' in html


def test_an_ips_sent_with_the_inquiry_becomes_the_cases_home_record_once():
    client = Client()
    data = form_data()
    body = json.dumps(example()).encode()
    response = client.post(reverse("cases:inquiry"), {**data, "home_ips": ips_file(body)})
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    record = HomeRecord.objects.get(case=case)
    assert record.problems and record.medications and record.allergies and record.document_date
    assert record.uploaded_by == case.patient
    assert CaseEvent.objects.filter(case=case, kind="home_record_imported").count() == 1
    assert AuditEvent.objects.filter(action="home_record.import", object_id=str(record.public_id)).exists()
    # The same form sent again (double click): the same case, the record not imported twice.
    again = client.post(reverse("cases:inquiry"), {**data, "home_ips": ips_file(body)})
    assert again.status_code == 302
    assert Case.objects.count() == 1 and HomeRecord.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "This is not a JSON file"),
        (json.dumps({"resourceType": "Patient"}).encode(), "This is not an International Patient Summary"),
    ],
    ids=["not json", "not a bundle"],
)
def test_a_refused_ips_refuses_the_inquiry_naming_the_problem_keeping_the_input(body, message):
    response = Client().post(reverse("cases:inquiry"), {**form_data(), "home_ips": ips_file(body)})
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert 'value="Tomás Pérez"' in html and "Necesito una prótesis de rodilla." in html
    assert "please attach your files again" in html
    assert Case.objects.count() == 0 and HomeRecord.objects.count() == 0
    assert not AuditEvent.objects.filter(action="home_record.import").exists()


def test_a_composition_of_the_wrong_type_is_named(settings):
    bundle = example()
    bundle["entry"][0]["resource"]["type"]["coding"][0]["code"] = "34133-9"
    response = Client().post(
        reverse("cases:inquiry"), {**form_data(), "home_ips": ips_file(json.dumps(bundle).encode())}
    )
    assert response.status_code == 422
    assert "60591-5" in response.content.decode()
    assert Case.objects.count() == 0 and HomeRecord.objects.count() == 0


def test_a_too_large_file_is_refused_before_it_is_read(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    body = json.dumps(example()).encode()
    assert len(body) > 1024
    response = Client().post(reverse("cases:inquiry"), {**form_data(), "home_ips": ips_file(body)})
    assert response.status_code == 422
    assert "The file is larger than" in response.content.decode()
    assert Case.objects.count() == 0 and HomeRecord.objects.count() == 0


def test_an_inquiry_error_elsewhere_stores_no_record_either():
    body = json.dumps(example()).encode()
    response = Client().post(reverse("cases:inquiry"), {**form_data(consent=""), "home_ips": ips_file(body)})
    assert response.status_code == 422
    assert Case.objects.count() == 0 and HomeRecord.objects.count() == 0
