"""Export and erasure cover second-opinion requests (the patient's) and clinician profiles."""

import io
import json
import zipfile

import pytest
from django.db import transaction

from medijourney.exchange.models import Clarification, ClinicianProfile, Opinion, OpinionConsent, OpinionRequest
from medijourney.exchange.services import clarification_ask, opinion_coi_declare, opinion_save
from medijourney.privacy.portability import patient_erase, patient_export_build

from .factories import assigned_request, make_clinician, make_programme

pytestmark = pytest.mark.django_db

FULL = {
    "understood_summary": "u",
    "answers": ["yes"],
    "agreement": "agree",
    "confidence": "high",
    "plain_summary": "Plain words.",
}


def _section(data: bytes, name: str) -> dict:
    return json.loads(zipfile.ZipFile(io.BytesIO(data)).read(name))


def test_patient_export_then_erasure():
    request, specialist = assigned_request(questions=("Is surgery needed?",))
    opinion_coi_declare(request=request, actor=specialist, declared=True)
    opinion_save(request=request, actor=specialist, data=FULL, submit=True)
    patient = request.patient
    data = patient_export_build(patient)
    exchange = _section(data, "exchange.json")
    [item] = exchange["second_opinions"]
    assert item["questions"] == ["Is surgery needed?"] and item["opinion"]["plain_summary"] == "Plain words."
    assert exchange["opinion_consents"][0]["text_version"] == "opinion-2026-12"
    recipients = _section(data, "recipients.json")
    assert any(r["source"] == "exchange" and r["specialist"] == str(specialist.public_id) for r in recipients)
    with transaction.atomic():
        patient_erase(patient)
    for model in (OpinionRequest, OpinionConsent, Opinion, Clarification):
        assert not model.objects.exists(), model


def test_clinician_profile_export_and_erasure():
    clinician = make_clinician(make_programme())
    data = _section(patient_export_build(clinician), "exchange.json")
    assert data["clinician_profile"]["facility"] == "District Hospital"
    with transaction.atomic():
        patient_erase(clinician)
    assert not ClinicianProfile.objects.exists()


def test_clarification_kept_with_request_until_erasure():
    request, specialist = assigned_request()
    clarification_ask(request=request, actor=specialist, question="Which side?")
    with transaction.atomic():
        patient_erase(request.patient)
    assert not Clarification.objects.exists()
