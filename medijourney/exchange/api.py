"""Specialist API: the second-opinion workspace for a specialist's own system, with a bearer
token of the specialist (or the site session). It mirrors the pages: the queue by deadline, one
request (shared material only, after the conflict-of-interest declaration), clarifying
questions, the opinion as a draft or sent. Another specialist's request answers 404 and writes
an audited denial."""

from typing import Any
from uuid import UUID

from django.http import HttpResponse
from django.urls import reverse
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from medijourney.accounts.access import AuthenticatedRequest
from medijourney.accounts.api_auth import any_auth
from medijourney.accounts.permissions import has_perm
from medijourney.cases.models import Document
from medijourney.core.api import ErrorOut, Paged
from medijourney.core.audit import audit_record_many
from medijourney.network.models import Hospital
from medijourney.privacy.access import deny, get_visible_or_404
from medijourney.privacy.services import audit_record
from medijourney.privacy.vault import vault_attachment_response

from .models import OpinionRequest, OpinionStatus
from .schemas import ClarificationIn, DeclarationIn, OpinionIn, OpinionListItemOut, OpinionRequestOut
from .selectors import (
    clarifications_of,
    opinion_of,
    opinion_requests_visible_to,
    quoting_hospital_ids,
    shared_documents,
    specialist_queue,
)
from .services import clarification_ask, opinion_coi_declare, opinion_read_audit, opinion_save

router = Router(tags=["specialist second opinions"])


def _require_specialist(request: AuthenticatedRequest) -> None:
    if not has_perm(request.user, "exchange.give_opinions"):
        deny(request.user, "exchange.give_opinions", reason="role")
        raise HttpError(403, "You do not have permission to do this.")


def _get(request: AuthenticatedRequest, request_id: UUID, action: str) -> OpinionRequest:
    return get_visible_or_404(
        opinion_requests_visible_to(request.user).filter(specialist=request.user),
        request.user, action, public_id=request_id,
    )  # fmt: skip


def _item(r: OpinionRequest) -> dict[str, Any]:
    return {
        "id": r.public_id, "code": r.code, "specialty": r.specialty.name, "status": r.status, "due_at": r.due_at,
        "clock_paused": r.status == OpinionStatus.CLARIFYING, "answered_at": r.answered_at,
    }  # fmt: skip


def _detail(request: AuthenticatedRequest, r: OpinionRequest) -> dict[str, Any]:
    declared = r.coi_declared_at is not None
    opinion = opinion_of(r)
    out = {
        **_item(r),
        "coi_declared": declared,
        "quoting_hospitals": list(Hospital.objects.filter(pk__in=quoting_hospital_ids(r.case)).order_by("name").values_list("name", flat=True)),
        "opinion": None if opinion is None else {
            f: getattr(opinion, f) for f in ("understood_summary", "answers", "agreement", "alternatives", "further_tests", "confidence", "references", "plain_summary", "submitted_at")
        },
    }  # fmt: skip
    if declared:
        opinion_read_audit(user=request.user, request=r, action="opinion_request.view")
        out.update(
            summary=r.summary,
            questions=r.questions,
            documents=[
                {"id": d.public_id, "name": d.original_name, "kind": d.kind,
                 "download_url": reverse("api-v1:specialist_opinion_document", args=[r.public_id, d.public_id])}
                for d in shared_documents(r)
            ],
            clarifications=[
                {"question": c.question, "asked_at": c.asked_at, "answer": c.answer, "answered_at": c.answered_at}
                for c in clarifications_of(r)
            ],
        )  # fmt: skip
    return out


class _Page:
    def __init__(self, request: AuthenticatedRequest, qs: Any) -> None:
        self.request, self.qs = request, qs

    def __len__(self) -> int:
        return int(self.qs.count())

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        rows = list(self.qs[item])
        audit_record_many(actor=self.request.user, action="opinion_request.list", rows=[(r, r.patient) for r in rows])
        return [_item(r) for r in rows]


