"""The journey as JSON: the patient and the case team read it (steps, checklist, letter status)
and the case team moves steps; a partner hospital reads its own patients' journeys while the
consent is current and confirms admission and procedure dates. Every object comes through
``journeys_visible_to`` (404 and an audited denial otherwise)."""

import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from medijourney.accounts.api_auth import any_auth
from medijourney.accounts.permissions import has_perm
from medijourney.core.api import ErrorOut, PageLimit, PageOffset
from medijourney.core.audit import audit_record_many
from medijourney.privacy.access import deny, get_visible_or_404, signed_in
from medijourney.privacy.services import audit_record

from . import permissions as perms
from .models import Journey, Step, StepKind
from .pdf import verification_url
from .schemas import JourneyListOut, JourneyOut, StepMoveIn
from .selectors import current_letter, journey_fit_date, journey_with_parts, journeys_visible_to, steps_by_kind
from .services import step_confirm_dates, step_move

router = Router(tags=["journeys"])
READERS = ("journeys.view_own_journey", "journeys.plan_journeys", "journeys.host_journeys")


def _require_reader(request: HttpRequest) -> None:
    if not any(has_perm(request.user, p) for p in READERS):
        deny(request.user, "journeys.read", reason="role")
        raise HttpError(403, "You do not have permission to do this.")


def _journey(request: HttpRequest, journey_id: UUID, action: str) -> Journey:
    _require_reader(request)
    return get_visible_or_404(
        journey_with_parts(journeys_visible_to(request.user)), request.user, action, public_id=journey_id
    )


def _step(journey: Journey, step_id: UUID) -> Step:
    found = next((s for s in journey.steps.all() if s.public_id == step_id), None)
    if found is None:
        raise HttpError(404, "Not found.")
    return found


def _list_item(j: Journey) -> dict[str, Any]:
    return {
        "id": j.public_id,
        "code": j.code,
        "stage": j.case.stage,
        "hospital": j.hospital.name,
        "procedure": j.procedure.name,
        "departure": steps_by_kind(j)[StepKind.OUTBOUND_FLIGHT].day,
    }


def _out(request: HttpRequest, j: Journey) -> dict[str, Any]:
    letter = current_letter(j)
    show_checklist = perms.can_read_checklist_documents(request.user, j)
    steps = []
    for s in j.steps.all():
        start = s.starts()
        steps.append(
            {
                "id": s.public_id,
                "kind": s.kind,
                "label": str(StepKind(s.kind).label),
                "day": s.day,
                "time": s.time,
                "time_zone": s.tz,
                "starts_at_utc": start.astimezone(datetime.UTC) if start else None,
                "who_books": s.who_books,
                "dates_confirmed": s.dates_confirmed_at is not None,
                "done_at": s.happened_at,
            }
        )
    return {
        **_list_item(j),
        "destination_time_zone": j.destination_tz,
        "home_time_zone": j.home_tz,
        "fit_to_fly": {
            "days": j.fit_days,
            "published": j.fit_published,
            "rule": j.fit_rule,
            "source_url": j.fit_source_url,
            "first_day": journey_fit_date(j),
            "override_reason": j.fit_override_reason,
        },
        "steps": steps,
        "checklist": [
            {
                "id": c.public_id,
                "kind": c.kind,
                "label": c.get_kind_display(),
                "provider": c.provider,
                "status": c.status,
                "due_on": c.due_on,
                "due_rule": c.due_rule,
            }
            for c in j.checklist.all()
        ]
        if show_checklist
        else None,
        "letter": {
            "code": letter.code,
            "letter_date": letter.letter_date,
            "valid_until": letter.valid_until,
            "revoked": False,
            "lookups": letter.lookups,
            "verify_url": verification_url(letter.code),
        }
        if letter
        else None,
    }


@router.get(
    "/journeys",
    response={200: JourneyListOut, 401: ErrorOut, 403: ErrorOut},
    auth=any_auth,
    summary="Journeys I can see",
)
def journey_list(request: HttpRequest, limit: PageLimit = 20, offset: PageOffset = 0) -> dict[str, Any]:
    _require_reader(request)
    qs = journey_with_parts(journeys_visible_to(request.user)).order_by("-created_at", "-id")
    items = list(qs[offset : offset + limit])
    audit_record_many(actor=request.user, action="journey.list", rows=[(j, j.case.patient) for j in items])
    return {"items": [_list_item(j) for j in items], "count": qs.count()}


@router.get(
    "/journeys/{journey_id}",
    response={200: JourneyOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=any_auth,
    summary="One journey: steps, checklist, letter status",
)
def journey_get(request: HttpRequest, journey_id: UUID) -> dict[str, Any]:
    journey = _journey(request, journey_id, "journey.view")
    audit_record(actor=request.user, action="journey.view", obj=journey, patient=journey.case.patient)
    return _out(request, journey)


@router.patch(
    "/journeys/{journey_id}/steps/{step_id}",
    response={200: JourneyOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=any_auth,
    summary="Move a step (the later steps move with it)",
)
def journey_step_move(request: HttpRequest, journey_id: UUID, step_id: UUID, payload: StepMoveIn) -> dict[str, Any]:
    journey = _journey(request, journey_id, "journey.step_move")
    if not perms.can_edit_journey(request.user, journey):
        deny(
            request.user, "journey.step_move", obj=journey, patient=journey.case.patient, reason="not on the case team"
        )
        raise HttpError(403, "You do not have permission to do this.")
    step_move(
        step=_step(journey, step_id),
        day=payload.day,
        time=payload.time,
        actor=signed_in(request),
        override_reason=payload.override_reason,
    )
    return _out(request, _journey(request, journey_id, "journey.view"))


@router.post(
    "/journeys/{journey_id}/steps/{step_id}/confirm",
    response={200: JourneyOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=any_auth,
    summary="The hospital confirms the admission or procedure date",
)
def journey_step_confirm(request: HttpRequest, journey_id: UUID, step_id: UUID) -> dict[str, Any]:
    journey = _journey(request, journey_id, "journey.confirm_dates")
    step = _step(journey, step_id)
    if not perms.can_confirm_step(request.user, step):
        deny(
            request.user, "journey.confirm_dates", obj=journey, patient=journey.case.patient, reason="not the hospital"
        )
        raise HttpError(403, "You do not have permission to do this.")
    step_confirm_dates(step=step, actor=signed_in(request))
    return _out(request, _journey(request, journey_id, "journey.view"))
