"""Second opinions through the services: consent, request, proposals, the conflict-of-interest
and licence rules, clarifying questions, the opinion and its bad input."""

import pytest
from django.core.exceptions import ValidationError

from medijourney.cases.models import CaseEvent
from medijourney.catalog.tests.factories import specialty
from medijourney.exchange.models import Opinion, OpinionRequest, OpinionStatus
from medijourney.exchange.selectors import proposed_specialists
from medijourney.exchange.services import (
    clarification_answer,
    clarification_ask,
    opinion_assign,
    opinion_coi_declare,
    opinion_request_create,
    opinion_save,
)
from medijourney.network.tests.factories import HospitalFactory
from medijourney.quotes.models import QuoteRequest
from medijourney.quotes.tests.factories import add_report

from .factories import assigned_request, make_manager, make_request, make_specialist

pytestmark = pytest.mark.django_db

FULL = {
    "understood_summary": "Knee pain for two years, X-ray shows arthritis.",
    "agreement": "agree_with_changes",
    "confidence": "medium",
    "plain_summary": "Surgery is reasonable, but try physiotherapy first.",
    "answers": ["Not yet: physiotherapy first."],
}


def test_patient_request_records_consent_and_a_deidentified_summary():
    request = make_request(questions=("Is surgery needed?", "What are the risks?"))
    case = request.case
    assert request.consent.granted_by == case.patient and request.consent.text_version == "opinion-2026-12"
    assert case.full_name not in request.summary and case.email not in request.summary
    assert request.questions == ["Is surgery needed?", "What are the risks?"]
    assert CaseEvent.objects.filter(case=case, kind="opinion_requested").exists()


def test_case_manager_needs_the_patients_consent():
    manager = make_manager()
    request = make_request(manager=manager)
    case = request.case
    request.consent.revoked_at = request.consent.granted_at
    request.consent.save()
    with pytest.raises(ValidationError) as exc:
        opinion_request_create(
            case=case,
            specialty=specialty("orthopedics"),
            questions=["Q?"],
            summary="Adult with knee pain.",
            actor=manager,
        )
    assert "consented" in str(exc.value)
    assert OpinionRequest.objects.filter(case=case).count() == 1


def test_request_bad_input_names_each_field_and_writes_nothing():
    request = make_request()
    case, manager = request.case, request.case.assigned_to
    assert manager is not None
    with pytest.raises(ValidationError) as exc:
        opinion_request_create(
            case=case,
            specialty=None,
            questions=[f"Q{i}" for i in range(6)],
            summary=f"Patient {case.full_name}",
            actor=manager,
        )
    errors = exc.value.message_dict
    assert set(errors) >= {"specialty", "questions", "summary"}
    assert "name" in errors["summary"][0]
    assert OpinionRequest.objects.filter(case=case).count() == 1


def test_documents_only_when_the_consent_covers_reports():
    request = make_request()  # de-identified summary only
    case = request.case
    doc = add_report(case)
    manager = case.assigned_to
    assert manager is not None
    with pytest.raises(ValidationError) as exc:
        opinion_request_create(
            case=case, specialty=specialty("orthopedics"), questions=["Q?"], summary="Adult.", documents=[doc],
            actor=manager,
        )  # fmt: skip
    assert "documents" in exc.value.message_dict


def test_proposals_lowest_load_common_language_and_never_a_quoting_hospitals_doctor():
    request = make_request()
    quoting = HospitalFactory()
    QuoteRequest.objects.create(
        case=request.case, patient=request.patient, hospital=quoting, scope="deidentified_summary", summary="x",
        sent_at=request.requested_at, respond_by=request.requested_at,
    )  # fmt: skip
    conflicted = make_specialist(hospital=quoting, full_name="Aaa Conflicted")
    busy = make_specialist(full_name="Bbb Busy")
    free = [make_specialist(full_name=f"Ccc Free {i}") for i in range(3)]
    make_specialist(full_name="Ddd Portuguese", languages=["pt"])
    make_specialist(full_name="Eee Unlicensed", licensed=False)
    make_specialist(full_name="Fff Cardiology", specialty_id="cardiology")
    assigned_request(specialist=busy)
    proposed = proposed_specialists(request)
    assert [p.full_name for p in proposed] == [f.full_name for f in free]
    assert conflicted not in proposed
    manager = request.case.assigned_to
    assert manager is not None
    with pytest.raises(ValidationError) as exc:
        opinion_assign(request=request, specialist=conflicted, actor=manager)
    assert "conflict of interest" in exc.value.message_dict["specialist"][0]


def test_a_specialist_without_a_current_licence_cannot_be_assigned():
    request = make_request()
    unlicensed = make_specialist(licensed=False)
    manager = request.case.assigned_to
    assert manager is not None
    with pytest.raises(ValidationError) as exc:
        opinion_assign(request=request, specialist=unlicensed, actor=manager)
    assert "licence" in exc.value.message_dict["specialist"][0]
    request.refresh_from_db()
    assert request.status == OpinionStatus.REQUESTED and request.specialist is None


def test_at_most_three_clarifying_questions():
    request, specialist = assigned_request()
    manager = request.case.assigned_to
    assert manager is not None
    for i in range(3):
        c = clarification_ask(request=request, actor=specialist, question=f"Question {i}?")
        clarification_answer(clarification=c, actor=manager, answer="Answer.")
    with pytest.raises(ValidationError) as exc:
        clarification_ask(request=request, actor=specialist, question="A fourth?")
    assert "question" in exc.value.message_dict


def test_an_opinion_without_every_answer_is_refused_and_the_draft_kept():
    request, specialist = assigned_request(questions=("One?", "Two?"))
    opinion_coi_declare(request=request, actor=specialist, declared=True)
    opinion_save(request=request, actor=specialist, data={"understood_summary": "Draft."})
    with pytest.raises(ValidationError) as exc:
        opinion_save(request=request, actor=specialist, data={**FULL, "answers": ["Only one."]}, submit=True)
    assert "answer_2" in exc.value.message_dict
    opinion = Opinion.objects.get(request=request)
    assert opinion.is_draft and opinion.understood_summary == "Draft."
    request.refresh_from_db()
    assert request.status == OpinionStatus.ASSIGNED


def test_submitting_needs_the_coi_declaration_then_goes_on_the_timeline():
    request, specialist = assigned_request()
    with pytest.raises(ValidationError):
        opinion_save(request=request, actor=specialist, data=FULL, submit=True)
    with pytest.raises(ValidationError):
        opinion_coi_declare(request=request, actor=specialist, declared=False)
    opinion_coi_declare(request=request, actor=specialist, declared=True)
    opinion_save(request=request, actor=specialist, data=FULL, submit=True)
    request.refresh_from_db()
    assert request.status == OpinionStatus.ANSWERED
    assert CaseEvent.objects.filter(case=request.case, kind="opinion_answered").exists()


def test_another_specialist_cannot_write():
    request, _ = assigned_request()
    other = make_specialist()
    with pytest.raises(ValidationError):
        opinion_save(request=request, actor=other, data=FULL)
    with pytest.raises(ValidationError):
        clarification_ask(request=request, actor=other, question="?")
