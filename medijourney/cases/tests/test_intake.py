"""Intake through the service: account, reference, consent, triage, clock, idempotency."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.cases import services, values
from medijourney.cases.consent import CURRENT_CONSENT_VERSION
from medijourney.cases.models import Case, CaseEvent, IntakeRequest, Notification, Stage
from medijourney.cases.services import IdempotencyConflictError, inquiry_submit
from medijourney.privacy.models import AuditEvent

from .factories import case_manager, inquiry_data

pytestmark = pytest.mark.django_db


def test_intake_creates_case_account_clock_and_acknowledgement(run_tasks, fake_triage):
    manager = case_manager()
    outcome = inquiry_submit(data=inquiry_data(email="New.Person@Example.test"), key="k1")
    case = outcome.case
    assert outcome.created
    assert re.fullmatch(r"MJ-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", case.reference)
    assert values.REFERENCE_RE.match(case.reference)
    patient = User.objects.get(email="new.person@example.test")
    assert case.patient == patient and patient.role == Role.PATIENT and not patient.has_usable_password()
    assert case.consent_version == CURRENT_CONSENT_VERSION and case.consent_given_at is not None
    assert case.first_response_due_at - case.created_at == services.first_response_window()
    assert case.phone.as_e164 == "+2348031234567"
    assert case.assigned_to == manager and case.stage == Stage.NEW
    assert case.triage["specialties"][0] == {
        "id": "orthopedics",
        "name": "Orthopaedics",
        "score": 0.86,
        "evidence": ["knee", "knee replacement"],
    }
    assert case.triage["notice"] == fake_triage.notice and case.triage["confident"] is True
    assert case.specialty_id == "orthopedics" and case.procedure_slug == "knee-replacement"
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["intake", "assigned"]
    assert AuditEvent.objects.filter(action="case.intake", patient_id=patient.public_id).exists()

    run_tasks()
    ack = [m for m in mail.outbox if m.to == ["new.person@example.test"]]
    assert len(ack) == 1 and case.reference in ack[0].subject
    assert case.reference in ack[0].body and "/accounts/reset/" in ack[0].body
    assert "knee" not in ack[0].body.lower()  # no health data in email
    assert any(m.to == [manager.email] for m in mail.outbox)


def test_a_known_email_does_not_link_the_existing_account_or_change_it(make_user):
    existing = make_user(role=Role.PATIENT, email="known@example.test", full_name="Original Name")
    case = inquiry_submit(data=inquiry_data(email="KNOWN@example.test", full_name="Other Name"), key="k2").case
    existing.refresh_from_db()
    # the owner must confirm first (cases/tests/test_account_linking.py)
    assert case.patient != existing and not case.patient.is_active and not case.patient.has_usable_password()
    assert existing.full_name == "Original Name" and existing.has_usable_password()
    assert User.objects.filter(email__iexact="known@example.test").count() == 1


def test_same_key_returns_the_same_case_and_different_body_conflicts():
    first = inquiry_submit(data=inquiry_data(email="a@example.test"), key="api:same")
    again = inquiry_submit(data=inquiry_data(email="a@example.test"), key="api:same")
    assert again.case == first.case and not again.created
    with pytest.raises(IdempotencyConflictError):
        inquiry_submit(data=inquiry_data(email="a@example.test", need="Something else"), key="api:same")
    # the form path (not strict) shows the case already made
    assert inquiry_submit(data=inquiry_data(need="x"), key="api:same", strict_idempotency=False).case == first.case
    assert Case.objects.count() == 1 and IntakeRequest.objects.count() == 1


def test_reference_collision_is_retried(monkeypatch):
    first = inquiry_submit(data=inquiry_data(), key="c1").case
    refs = iter([first.reference, first.reference, "MJ-ABCD-EFGH"])
    monkeypatch.setattr(services.intake, "reference_generate", lambda: next(refs))
    second = inquiry_submit(data=inquiry_data(), key="c2").case
    assert second.reference == "MJ-ABCD-EFGH"


def test_reference_is_unique_in_the_database():
    case = inquiry_submit(data=inquiry_data(), key="u1").case
    other = inquiry_submit(data=inquiry_data(), key="u2").case
    with pytest.raises(IntegrityError):
        Case.objects.filter(pk=other.pk).update(reference=case.reference)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"consent": False}, "consent"),
        ({"phone": "12"}, "phone"),
        ({"country_of_residence": "XX"}, "country_of_residence"),
        ({"preferred_language": "klingon!"}, "preferred_language"),
        ({"preferred_language": "qq"}, "preferred_language"),
        ({"destinations": ["IN", "ZZ"]}, "destinations"),
        ({"budget_amount": Decimal("100"), "budget_currency": ""}, "budget_currency"),
        ({"budget_amount": Decimal("100"), "budget_currency": "ABC"}, "budget_currency"),
        ({"email": "not-an-email"}, "email"),
        ({"need": "   "}, "need"),
        ({"consent_version": "made-up"}, "consent_version"),
    ],
)
def test_bad_inquiries_name_the_field_and_create_nothing(overrides, field):
    with pytest.raises(ValidationError) as exc:
        inquiry_submit(data=inquiry_data(**overrides), key="bad")
    assert field in exc.value.error_dict
    assert Case.objects.count() == 0 and User.objects.count() == 0 and IntakeRequest.objects.count() == 0


def test_languages_are_normalised_and_national_phone_uses_residence():
    case = inquiry_submit(
        data=inquiry_data(preferred_language="pt_br", phone="020 7946 0958", country_of_residence="GB"), key="n1"
    ).case
    assert case.preferred_language == "pt-BR"
    assert case.phone.as_e164 == "+442079460958"


def test_triage_failure_never_loses_an_inquiry(monkeypatch):
    def boom(text, lang):
        raise RuntimeError("triage down")

    monkeypatch.setattr(services.intake, "triage_text", boom)
    case = inquiry_submit(data=inquiry_data(), key="t1").case
    assert case.triage["error"] == "unavailable" and case.specialty_id == ""


def test_the_real_triage_routes_the_need_at_intake():
    case = inquiry_submit(data=inquiry_data(), key="r1").case
    assert "error" not in case.triage, "discovery.triage raised at intake"
    assert len(case.triage["specialties"]) >= 3 and case.triage["notice"]
    vague = inquiry_submit(
        data=inquiry_data(need="Hello, I would like some information please.", procedure_requested=""), key="v1"
    ).case
    assert vague.triage["confident"] is False and vague.specialty_id == ""


def test_a_failed_intake_rolls_back_everything(monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("assignment exploded")

    monkeypatch.setattr(services.intake, "case_assign_auto", boom)
    with pytest.raises(RuntimeError):
        inquiry_submit(data=inquiry_data(), key="rb")
    assert Case.objects.count() == 0 and Notification.objects.count() == 0 and IntakeRequest.objects.count() == 0
