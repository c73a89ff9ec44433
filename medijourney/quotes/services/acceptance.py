"""The patient accepts one plan; after treatment the final bill is recorded."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medijourney.accounts.models import User
from medijourney.cases.models import Case, Stage
from medijourney.cases.services import case_event_add, case_milestone_mark, case_transition
from medijourney.privacy.services import audit_record
from medijourney.quotes.models import (
    OPEN_REQUEST_STATUSES,
    FinalBill,
    Quote,
    QuoteRequest,
    RequestStatus,
)

from .notify import case_team_notify, hospital_notify

# Later apps (journeys) act on an accepted plan inside the accepting transaction, so a failure
# there rolls the acceptance back too. Each callback is called as ``cb(quote=, case=, actor=)``.
_ON_ACCEPT: list[Callable[..., Any]] = []


def register_on_accept(callback: Callable[..., Any]) -> None:
    """Let a later app act when a patient accepts a plan (journeys builds the draft itinerary)."""
    if callback not in _ON_ACCEPT:
        _ON_ACCEPT.append(callback)


BILLABLE_STAGES = (Stage.IN_TREATMENT, Stage.RECOVERING, Stage.RETURNED_HOME, Stage.FOLLOW_UP, Stage.CLOSED)


def quote_accept(*, quote: Quote, actor: User) -> Quote:
    """The patient accepts one plan. Every other open request of the case is closed politely and
    its hospital told; the case moves to "plan accepted"."""
    with transaction.atomic():
        request = QuoteRequest.objects.select_for_update().get(pk=quote.request_id)
        case = request.case
        if case is None or actor.pk != case.patient_id:
            raise ValidationError(_("Only the patient can accept a plan."))
        case = Case.objects.select_for_update(of=("self",)).select_related("patient").get(pk=case.pk)
        if request.status != RequestStatus.QUOTED:
            raise ValidationError(_("This quote can no longer be accepted."))
        if quote.valid_until < timezone.localdate():
            raise ValidationError(
                _("This quote expired on %(d)s. Ask your case manager for a new one.") % {"d": quote.valid_until}
            )
        if case.stage != Stage.QUOTES_READY:
            raise ValidationError(_("A plan can be accepted only while the quotes are ready to compare."))
        now = timezone.now()
        request.status = RequestStatus.ACCEPTED
        request.closed_at = now
        request.save(update_fields=["status", "closed_at", "updated_at"])
        case_milestone_mark(case=case, milestone="plan_accepted_at", at=now)
        case_event_add(
            case=case, kind="quote_accepted", actor=actor, hospital=request.hospital.name[:120], request=request.code
        )
        audit_record(actor=actor, action="quote.accept", obj=quote, patient=case.patient)
        others = (
            QuoteRequest.objects.select_for_update(of=("self",))
            .select_related("hospital")
            .filter(case=case, status__in=OPEN_REQUEST_STATUSES)
            .exclude(pk=request.pk)
        )
        for other in others:
            other.status = RequestStatus.CLOSED
            other.closed_at = now
            other.close_reason = "the patient chose another plan"
            other.save(update_fields=["status", "closed_at", "close_reason", "updated_at"])
            case_event_add(case=case, kind="quote_closed", hospital=other.hospital.name[:120], request=other.code)
            hospital_notify(other, "quote_closed", f"quote-closed:{other.public_id}", why="another_plan")
        hospital_notify(request, "quote_accepted_hospital", f"quote-accepted:{request.public_id}")
        case_team_notify(case, "quote_accepted", f"quote-accepted:{request.public_id}", hospital=request.hospital.name)
        case_transition(case=case, to=Stage.PLAN_ACCEPTED, actor=actor)
        quote.refresh_from_db()
        for callback in _ON_ACCEPT:
            callback(quote=quote, case=case, actor=actor)
    quote.refresh_from_db()
    return quote


# --- After treatment: the final bill -------------------------------------------------------------------


def final_bill_record(
    *, request: QuoteRequest, amount: Decimal, currency: str, actor: User, note: str = ""
) -> FinalBill:
    """Record what the hospital billed for the accepted plan (in the quote's currency), for the
    hospital's quote-accuracy figure."""
    with transaction.atomic():
        request = QuoteRequest.objects.select_for_update().get(pk=request.pk)
        case = request.case
        errors: dict[str, list[str]] = {}
        if request.status != RequestStatus.ACCEPTED or case is None:
            raise ValidationError(_("A final bill is recorded for the accepted plan only."))
        if case.stage not in BILLABLE_STAGES:
            raise ValidationError(_("Record the final bill after treatment has started."))
        if hasattr(request, "final_bill"):
            raise ValidationError(_("The final bill is already recorded."))
        quote = request.quote
        if (currency or "").upper() != quote.currency:
            errors["currency"] = [_("Enter the bill in the quote's currency (%(c)s).") % {"c": quote.currency}]
        if amount is None or amount < 0:
            errors["amount"] = [_("Enter the amount billed.")]
        if errors:
            raise ValidationError(errors)
        bill = FinalBill(
            request=request,
            amount=amount,
            currency=quote.currency,
            note=(note or "").strip()[:300],
            recorded_by=actor,
            recorded_at=timezone.now(),
            created_by=actor,
        )
        bill.full_clean()
        bill.save()
        ratio = (Decimal(amount) / quote.total).quantize(Decimal("0.001")) if quote.total else None
        case_event_add(
            case=case, kind="final_bill", actor=actor, request=request.code, ratio=str(ratio) if ratio else ""
        )
        audit_record(actor=actor, action="final_bill.record", obj=bill, patient=case.patient)
    return bill


# --- Commission agreements -------------------------------------------------------------------------------
