"""Demo journey for `make run`: the demo patient Jonas's bypass case (demo:3) is shared with the
demo partner's FICTIONAL hospital ("Demo Multispeciality Hospital New Delhi"), which answers with a
demo quote; Jonas accepts, which builds the itinerary; he enters an invented passport, the
hospital confirms the dates and issues the invitation letter, and half of the checklist is done
(passport, letter, insurance uploaded and checked). Everything through the real services and
flagged demo; refused on any hospital that is not a demo hospital.

Idempotent: a second run finds the demo journey and changes nothing."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from medijourney.accounts.models import User
from medijourney.accounts.services import DEMO_DOMAIN
from medijourney.cases.models import IntakeRequest, Stage
from medijourney.catalog.models import Procedure
from medijourney.core.uploads import validate_upload
from medijourney.network.demo import partner_demo_hospital
from medijourney.network.models import PartnerMembership
from medijourney.network.offer_items import OFFER_ITEM_IDS
from medijourney.quotes.models import Scope
from medijourney.quotes.selectors import summary_draft, verified_doctors
from medijourney.quotes.services import (
    LineInput,
    PlanInput,
    consent_grant,
    quote_accept,
    quote_requests_send,
    quote_submit,
)

from .models import ChecklistItem, ItemKind, Journey, Person, StepKind
from .services import LetterInput, checklist_check, checklist_upload, letter_issue, passport_save, step_confirm_dates

DEMO_CASE_KEY = "demo:3"
DEMO_PASSPORT = "C01DEMO42"  # invented


def _insurance_pdf() -> SimpleUploadedFile:
    body = b"BT /F1 12 Tf 72 720 Td (DEMO travel insurance certificate - invented for the demonstration) Tj ET"
    pdf = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
        b"4 0 obj<</Length " + str(len(body)).encode() + b">>stream\n" + body + b"\nendstream endobj\n"
        b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile("demo-insurance.pdf", pdf, content_type="application/pdf")


def demo_plan(
    hospital: Any,
    procedure: Procedure,
    *,
    summary: str,
    included: dict[str, Decimal],
    not_applicable: tuple[str, ...],
    pre_op_days: int,
    inpatient_nights: int,
    days_before_flying: int,
) -> PlanInput | None:
    """An invented plan in INR from the demo hospital's verified doctor of the procedure's specialty
    (None without one): the listed items included, the others not included or not applicable."""  # fmt: skip
    doctors = verified_doctors(hospital)
    doctor = doctors.filter(specialties=procedure.specialty_id).first() or doctors.first()
    if doctor is None:
        return None
    lines = {item: LineInput("not_included") for item in OFFER_ITEM_IDS}
    lines.update({item: LineInput("included", amount) for item, amount in included.items()})
    lines.update({item: LineInput("not_applicable") for item in not_applicable})
    lines["room_per_night"] = LineInput("included", included["room_per_night"], note="All nights together")
    return PlanInput(
        clinical_summary=summary,
        procedure=procedure,
        doctor=doctor,
        pre_op_days=pre_op_days,
        inpatient_nights=inpatient_nights,
        days_before_flying=days_before_flying,
        currency="INR",
        valid_until=timezone.localdate() + datetime.timedelta(days=45),
        lines=lines,
    )


def _plan(hospital: Any, procedure: Procedure) -> PlanInput | None:
    return demo_plan(
        hospital, procedure,
        summary="Demo plan: elective coronary artery bypass grafting. Demo data: an invented plan.",
        included={"surgeon": Decimal("380000"), "anaesthesia": Decimal("60000"), "room_per_night": Decimal("90000"),
                  "icu": Decimal("70000"), "pre_op_tests": Decimal("25000"), "medicines": Decimal("30000")},
        not_applicable=("implant", "other"), pre_op_days=3, inpatient_nights=7, days_before_flying=14,
    )  # fmt: skip


def journeys_demo_setup() -> list[str]:
    if Journey.objects.filter(is_demo=True).exists():
        return ["Demo journey present (log in as patient-jonas@… to see the itinerary)."]
    row = IntakeRequest.objects.select_related("case").filter(key=DEMO_CASE_KEY).first()
    hospital = partner_demo_hospital()
    procedure = Procedure.objects.filter(slug="cabg").first()
    partner = User.objects.filter(email__iexact=f"partner@{DEMO_DOMAIN}").first()
    if row is None or row.case is None or hospital is None or procedure is None or partner is None:
        return ["Journey demo skipped: the demo case, the demo partner hospital or the CABG procedure is missing."]
    if not hospital.is_demo or not hospital.name.startswith("Demo"):
        return ["Journey demo skipped: the partner's hospital is not a fictional demo hospital."]
    if not PartnerMembership.objects.filter(user=partner, hospital=hospital).exists():
        return ["Journey demo skipped: the demo partner does not belong to the demo hospital."]
    case = row.case
    if case.stage not in (Stage.NEW, Stage.IN_REVIEW, Stage.AWAITING_INFORMATION):
        return ["Journey demo skipped: the demo bypass case has moved on."]
    plan = _plan(hospital, procedure)
    manager = case.assigned_to or User.objects.filter(email__iexact=f"case_manager@{DEMO_DOMAIN}").first()
    if plan is None or manager is None:
        return ["Journey demo skipped: no verified doctor at the demo hospital, or no case manager."]
    patient = case.patient
    with transaction.atomic():
        consent_grant(case=case, hospital=hospital, scope=Scope.DEIDENTIFIED_SUMMARY, actor=patient)
        request = quote_requests_send(
            case=case,
            hospitals=[hospital],
            summary=summary_draft(case),
            actor=manager,
            procedure=procedure,
            is_demo=True,
        )[0]
        quote = quote_submit(request=request, actor=partner, plan=plan, is_demo=True)
        quote_accept(quote=quote, actor=patient)
        journey = Journey.objects.get(case=case)
        steps = {s.kind: s for s in journey.steps.all()}
        passport_save(
            journey=journey,
            person=Person.PATIENT,
            full_name="Jonas Demo",
            number=DEMO_PASSPORT,
            country="DE",
            expires_on=steps[StepKind.RETURN_FLIGHT].day + datetime.timedelta(days=3 * 365),
            actor=patient,
        )
        for kind in (StepKind.ADMISSION, StepKind.PROCEDURE):
            step_confirm_dates(step=steps[kind], actor=partner)
        letter_issue(
            journey=journey,
            actor=partner,
            data=LetterInput("Dr Demo Signatory", "Medical Director (demo)"),
            hospital_id=hospital.pk,
        )
        insurance = ChecklistItem.objects.get(journey=journey, kind=ItemKind.INSURANCE)
        checklist_upload(item=insurance, upload=validate_upload(_insurance_pdf()), actor=patient)
        for item_kind in (ItemKind.PASSPORT, ItemKind.INSURANCE):
            checklist_check(item=ChecklistItem.objects.get(journey=journey, kind=item_kind), actor=manager)
    return [
        f"Demo journey: {case.reference} (Jonas Demo) accepted a plan at {hospital.name}; itinerary, invitation "
        f"letter and half of the checklist are ready (log in as {patient.email})."
    ]
