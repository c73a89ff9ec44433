import io
import json
import zipfile

import pytest

from medijourney.interop.models import DischargeSummary, DoctorLink, DoctorLinkAccess
from medijourney.interop.rules import ips_problems
from medijourney.interop.selectors import ips_source
from medijourney.interop.services import doctor_link_create, doctor_link_fetch
from medijourney.journeys.tests.factories import accepted_journey
from medijourney.privacy.portability import patient_erase, patient_export_build

from .factories import with_summary

pytestmark = pytest.mark.django_db


def test_export_zip_gains_the_ips_bundle_and_the_summaries():
    journey, _m, partner = accepted_journey()
    with_summary(journey, partner)
    patient = journey.case.patient
    archive = zipfile.ZipFile(io.BytesIO(patient_export_build(patient)))
    name = f"files/ips/patient-summary-{journey.case.reference}.json"
    assert name in archive.namelist()
    bundle = json.loads(archive.read(name))
    assert ips_problems(bundle) == []
    interop = json.loads(archive.read(next(n for n in archive.namelist() if n.endswith("interop.json"))))
    assert interop["discharge_summaries"][0]["surgeon"] == "Dr Meera Demo"


def test_erasure_deletes_links_ciphertexts_and_summaries():
    journey, _m, partner = accepted_journey()
    with_summary(journey, partner)
    case = journey.case
    made = doctor_link_create(case=case, source=ips_source(case), label="Dr", days=30, passcode="", actor=case.patient)
    doctor_link_fetch(token=made.token)
    patient_erase(case.patient)
    assert not DoctorLink.objects.exists()
    assert not DoctorLinkAccess.objects.exists()
    assert not DischargeSummary.objects.exists()
