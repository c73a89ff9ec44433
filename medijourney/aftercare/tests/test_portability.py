"""Export (also as FHIR QuestionnaireResponse) and erasure that keeps the outcome counts true,
de-identified."""

import datetime

import pytest
import time_machine
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from medijourney.aftercare.models import CheckIn, FollowUp, Review
from medijourney.aftercare.portability import aftercare_erase, aftercare_export
from medijourney.aftercare.selectors import outcome_counts
from medijourney.aftercare.services import ReviewInput, check_in_submit, follow_ups_sweep, review_submit, send_at

from .factories import GOOD, at, check_in, returned_home

pytestmark = pytest.mark.django_db


def _answered_and_reviewed():
    follow_up, _m, _p = returned_home()
    assert follow_up.case is not None
    patient = follow_up.case.patient
    item = check_in(follow_up, 14)
    follow_ups_sweep(now=send_at(item))
    item.refresh_from_db()
    check_in_submit(
        check_in=item, actor=patient, data={**GOOD, "temperature": 39.0, "free_text": f"{patient.full_name} here"}
    )
    with time_machine.travel(at(follow_up.discharged_on + datetime.timedelta(days=15)), tick=False):
        review_submit(
            case=follow_up.case,
            actor=patient,
            hospital=follow_up.hospital,
            data=ReviewInput(5, 5, 5, 5, True, f"Thanks from {patient.full_name}, {patient.email}", show_initials=True),
        )
    return follow_up, patient


def test_export_has_check_ins_and_fhir_responses():
    follow_up, patient = _answered_and_reviewed()
    data = aftercare_export(patient)
    assert data["follow_ups"][0]["case"] == follow_up.case.reference
    (resource,) = data["fhir_questionnaire_responses"]
    parsed = QuestionnaireResponse.model_validate(resource)
    assert parsed.subject is not None and parsed.subject.display == patient.full_name
    assert data["reviews"][0]["would_recommend"] is True


def test_erasure_keeps_counts_true_and_de_identified():
    follow_up, patient = _answered_and_reviewed()
    before = outcome_counts(hospital_ids=[follow_up.hospital.pk])
    aftercare_erase(patient)
    after = outcome_counts(hospital_ids=[follow_up.hospital.pk])
    assert after == before
    follow_up.refresh_from_db()
    assert follow_up.case is None and follow_up.erased
    answered = CheckIn.objects.get(follow_up=follow_up, day=14)
    assert answered.flagged and answered.answered_by is None
    assert patient.full_name not in str(answered.response)
    review = Review.objects.get(hospital=follow_up.hospital)
    assert review.case is None and review.initials == ""
    assert patient.full_name not in review.text and patient.email not in review.text
    assert FollowUp.objects.filter(case__patient=patient).count() == 0
