"""Aftercare as JSON: the patient's check-ins (due and answered) and their answers; escalations
for the case team and the hospital's desk; reviews and outcome figures (public read). Every
object comes through the ``*_visible_to`` selectors (404 and an audited denial otherwise); every
read of answers is audited."""

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError

from medijourney.accounts.api_auth import any_auth
from medijourney.accounts.permissions import has_perm
from medijourney.core.api import ErrorOut, PageLimit, PageOffset
from medijourney.core.audit import audit_record_many
from medijourney.network.selectors import hospitals_in_network
from medijourney.privacy.access import deny, get_visible_or_404
from medijourney.privacy.services import audit_record
from medijourney.safety.numbers import AS_OF, SOURCE

from . import permissions as perms
from .models import CheckIn, Escalation, Review
from .rules import flag_text
from .schemas import (
    CheckInAnswersIn,
    CheckInListOut,
    CheckInOut,
    EscalationListOut,
    EscalationOut,
    OutcomeListOut,
    ReviewListOut,
    SubmitOut,
)
from .selectors import check_ins_visible_to, escalations_visible_to, outcome_figures, public_reviews
from .services import check_in_submit, escalation_acknowledge
from .stats import Figure

router = Router(tags=["aftercare"])
FORBIDDEN = "You do not have permission to do this."
URGENT = _(
    "Some of your answers can be a sign of a problem that needs a doctor today. Seek urgent care where you are "
    "now: call the emergency number or go to the nearest emergency department. Do not wait for an answer from us."
)


def _require(request: HttpRequest, action: str, *names: str) -> None:
    if not any(has_perm(request.user, n) for n in names):
        deny(request.user, action, reason="role")
        raise HttpError(403, FORBIDDEN)


def _check_in_out(c: CheckIn) -> dict[str, Any]:
    case = c.follow_up.case
    return {
        "id": c.public_id,
        "case": case.reference if case else "",
        "day": c.day,
        "due_on": c.due_on,
        "status": c.status,
        "answered_at": c.answered_at,
        "red_flags": c.red_flags,
        "response": c.response,
    }


@router.get(
    "/aftercare/check-ins",
    response={200: CheckInListOut, 401: ErrorOut, 403: ErrorOut},
    auth=any_auth,
    summary="My check-ins: due (sent, waiting) and answered",
)
def check_in_list(request: HttpRequest, limit: PageLimit = 20, offset: PageOffset = 0) -> dict[str, Any]:
    _require(request, "check_in.list", "aftercare.answer_check_ins")
    qs = check_ins_visible_to(request.user).exclude(status="scheduled").order_by("due_on", "id")
    items = list(qs[offset : offset + limit])
    audit_record_many(
        actor=request.user,
        action="check_in.view",
        rows=[(c, c.follow_up.case.patient if c.follow_up.case else None) for c in items],
    )
    return {"items": [_check_in_out(c) for c in items], "count": qs.count()}


def _own_check_in(request: HttpRequest, check_in_id: UUID, action: str) -> CheckIn:
    _require(request, action, "aftercare.answer_check_ins")
    item = get_visible_or_404(check_ins_visible_to(request.user), request.user, action, public_id=check_in_id)
    if not perms.can_answer_check_in(request.user, item):
        deny(request.user, action, obj=item, reason="not the patient")
        raise HttpError(404, "Not found.")
    return item


