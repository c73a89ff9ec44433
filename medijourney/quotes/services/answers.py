"""The hospital's answer: a treatment plan with an itemised quote, or a decline."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medijourney.accounts.models import User
from medijourney.cases.models import Stage
from medijourney.cases.services import case_event_add, case_milestone_mark, case_transition
from medijourney.cases.values import currency_validate
from medijourney.catalog.models import Procedure
from medijourney.network.models import Doctor, Hospital
from medijourney.network.offer_items import OFFER_ITEM_IDS, OFFER_ITEM_LABELS
from medijourney.privacy.services import audit_record
from medijourney.quotes.models import (
    CommissionAgreement,
    LineStatus,
    Quote,
    QuoteLine,
    QuoteRequest,
    RequestStatus,
    ShareConsent,
)
from medijourney.quotes.permissions import can_answer_for_hospital
from medijourney.quotes.selectors import (
    commission_in_force,
    verified_doctors,
)

from .notify import case_team_notify, patient_notify


@dataclass(frozen=True)
class LineInput:
    status: str
    amount: Decimal | None = None
    note: str = ""


@dataclass(frozen=True)
class PlanInput:
    clinical_summary: str
    procedure: Procedure | None
    doctor: Doctor | None
    pre_op_days: int
    inpatient_nights: int
    days_before_flying: int
    currency: str
    valid_until: datetime.date | None
    lines: Mapping[str, LineInput]


def _answerable(request: QuoteRequest, actor: User) -> QuoteRequest:
    request = QuoteRequest.objects.select_for_update().get(pk=request.pk)
    if not can_answer_for_hospital(actor, request.hospital):
        raise ValidationError(_("Only the hospital's own partner users can answer this request."))
    if request.status != RequestStatus.SENT:
        raise ValidationError(
            _("This request is no longer waiting for an answer (%(s)s).") % {"s": request.get_status_display()}
        )
    if (
        request.case is None
        or not ShareConsent.objects.filter(
            case=request.case, hospital=request.hospital, revoked_at__isnull=True
        ).exists()
    ):
        raise ValidationError(_("This request is no longer available."))
    return request


def _plan_doctor_specialty_errors(plan: PlanInput, hospital: Hospital, errors: dict[str, list[str]]) -> None:
    """The doctor must be one of the hospital's verified doctors of the procedure's specialty."""
    if "doctor" in errors or plan.doctor is None or plan.procedure is None:
        return
    if not verified_doctors(hospital, specialty=plan.procedure.specialty_id).filter(pk=plan.doctor.pk).exists():
        errors["doctor"] = [
            _("%(doctor)s is not listed for %(specialty)s. Choose a doctor of the procedure's specialty.")
            % {"doctor": plan.doctor.full_name, "specialty": plan.procedure.specialty.name}
        ]


def _plan_days_errors(plan: PlanInput, errors: dict[str, list[str]]) -> None:
    for name in ("pre_op_days", "inpatient_nights", "days_before_flying"):
        value = getattr(plan, name)
        if value is None or value < 0 or value > 365:
            errors[name] = [_("Enter a number of days between 0 and 365.")]
    if (
        "inpatient_nights" not in errors
        and "days_before_flying" not in errors
        and plan.days_before_flying < plan.inpatient_nights
    ):
        errors["days_before_flying"] = [_("The patient cannot fly home before leaving hospital.")]


def _plan_lines_errors(plan: PlanInput, errors: dict[str, list[str]]) -> None:
    """Every standard item stated: included (with its amount), not included or not applicable."""
    for item in OFFER_ITEM_IDS:
        line = plan.lines.get(item)
        label = str(OFFER_ITEM_LABELS[item])
        if line is None or line.status not in LineStatus.values:
            errors.setdefault(f"lines.{item}", []).append(
                _("%(item)s: state included, not included or not applicable.") % {"item": label}
            )
        elif line.status == LineStatus.INCLUDED and (line.amount is None or line.amount < 0):
            errors.setdefault(f"lines.{item}", []).append(
                _("%(item)s: give the amount of an included item.") % {"item": label}
            )
    unknown = set(plan.lines) - set(OFFER_ITEM_IDS)
    if unknown:
        errors["lines"] = [_("Unknown items: %(ids)s.") % {"ids": ", ".join(sorted(unknown))}]


def _clean_plan(plan: PlanInput, hospital: Hospital) -> tuple[dict[str, list[str]], str]:
    errors: dict[str, list[str]] = {}
    currency = plan.currency
    try:
        currency = currency_validate(plan.currency)
    except ValidationError as exc:
        errors["currency"] = exc.messages
    if not (plan.clinical_summary or "").strip():
        errors["clinical_summary"] = [_("Describe the proposed treatment.")]
    if plan.procedure is None:
        errors["procedure"] = [_("Choose the proposed procedure from the catalogue.")]
    if plan.doctor is None:
        errors["doctor"] = [_("Choose the doctor.")]
    elif not verified_doctors(hospital).filter(pk=plan.doctor.pk).exists():
        errors["doctor"] = [_("Choose one of your hospital's doctors with a verified, current licence.")]
    _plan_doctor_specialty_errors(plan, hospital, errors)
    _plan_days_errors(plan, errors)
    if plan.valid_until is None:
        errors["valid_until"] = [_("Say until when the quote is valid.")]
    elif plan.valid_until < timezone.localdate():
        errors["valid_until"] = [_("The quote must be valid today or later.")]
    _plan_lines_errors(plan, errors)
    return errors, currency


def quote_submit(*, request: QuoteRequest, actor: User, plan: PlanInput, is_demo: bool = False) -> Quote:
    """The hospital answers with a treatment plan and a quote that states every standard item.
    The commission agreement in force today is recorded on the quote (the patient sees it)."""
    errors, currency = _clean_plan(plan, request.hospital)
    if errors:
        raise ValidationError(errors)
    assert plan.procedure is not None and plan.doctor is not None and plan.valid_until is not None
    with transaction.atomic():
        request = _answerable(request, actor)
        case = request.case
        assert case is not None
        now = timezone.now()
        total = sum(
            (ln.amount or Decimal(0) for ln in plan.lines.values() if ln.status == LineStatus.INCLUDED), Decimal(0)
        )
        quote = Quote(
            request=request,
            clinical_summary=plan.clinical_summary.strip(),
            procedure=plan.procedure,
            doctor=plan.doctor,
            pre_op_days=plan.pre_op_days,
            inpatient_nights=plan.inpatient_nights,
            days_before_flying=plan.days_before_flying,
            currency=currency,
            total=total,
            valid_until=plan.valid_until,
            submitted_by=actor,
            submitted_at=now,
            created_by=actor,
            is_demo=is_demo,
        )
        agreement = commission_in_force(request.hospital, now.date())
        if agreement is not None:
            quote.commission_kind = agreement.kind
            if agreement.kind == CommissionAgreement.Kind.PERCENT:
                assert agreement.percent is not None
                quote.commission_percent = agreement.percent
                quote.commission_amount = (total * agreement.percent / 100).quantize(Decimal("0.01"))
                quote.commission_currency = currency
            else:
                quote.commission_amount = agreement.amount
                quote.commission_currency = agreement.currency
        quote.full_clean()
        quote.save()
        QuoteLine.objects.bulk_create(
            [
                QuoteLine(
                    quote=quote,
                    item=item,
                    status=plan.lines[item].status,
                    amount=plan.lines[item].amount if plan.lines[item].status == LineStatus.INCLUDED else None,
                    note=(plan.lines[item].note or "")[:200],
                )
                for item in OFFER_ITEM_IDS
            ]
        )
        request.status = RequestStatus.QUOTED
        request.responded_at = now
        request.save(update_fields=["status", "responded_at", "updated_at"])
        case_milestone_mark(case=case, milestone="quote_received_at", at=now)
        case_event_add(
            case=case, kind="quote_received", actor=actor, hospital=request.hospital.name[:120], request=request.code,
        )  # fmt: skip
        audit_record(actor=actor, action="quote.submit", obj=quote, patient=case.patient)
        case_team_notify(case, "quote_received", f"quote-received:{request.public_id}", hospital=request.hospital.name)
        patient_notify(case, "quote_ready", f"quote-ready:{request.public_id}")
        case.refresh_from_db(fields=["stage"])
        if case.stage == Stage.QUOTES_REQUESTED:
            case_transition(case=case, to=Stage.QUOTES_READY, actor=actor, reason=_("a quote arrived"))
    return quote


def quote_request_decline(*, request: QuoteRequest, actor: User, reason: str) -> QuoteRequest:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the hospital declines (the case manager reads it).")})
    with transaction.atomic():
        request = _answerable(request, actor)
        case = request.case
        assert case is not None
        request.status = RequestStatus.DECLINED
        request.responded_at = timezone.now()
        request.decline_reason = reason[:2000]
        request.full_clean()
        request.save(update_fields=["status", "responded_at", "decline_reason", "updated_at"])
        case_event_add(
            case=case, kind="quote_declined", actor=actor, hospital=request.hospital.name[:120], request=request.code
        )
        audit_record(actor=actor, action="quote_request.decline", obj=request, patient=case.patient)
        case_team_notify(case, "quote_declined", f"quote-declined:{request.public_id}", hospital=request.hospital.name)
    return request


# --- Acceptance ----------------------------------------------------------------------------------------
