"""Factories and helpers for quotes tests: network hospitals with partner accounts, consents,
requests sent through the real services, and a complete plan input."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.accounts.tests.factories import UserFactory
from medijourney.cases.models import Case, Document
from medijourney.cases.services import documents_add
from medijourney.cases.tests.factories import case_manager, make_case
from medijourney.catalog.models import Procedure
from medijourney.catalog.tests.factories import ProcedureFactory, specialty
from medijourney.core.uploads import validate_upload
from medijourney.network.models import Hospital
from medijourney.network.offer_items import OFFER_ITEM_IDS
from medijourney.network.tests.factories import DoctorFactory, LicenceFactory, in_network_hospital, membership
from medijourney.quotes.models import Quote, QuoteRequest, Scope, ShareConsent
from medijourney.quotes.services import LineInput, PlanInput, consent_grant, quote_requests_send, quote_submit
from medijourney.testing.files import pdf_bytes

SUMMARY = "Adult patient with long-standing right knee pain; an orthopaedic surgeon advised a total knee replacement."


def partner_hospital(**kwargs: Any) -> tuple[Hospital, User]:
    """A hospital in the network with one partner user and one orthopaedic doctor (the specialty of
    ``knee()``) with a verified licence."""
    hospital = in_network_hospital(**kwargs)
    partner = UserFactory(role=Role.PARTNER)
    membership(partner, hospital)
    doctor = DoctorFactory(hospital=hospital)
    doctor.specialties.add(specialty("orthopedics"))
    LicenceFactory(doctor=doctor)
    return hospital, partner


def partner_of(hospital: Hospital) -> User:
    partner = UserFactory(role=Role.PARTNER)
    membership(partner, hospital)
    return partner


def knee() -> Procedure:
    return ProcedureFactory(slug="knee-replacement", name="Total knee replacement")


def add_report(case: Case, text: str = "X-ray report") -> Document:
    upload = validate_upload(SimpleUploadedFile("report.pdf", pdf_bytes(text), content_type="application/pdf"))
    return documents_add(case=case, uploads=[upload], actor=case.patient)[0]


def consent(case: Case, hospital: Hospital, scope: str = Scope.SUMMARY_WITH_REPORTS) -> ShareConsent:
    return consent_grant(case=case, hospital=hospital, scope=scope, actor=case.patient)


def shared_request(
    *,
    hospital: Hospital | None = None,
    case: Case | None = None,
    scope: str = Scope.SUMMARY_WITH_REPORTS,
    with_report: bool = True,
    manager: User | None = None,
    patient: User | None = None,
) -> QuoteRequest:
    """A request sent under consent by the case's manager (a report attached when the scope allows)."""
    if hospital is None:
        hospital, _partner = partner_hospital()
    if case is None:
        case = make_case(assigned_to=manager or case_manager(), patient=patient)
    consent(case, hospital, scope)
    docs = [add_report(case)] if with_report and scope == Scope.SUMMARY_WITH_REPORTS else []
    assert case.assigned_to is not None
    return quote_requests_send(
        case=case, hospitals=[hospital], summary=SUMMARY, documents=docs, actor=case.assigned_to
    )[0]


def lines(**overrides: Any) -> dict[str, LineInput]:
    out = {item: LineInput("not_included") for item in OFFER_ITEM_IDS}
    out["surgeon"] = LineInput("included", Decimal("3000"))
    out["anaesthesia"] = LineInput("included", Decimal("500"))
    out["implant"] = LineInput("included", Decimal("1200"))
    out["room_per_night"] = LineInput("included", Decimal("400"), "4 nights")
    out["icu"] = LineInput("not_applicable")
    out.update(overrides)
    return out


def plan(hospital: Hospital, **overrides: Any) -> PlanInput:
    values: dict[str, Any] = {
        "clinical_summary": "Cemented total knee replacement under spinal anaesthesia.",
        "procedure": knee(),
        "doctor": hospital.doctors.first(),
        "pre_op_days": 2,
        "inpatient_nights": 4,
        "days_before_flying": 10,
        "currency": "USD",
        "valid_until": timezone.localdate() + datetime.timedelta(days=30),
        "lines": lines(),
    }
    values.update(overrides)
    return PlanInput(**values)


def answered(request: QuoteRequest, **overrides: Any) -> Quote:
    partner = User.objects.filter(partner_membership__hospital=request.hospital).first()
    assert partner is not None
    return quote_submit(request=request, actor=partner, plan=plan(request.hospital, **overrides))


def amount(value: str) -> Decimal:
    return Decimal(value)


def case_of(request: QuoteRequest) -> Case:
    """The request's case (nullable only after erasure, which these tests do not reach)."""
    assert request.case is not None
    return request.case


def manager_of(case: Case) -> User:
    """The case's manager (the factories always assign one)."""
    assert case.assigned_to is not None
    return case.assigned_to
