"""Demo quotes for `make run`: the demo patient's knee case is shared (with consent) with two
demo partner hospitals, both answer with an itemised quote, so the patient can compare and
accept; a second demo case waits for the demo partner's answer. Everything is made through the
real services and flagged ``is_demo``; the second hospital's desk is a demo account too.

Idempotent: a second run finds the demo requests and changes nothing."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.accounts.services import DEMO_DOMAIN, DEMO_PASSWORD, user_create
from medijourney.cases.models import Case, Document, IntakeRequest, Stage
from medijourney.catalog.models import Procedure
from medijourney.network.models import Doctor, Hospital, PartnerMembership
from medijourney.network.offer_items import OFFER_ITEM_IDS
from medijourney.network.selectors import hospitals_in_network

from .models import CommissionAgreement, Quote, QuoteRequest, Scope
from .selectors import summary_draft, verified_doctors
from .services import (
    LineInput,
    PlanInput,
    consent_grant,
    quote_requests_send,
    quote_submit,
)

SECOND_DESK = f"partner-desk-2@{DEMO_DOMAIN}"
DEMO_NOTE = "Demo data: an invented quote for the demonstration."


def _case(key: str) -> Case | None:
    row = IntakeRequest.objects.select_related("case").filter(key=key).first()
    return row.case if row else None


def _specialist(hospital: Hospital, procedure: Procedure) -> Doctor | None:
    """A doctor of the procedure's specialty with a verified, current licence (never the dentist
    for a knee)."""
    return verified_doctors(hospital).filter(specialties=procedure.specialty_id).first()


def _second_hospital(first: Hospital, procedure: Procedure | None, countries: list[str]) -> Hospital | None:
    """A second network hospital with a verified doctor of the procedure's specialty, offering the
    procedure in one of the patient's preferred countries if possible."""
    candidates = hospitals_in_network().exclude(pk=first.pk).filter(doctors__isnull=False).distinct()
    if procedure is not None:
        offering = sorted(
            candidates.filter(offers__procedure=procedure),
            key=lambda h: (h.country_id not in countries, not h.is_demo, h.country_id, h.name),
        )
        for hospital in offering:
            if _specialist(hospital, procedure) is not None:
                return hospital
    for hospital in candidates.order_by("-is_demo", "name")[:50]:
        if verified_doctors(hospital).exists():
            return hospital
    return None


def _desk_for(hospital: Hospital) -> User:
    user = User.objects.filter(email__iexact=SECOND_DESK).first()
    if user is None:
        user = user_create(
            email=SECOND_DESK,
            password=DEMO_PASSWORD,
            role=Role.PARTNER,
            full_name="Demo desk (second hospital)",
            spoken_languages=["en"],
        )
    User.objects.filter(pk=user.pk).update(is_demo=True)
    PartnerMembership.objects.get_or_create(user=user, defaults={"hospital": hospital})
    return user


def _lines(*, implant: bool, room: Decimal, surgeon: Decimal) -> dict[str, LineInput]:
    lines = {item: LineInput("not_included") for item in OFFER_ITEM_IDS}
    lines.update(
        surgeon=LineInput("included", surgeon),
        anaesthesia=LineInput("included", (surgeon * Decimal("0.18")).quantize(Decimal("1"))),
        implant=LineInput("included", (surgeon * Decimal("0.6")).quantize(Decimal("1"))) if implant
        else LineInput("not_included", note="Implant billed at cost"),
        room_per_night=LineInput("included", room, note="All nights together"),
        icu=LineInput("not_applicable"),
        pre_op_tests=LineInput("included", (surgeon * Decimal("0.05")).quantize(Decimal("1"))),
        medicines=LineInput("included", (surgeon * Decimal("0.04")).quantize(Decimal("1"))),
        physiotherapy=LineInput("included", (surgeon * Decimal("0.08")).quantize(Decimal("1"))) if implant
        else LineInput("not_included"),
        airport_transfer=LineInput("included", Decimal("0")) if implant else LineInput("not_included"),
        other=LineInput("not_applicable"),
    )  # fmt: skip
    return lines


def _plan(hospital: Hospital, procedure: Procedure, currency: str, *, rich: bool) -> PlanInput:
    doctor = _specialist(hospital, procedure)
    surgeon = Decimal("250000") if currency == "INR" else Decimal("4200")
    room = Decimal("60000") if currency == "INR" else Decimal("900")
    return PlanInput(
        clinical_summary=(
            "Demo plan: primary total knee replacement (cemented) under spinal anaesthesia; mobilised on day 1; "
            "physiotherapy daily; wound check before flying. " + DEMO_NOTE
        ),
        procedure=procedure,
        doctor=doctor,
        pre_op_days=2 if rich else 3,
        inpatient_nights=4 if rich else 5,
        days_before_flying=12 if rich else 14,
        currency=currency,
        valid_until=timezone.localdate() + datetime.timedelta(days=45),
        lines=_lines(implant=rich, room=room, surgeon=surgeon),
    )