@router.get(
    "/specialist/opinions",
    response={200: list[OpinionListItemOut], 401: ErrorOut, 403: ErrorOut},
    auth=any_auth,
    summary="My second-opinion queue (open by deadline, or past)",
)
@paginate(Paged)
def specialist_opinion_list(request: AuthenticatedRequest, past: bool = False) -> Any:
    _require_specialist(request)
    return _Page(request, specialist_queue(request.user, past=past))


@router.get(
    "/specialist/opinions/{request_id}",
    response={200: OpinionRequestOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=any_auth,
    summary="One request: the shared material once the declaration is made",
)
def specialist_opinion_get(request: AuthenticatedRequest, request_id: UUID) -> dict[str, Any]:
    _require_specialist(request)
    return _detail(request, _get(request, request_id, "opinion_request.view"))


@router.post(
    "/specialist/opinions/{request_id}/declaration",
    response={200: OpinionRequestOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=any_auth,
    summary="Declare no tie to any hospital that quoted on the case",
)
def specialist_declare(request: AuthenticatedRequest, request_id: UUID, payload: DeclarationIn) -> dict[str, Any]:
    _require_specialist(request)
    r = opinion_coi_declare(
        request=_get(request, request_id, "opinion_request.declare_coi"), actor=request.user, declared=payload.declared
    )
    return _detail(request, r)


@router.post(
    "/specialist/opinions/{request_id}/clarifications",
    response={201: OpinionRequestOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=any_auth,
    summary="Ask the case manager a clarifying question (the clock pauses)",
)
def specialist_clarify(request: AuthenticatedRequest, request_id: UUID, payload: ClarificationIn) -> Status:
    _require_specialist(request)
    r = _get(request, request_id, "clarification.ask")
    clarification_ask(request=r, actor=request.user, question=payload.question)
    r.refresh_from_db()
    return Status(201, _detail(request, r))


def _save(request: AuthenticatedRequest, request_id: UUID, payload: OpinionIn, submit: bool) -> dict[str, Any]:
    _require_specialist(request)
    r = _get(request, request_id, "opinion.submit" if submit else "opinion.save_draft")
    opinion_save(request=r, actor=request.user, data=payload.dict(), submit=submit)
    r.refresh_from_db()
    return _detail(request, r)


@router.put(
    "/specialist/opinions/{request_id}/opinion",
    response={200: OpinionRequestOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=any_auth,
    summary="Save the opinion as a draft",
)
def specialist_opinion_draft(request: AuthenticatedRequest, request_id: UUID, payload: OpinionIn) -> dict[str, Any]:
    return _save(request, request_id, payload, submit=False)


@router.post(
    "/specialist/opinions/{request_id}/opinion",
    response={200: OpinionRequestOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=any_auth,
    summary="Send the opinion (every question answered); errors name the field, e.g. answer_2",
)
def specialist_opinion_submit(request: AuthenticatedRequest, request_id: UUID, payload: OpinionIn) -> dict[str, Any]:
    return _save(request, request_id, payload, submit=True)


@router.get(
    "/specialist/opinions/{request_id}/documents/{document_id}",
    response={200: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=any_auth,
    url_name="specialist_opinion_document",
    summary="Download a shared report (after the declaration, while the consent covers reports)",
)
def specialist_opinion_document(request: AuthenticatedRequest, request_id: UUID, document_id: UUID) -> HttpResponse:
    _require_specialist(request)
    r = _get(request, request_id, "opinion_document.download")
    allowed = shared_documents(r) if r.coi_declared_at else Document.objects.none()
    doc = get_visible_or_404(allowed, request.user, "opinion_document.download", public_id=document_id)
    audit_record(actor=request.user, action="opinion_document.download", obj=doc, patient=r.patient)
    return vault_attachment_response(doc.storage_key, filename=doc.original_name, kind=doc.kind)