@router.get(
    "/aftercare/check-ins/{check_in_id}",
    response={200: CheckInOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=any_auth,
    summary="One of my check-ins, with its FHIR QuestionnaireResponse once answered",
)
def check_in_get(request: HttpRequest, check_in_id: UUID) -> dict[str, Any]:
    item = _own_check_in(request, check_in_id, "check_in.view")
    audit_record(actor=request.user, action="check_in.view", obj=item, patient=request.user)
    return _check_in_out(item)


@router.post(
    "/aftercare/check-ins/{check_in_id}/response",
    response={200: SubmitOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=any_auth,
    summary="Answer a check-in (once); red flags answer with the urgent-care message",
)
def check_in_answer(request: HttpRequest, check_in_id: UUID, payload: CheckInAnswersIn) -> dict[str, Any]:
    item = _own_check_in(request, check_in_id, "check_in.submit")
    outcome = check_in_submit(check_in=item, actor=request.user, data=payload.model_dump())
    number = outcome.emergency
    return {
        "check_in": _check_in_out(outcome.check_in),
        "red_flags": outcome.flags,
        "rules_met": [flag_text(f) for f in outcome.flags],
        "urgent_message": str(URGENT) if outcome.flags else None,
        "emergency_number": {
            "country": number.country,
            "name": number.name,
            "call": number.call,
            "also": list(number.also),
            "source": SOURCE,
            "as_of": AS_OF,
        }
        if number
        else None,
        "escalation": outcome.escalation.public_id if outcome.escalation else None,
    }


ESCALATION_READERS = ("aftercare.manage_follow_ups", "aftercare.answer_escalations")


def _escalation_out(request: HttpRequest, e: Escalation) -> dict[str, Any]:
    team = has_perm(request.user, "aftercare.manage_follow_ups")
    return {
        "id": e.public_id,
        "case": e.case.reference if team else None,
        "hospital": e.hospital.name,
        "day": e.check_in.day,
        "flags": e.flags,
        "opened_at": e.created_at,
        "due_at": e.due_at,
        "acknowledged_at": e.acknowledged_at,
        "leads_told_at": e.leads_told_at,
    }


@router.get(
    "/aftercare/escalations",
    response={200: EscalationListOut, 401: ErrorOut, 403: ErrorOut},
    auth=any_auth,
    summary="Red-flag escalations I can see (case team, the hospital's desk)",
)
def escalation_list(request: HttpRequest, limit: PageLimit = 20, offset: PageOffset = 0) -> dict[str, Any]:
    _require(request, "escalation.list", *ESCALATION_READERS)
    qs = escalations_visible_to(request.user).order_by("acknowledged_at", "-created_at", "-id")
    items = list(qs[offset : offset + limit])
    audit_record_many(actor=request.user, action="escalation.view", rows=[(e, e.case.patient) for e in items])
    return {"items": [_escalation_out(request, e) for e in items], "count": qs.count()}


@router.post(
    "/aftercare/escalations/{escalation_id}/acknowledge",
    response={200: EscalationOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=any_auth,
    summary="Acknowledge an escalation (stops the 1-hour clock)",
)
def escalation_ack(request: HttpRequest, escalation_id: UUID) -> dict[str, Any]:
    _require(request, "escalation.acknowledge", *ESCALATION_READERS)
    item = get_visible_or_404(
        escalations_visible_to(request.user), request.user, "escalation.acknowledge", public_id=escalation_id
    )
    if not perms.can_acknowledge_escalation(request.user, item):
        deny(request.user, "escalation.acknowledge", obj=item, patient=item.case.patient, reason="role")
        raise HttpError(403, FORBIDDEN)
    return _escalation_out(request, escalation_acknowledge(escalation=item, actor=request.user))


def _review_out(r: Review) -> dict[str, Any]:
    return {
        "id": r.public_id,
        "procedure": r.procedure.name,
        "month": r.month.strftime("%Y-%m"),
        "care": r.care,
        "communication": r.communication,
        "cleanliness": r.cleanliness,
        "value": r.value,
        "would_recommend": r.would_recommend,
        "text": r.text,
        "initials": r.initials,
        "redaction_reason": r.redaction_reason,
        "reply": r.reply,
        "is_demo": r.is_demo,
    }


@router.get(
    "/hospitals/{hospital_id}/reviews",
    response={200: ReviewListOut, 404: ErrorOut},
    summary="A hospital's verified reviews (public)",
)
def review_list(
    request: HttpRequest, hospital_id: UUID, limit: PageLimit = 20, offset: PageOffset = 0
) -> dict[str, Any]:
    hospital = get_visible_or_404(hospitals_in_network(), request.user, "reviews.view", public_id=hospital_id)
    qs = public_reviews(hospital_id=hospital.pk)
    return {"items": [_review_out(r) for r in qs[offset : offset + limit]], "count": qs.count()}


def _figure(f: Figure) -> dict[str, Any]:
    return {"k": f.k, "n": f.n, "share": f.share, "ci95_low": f.low, "ci95_high": f.high, "enough": f.enough}


@router.get(
    "/hospitals/{hospital_id}/outcomes",
    response={200: OutcomeListOut, 404: ErrorOut},
    summary="A hospital's outcome figures per procedure group, each with n and a Wilson 95 % interval (public)",
)
def outcome_list(request: HttpRequest, hospital_id: UUID) -> dict[str, Any]:
    hospital = get_visible_or_404(hospitals_in_network(), request.user, "outcomes.view", public_id=hospital_id)
    return {
        "hospital": hospital.public_id,
        "items": [
            {
                "group": f.group,
                "is_demo": f.is_demo,
                "follow_up_completion": _figure(f.completion),
                "red_flag_30d": _figure(f.red_flag_30d),
                "readmitted": _figure(f.readmitted),
                "would_recommend": _figure(f.would_recommend),
                "pain_day30": {"n": f.pain_day30.n, "median": f.pain_day30.value, "enough": f.pain_day30.enough},
            }
            for f in outcome_figures(hospital_ids=[hospital.pk])
        ],
        "source": "MediJourney follow-up check-ins and verified reviews, counted at request time; no share below n = 10.",
    }
