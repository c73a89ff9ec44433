"""Importing the patient's home IPS: the five official examples import (their problems, medications
and allergies kept, dated); a too-large file, non-JSON, a non-document, a wrong Composition type and
a Bundle that is not valid FHIR are refused with a message naming what is wrong, and nothing is
stored. The case manager sees the lists, marked as from the patient's home record."""

import copy
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from medijourney.cases.models import CaseEvent
from medijourney.cases.tests.factories import case_manager, make_case
from medijourney.interop.models import HomeRecord
from medijourney.interop.services import home_record_import

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "fhir_ips" / "examples"


def upload(data: bytes, name: str = "ips.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/json")


def example(name: str = "Bundle-IPS-examples-Bundle-01") -> dict:
    return json.loads((EXAMPLES / f"{name}.json").read_text())


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("Bundle-*.json")), ids=lambda p: p.stem)
def test_the_official_examples_import(path):
    case = make_case()
    record = home_record_import(case=case, upload=upload(path.read_bytes()), actor=case.patient)
    assert record.document_date is not None
    bundle = json.loads(path.read_text())
    sections = {s["code"]["coding"][0]["code"]: s for s in bundle["entry"][0]["resource"]["section"]}
    assert len(record.problems) == len(sections["11450-4"].get("entry", []))
    assert len(record.allergies) == len(sections["48765-2"].get("entry", []))
    assert len(record.medications) == len(sections["10160-0"].get("entry", []))
    assert CaseEvent.objects.filter(case=case, kind="home_record_imported").count() == 1


def test_example_01_items_are_readable():
    case = make_case()
    record = home_record_import(case=case, upload=upload(json.dumps(example()).encode()), actor=case.patient)
    assert record.document_author
    assert all(item["text"] or item["code"] for item in record.problems + record.medications + record.allergies)
    assert record.medications and record.allergies and record.problems


def _wrong_type():
    b = example()
    b["entry"][0]["resource"]["type"]["coding"][0]["code"] = "34133-9"
    return json.dumps(b).encode()


def _not_fhir():
    b = example()
    b["entry"][1]["resource"]["birthDate"] = "not a date"
    return json.dumps(b).encode()


def _no_allergies():
    b = copy.deepcopy(example())
    comp = b["entry"][0]["resource"]
    comp["section"] = [s for s in comp["section"] if s["code"]["coding"][0]["code"] != "48765-2"]
    return json.dumps(b).encode()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (lambda: b"\x00" * (10 * 1024 * 1024 + 1), "larger than"),
        (lambda: b"{not json", "not a JSON file"),
        (lambda: json.dumps({"resourceType": "Patient"}).encode(), "not a FHIR Bundle"),
        (lambda: json.dumps({**example(), "type": "collection"}).encode(), "must be 'document'"),
        (_wrong_type, "Composition.type"),
        (_no_allergies, "Allergies"),
        (_not_fhir, "not valid FHIR"),
    ],
    ids=[
        "too large",
        "not JSON",
        "not a Bundle",
        "not a document",
        "wrong Composition type",
        "no allergies",
        "bad FHIR",
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(data, says):
    case = make_case()
    with pytest.raises(ValidationError) as err:
        home_record_import(case=case, upload=upload(data()), actor=case.patient)
    assert says in " ".join(err.value.message_dict["file"])
    assert not HomeRecord.objects.exists()
    assert not CaseEvent.objects.filter(kind="home_record_imported").exists()


def test_a_50_mb_bundle_is_refused_by_size_before_it_is_read(client):
    case = make_case()
    client.force_login(case.patient)
    big = upload(b" " * (50 * 1024 * 1024))
    response = client.post(reverse("interop:home_record", args=[case.reference]), {"file": big})
    assert response.status_code == 422
    assert "larger than 10 MB" in response.content.decode()
    assert not HomeRecord.objects.exists()


def test_patient_uploads_and_the_case_manager_sees_it_dated(client):
    manager = case_manager()
    case = make_case(assigned_to=manager)
    url = reverse("interop:home_record", args=[case.reference])
    client.force_login(case.patient)
    response = client.post(url, {"file": upload(json.dumps(example()).encode())})
    assert response.status_code == 302
    client.force_login(manager)
    body = client.get(url).content.decode()
    assert "From the patient&#x27;s home record, dated" in body or "From the patient's home record, dated" in body
    record = HomeRecord.objects.get()
    assert record.medications[0]["text"] in body
    assert 'type="file"' not in body  # the case manager reads; only the patient adds
    assert client.post(url, {"file": upload(b"{}")}).status_code == 403
    case_page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert url in case_page