def quotes_demo_setup() -> list[str]:
    """Create the demo requests and quotes once. Returns notes for the setup_demo summary."""
    if QuoteRequest.objects.filter(is_demo=True).exists():
        return [f"Demo quotes present ({QuoteRequest.objects.filter(is_demo=True).count()} demo requests)."]
    partner = User.objects.filter(email__iexact=f"partner@{DEMO_DOMAIN}").select_related("partner_membership").first()
    membership = PartnerMembership.objects.select_related("hospital").filter(user=partner).first()
    knee_case, second_case = _case("demo:1"), _case("demo:2")
    if partner is None or membership is None or knee_case is None:
        return ["Quotes demo skipped: the demo partner has no hospital or the demo cases are missing."]
    first = membership.hospital
    procedure = Procedure.objects.filter(slug="knee-replacement").first()
    second = _second_hospital(first, procedure, list(knee_case.destinations or []))
    manager = knee_case.assigned_to or User.objects.filter(email__iexact=f"case_manager@{DEMO_DOMAIN}").first()
    if second is None or procedure is None or manager is None or _specialist(first, procedure) is None:
        return ["Quotes demo skipped: no second network hospital with a verified doctor, or no knee procedure."]
    desk = _desk_for(second)
    lead = User.objects.filter(role=Role.QUALITY_LEAD, email__iexact=f"quality_lead@{DEMO_DOMAIN}").first()
    with transaction.atomic():
        if lead is not None and not CommissionAgreement.objects.filter(hospital=first).exists():
            CommissionAgreement.objects.create(
                hospital=first, kind=CommissionAgreement.Kind.PERCENT, percent=Decimal("8"),
                valid_from=timezone.localdate() - datetime.timedelta(days=90),
                note="Demo data: an invented agreement.", created_by=lead,
            )  # fmt: skip
        patient = knee_case.patient
        consent_grant(case=knee_case, hospital=first, scope=Scope.SUMMARY_WITH_REPORTS, actor=patient)
        consent_grant(case=knee_case, hospital=second, scope=Scope.DEIDENTIFIED_SUMMARY, actor=patient)
        summary = summary_draft(knee_case)
        reports = list(Document.objects.filter(case=knee_case, scan_status="clean"))
        if knee_case.stage not in (Stage.NEW, Stage.IN_REVIEW, Stage.AWAITING_INFORMATION, Stage.QUOTES_REQUESTED):
            return ["Quotes demo skipped: the demo knee case has moved on."]
        to_first = quote_requests_send(
            case=knee_case, hospitals=[first], summary=summary, documents=reports, actor=manager, procedure=procedure,
            is_demo=True,
        )[0]  # fmt: skip
        to_second = quote_requests_send(
            case=knee_case, hospitals=[second], summary=summary, actor=manager, procedure=procedure, is_demo=True
        )[0]
        first_currency = first.country.currency_id if first.country.currency_id else "USD"
        quote_submit(
            request=to_first, actor=partner, plan=_plan(first, procedure, first_currency, rich=True), is_demo=True
        )
        quote_submit(request=to_second, actor=desk, plan=_plan(second, procedure, "USD", rich=False), is_demo=True)
        # Spread the times out so the timeline and the response times read naturally.
        now = timezone.now()
        for request, sent_h, answered_h in ((to_first, 26, 9), (to_second, 26, 20)):
            sent = now - datetime.timedelta(hours=sent_h)
            QuoteRequest.objects.filter(pk=request.pk).update(
                sent_at=sent, respond_by=sent + datetime.timedelta(hours=48),
                responded_at=sent + datetime.timedelta(hours=answered_h),
            )  # fmt: skip
            Quote.objects.filter(request=request).update(submitted_at=sent + datetime.timedelta(hours=answered_h))
        notes = [f"Demo quotes: {first.name} and {second.name} answered the demo knee case (log in as the patient)."]
        if second_case is not None and second_case.is_open:
            consent_grant(case=second_case, hospital=first, scope=Scope.DEIDENTIFIED_SUMMARY, actor=second_case.patient)
            dental = Procedure.objects.filter(slug="dental-implant").first()
            quote_requests_send(
                case=second_case, hospitals=[first], summary=summary_draft(second_case), actor=manager,
                procedure=dental, is_demo=True,
            )  # fmt: skip
            notes.append(f"Demo quote request waiting for {first.name}: log in as {partner.email if partner else ''}.")
    return notes
