"""Interop as JSON: the partner hospital writes (and corrects) a journey's discharge summary; the
patient, the case team and the hospital read it (any version); the patient and the case team get the
case's International Patient Summary (FHIR R4 document Bundle, IPS 2.0.0). Every object comes through
``journeys_visible_to`` / ``cases_visible_to`` (404 and an audited denial otherwise)."""

import json
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status
from ninja.errors import HttpError

from medijourney.accounts.api_auth import any_auth
from medijourney.cases.selectors import cases_visible_to
from medijourney.core.api import ErrorOut
from medijourney.journeys.models import Journey
from medijourney.journeys.selectors import journeys_visible_to
from medijourney.privacy.access import deny, get_visible_or_404, signed_in
from medijourney.privacy.services import audit_record

from . import permissions as perms
from .ips import ips_json
from .models import DischargeSummary
from .schemas import DischargeIn, DischargeOut
from .selectors import ips_source, summary_versions
from .services import DischargeInput, discharge_summary_save

router = Router(tags=["interop"])
FORBIDDEN = "You do not have permission to do this."


def _journey(request: HttpRequest, journey_id: UUID, action: str) -> Journey:
    if not perms.may_read_summaries(request.user):
        deny(request.user, action, reason="role")
        raise HttpError(403, FORBIDDEN)
    journey = get_visible_or_404(journeys_visible_to(request.user), request.user, action, public_id=journey_id)
    if not perms.can_read_discharge_summary(request.user, journey):
        deny(request.user, action, obj=journey, patient=journey.case.patient, reason="role")
        raise HttpError(403, FORBIDDEN)
    return journey


def _out(summary: DischargeSummary, versions: list[int]) -> dict[str, Any]:
    fields = (
        "procedures",
        "procedure_date",
        "surgeon",
        "complications",
        "diagnoses",
        "medications",
        "devices",
        "allergies",
        "instructions",
        "follow_up",
        "fit_to_fly_date",
        "correction_reason",
    )
    return {
        "id": summary.public_id,
        "journey": summary.journey.public_id,
        "version": summary.version,
        "written_at": summary.created_at,
        "versions": versions,
        **{f: getattr(summary, f) for f in fields},
    }


@router.get(
    "/journeys/{journey_id}/discharge-summary",
    response={200: DischargeOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=any_auth,
    summary="A journey's discharge summary (the current version, or ?version=N)",
)
def discharge_summary_get(request: HttpRequest, journey_id: UUID, version: int | None = None) -> dict[str, Any]:
    journey = _journey(request, journey_id, "discharge_summary.view")
    versions = summary_versions(journey)
    shown = next((v for v in versions if version is None or v.version == version), None)
    if shown is None:
        raise HttpError(404, "Not found.")
    audit_record(
        actor=request.user,
        action="discharge_summary.view",
        obj=shown,
        patient=journey.case.patient,
        detail={"version": shown.version},
    )
    return _out(shown, [v.version for v in versions])


@router.post(
    "/partner/journeys/{journey_id}/discharge-summary",
    response={201: DischargeOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=any_auth,
    summary="The hospital writes the discharge summary (a correction is a new version)",
)
def discharge_summary_post(request: HttpRequest, journey_id: UUID, payload: DischargeIn) -> Status:
    journey = _journey(request, journey_id, "discharge_summary.write")
    if not perms.can_write_discharge_summary(request.user, journey):
        deny(
            request.user,
            "discharge_summary.write",
            obj=journey,
            patient=journey.case.patient,
            reason="not the hospital",
        )
        raise HttpError(403, FORBIDDEN)
    data = payload.dict()
    lists = {k: data.pop(k) for k in ("procedures", "diagnoses", "medications", "devices", "allergies")}
    for kind, name in (("medications", "until"), ("procedures", "date")):
        for item in lists[kind]:
            item[name] = item[name].isoformat() if item[name] else ""
    saved = discharge_summary_save(journey=journey, data=DischargeInput(**data, **lists), actor=signed_in(request))
    return Status(201, _out(saved, [v.version for v in summary_versions(journey)]))


@router.get(
    "/cases/{reference}/ips",
    response={200: dict[str, Any], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=any_auth,
    summary="The case's International Patient Summary (FHIR R4 document Bundle, IPS 2.0.0)",
    openapi_extra={"responses": {"200": {"content": {"application/fhir+json": {}}}}},
)
def case_ips(request: HttpRequest, reference: str) -> HttpResponse:
    if not perms.may_export_ips(request.user):
        deny(request.user, "ips.export", reason="role")
        raise HttpError(403, FORBIDDEN)
    case = get_visible_or_404(cases_visible_to(request.user), request.user, "ips.export", reference=reference)
    if not perms.can_export_ips(request.user, case):
        deny(request.user, "ips.export", obj=case, patient=case.patient, reason="role")
        raise HttpError(403, FORBIDDEN)
    body = ips_json(ips_source(case))
    audit_record(actor=request.user, action="ips.export", obj=case, patient=case.patient)
    json.loads(body)  # the model's own JSON; parsed once more so a broken model cannot answer 200
    response = HttpResponse(body, content_type="application/fhir+json")
    response["Cache-Control"] = "no-store"
    return response
