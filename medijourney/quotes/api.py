"""Partner API: a partner hospital's system, with the bearer token of one of its partner users,
lists the requests sent to its hospital, reads one, submits a treatment plan and quote, or
declines. Every call goes through ``quote_requests_visible_to`` (the patient's consent checked on
each call): another hospital's request, or one whose consent was withdrawn, answers 404 and
writes an audited denial."""

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from medijourney.accounts.access import AuthenticatedRequest
from medijourney.accounts.api_auth import any_auth
from medijourney.accounts.permissions import has_perm
from medijourney.catalog.models import Procedure
from medijourney.core.api import ErrorOut, Paged
from medijourney.network.models import Doctor
from medijourney.network.offer_items import OFFER_ITEMS
from medijourney.privacy.access import deny, get_visible_or_404
from medijourney.privacy.services import audit_record

from .models import QuoteRequest
from .schemas import DeclineIn, QuoteIn, RequestListItemOut, RequestOut
from .selectors import (
    partner_request_list,
    quote_of,
    quote_requests_visible_to,
    request_documents,
    shared_documents_visible_to,
)
from .services import (
    LineInput,
    PlanInput,
    quote_request_decline,
    quote_submit,
    request_read_audit,
    requests_list_audit,
)
from .views import document_response

router = Router(tags=["partner quotes"])


def _require_partner(request: HttpRequest) -> None:
    if not has_perm(request.user, "quotes.answer_requests"):
        deny(request.user, "quotes.answer_requests", reason="role")
        raise HttpError(403, "You do not have permission to do this.")


def _request(request: HttpRequest, request_id: UUID, action: str) -> QuoteRequest:
    return get_visible_or_404(quote_requests_visible_to(request.user), request.user, action, public_id=request_id)


def _list_item(r: QuoteRequest) -> dict[str, Any]:
    return {
        "id": r.public_id,
        "code": r.code,
        "status": r.status,
        "scope": r.scope,
        "procedure": r.procedure.slug if r.procedure else None,
        "sent_at": r.sent_at,
        "respond_by": r.respond_by,
        "answered_at": r.responded_at,
    }


def _detail(request: HttpRequest, r: QuoteRequest) -> dict[str, Any]:
    quote = quote_of(r)
    return {
        **_list_item(r),
        "summary": r.summary,
        "decline_reason": r.decline_reason,
        "documents": [
            {
                "id": d.public_id,
                "name": d.original_name,
                "kind": d.kind,
                "size": d.size,
                "download_url": reverse("api-v1:partner_request_document", args=[r.public_id, d.public_id]),
            }
            for d in request_documents(user=request.user, request=r)
        ],
        "quote": None
        if quote is None
        else {
            "id": quote.public_id,
            "clinical_summary": quote.clinical_summary,
            "procedure": quote.procedure.slug,
            "doctor": quote.doctor.public_id,
            "pre_op_days": quote.pre_op_days,
            "inpatient_nights": quote.inpatient_nights,
            "days_before_flying": quote.days_before_flying,
            "currency": quote.currency,
            "total": quote.total,
            "valid_until": quote.valid_until,
            "submitted_at": quote.submitted_at,
            "lines": [
                {"item": ln.item, "status": ln.status, "amount": ln.amount, "note": ln.note} for ln in quote.lines.all()
            ],
        },
        "standard_items": [{"id": item_id, "label": str(label)} for item_id, label in OFFER_ITEMS],
    }


class _Page:
    """Lazily sliced: pagination counts and slices the queryset; the page's rows are audited."""

    def __init__(self, request: HttpRequest, qs: Any) -> None:
        self.request, self.qs = request, qs

    def __len__(self) -> int:
        return int(self.qs.count())

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        rows = list(self.qs[item])
        requests_list_audit(user=self.request.user, requests=rows)
        return [_list_item(r) for r in rows]


@router.get(
    "/partner/requests",
    response={200: list[RequestListItemOut], 401: ErrorOut, 403: ErrorOut},
    auth=any_auth,
    summary="Quote requests sent to my hospital",
)
@paginate(Paged)
def partner_request_list_api(request: HttpRequest, status: str = "") -> Any:
    """Requests sent to the hospital of the token's partner user, open ones first by deadline.
    A request disappears as soon as the patient withdraws consent."""
    _require_partner(request)
    return _Page(request, partner_request_list(user=request.user, status=status))


@router.get(
    "/partner/requests/{request_id}",
    response={200: RequestOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=any_auth,
    summary="One quote request (shared material only)",
)
def partner_request_get(request: HttpRequest, request_id: UUID) -> dict[str, Any]:
    _require_partner(request)
    r = _request(request, request_id, "quote_request.view")
    request_read_audit(user=request.user, request=r)
    return _detail(request, r)


@router.get(
    "/partner/requests/{request_id}/documents/{document_id}",
    response={200: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=any_auth,
    url_name="partner_request_document",
    summary="Download a shared medical report",
)
def partner_request_document(request: HttpRequest, request_id: UUID, document_id: UUID) -> HttpResponse:
    """The file, while the consent for your hospital includes reports (checked on this call)."""
    _require_partner(request)
    shared = get_visible_or_404(
        shared_documents_visible_to(request.user).filter(request__public_id=request_id),
        request.user,
        "document.download",
        document__public_id=document_id,
        request__public_id=request_id,
    )
    audit_record(
        actor=request.user,
        action="document.download",
        obj=shared.document,
        patient=shared.request.patient,
        detail={"via": "quote_request"},
    )
    return document_response(shared)


@router.post(
    "/partner/requests/{request_id}/quote",
    response={201: RequestOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=any_auth,
    summary="Answer with a treatment plan and an itemised quote",
)
def partner_quote_submit(request: AuthenticatedRequest, request_id: UUID, payload: QuoteIn) -> Status:
    """State every standard item (``standard_items`` of the request): included with its amount,
    not included, or not applicable. Errors name the field, e.g. ``lines.implant``."""
    _require_partner(request)
    r = _request(request, request_id, "quote.submit")
    procedure = Procedure.objects.filter(slug=payload.procedure).first()
    if procedure is None:
        raise ValidationError({"procedure": "Unknown procedure slug."})
    doctor = Doctor.objects.filter(public_id=payload.doctor, hospital=r.hospital).first()
    plan = PlanInput(
        clinical_summary=payload.clinical_summary,
        procedure=procedure,
        doctor=doctor,
        pre_op_days=payload.pre_op_days,
        inpatient_nights=payload.inpatient_nights,
        days_before_flying=payload.days_before_flying,
        currency=payload.currency,
        valid_until=payload.valid_until,
        lines={k: LineInput(v.status, v.amount, v.note) for k, v in payload.lines.items()},
    )
    quote_submit(request=r, actor=request.user, plan=plan)
    r.refresh_from_db()
    return Status(201, _detail(request, r))


@router.post(
    "/partner/requests/{request_id}/decline",
    response={200: RequestOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=any_auth,
    summary="Decline a request with a reason",
)
def partner_request_decline(request: AuthenticatedRequest, request_id: UUID, payload: DeclineIn) -> dict[str, Any]:
    _require_partner(request)
    r = _request(request, request_id, "quote_request.decline")
    quote_request_decline(request=r, actor=request.user, reason=payload.reason)
    r.refresh_from_db()
    return _detail(request, r)
