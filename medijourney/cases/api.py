"""Cases JSON API.

* ``POST /inquiries`` is public (no account). Send an ``Idempotency-Key`` header: a retry with the
  same key and the same body returns the same case and the same response; the same key with a
  different body is refused (422 naming ``Idempotency-Key``).
* Documents go separately, as multipart, to ``POST /inquiries/{reference}/documents`` with the
  ``X-Upload-Token`` header from the inquiry's response (valid 24 hours) — JSON bodies stay small
  and files are streamed, not base64-encoded.
* Signed-in people (session or bearer token) read the cases they may see: the patient their own,
  a case manager those assigned to them, leads all. Internal notes are for the case team only.
"""

import secrets
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Header, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from medijourney.accounts.access import AuthenticatedRequest
from medijourney.accounts.api_auth import any_auth
from medijourney.accounts.permissions import has_perm
from medijourney.core.api import ErrorOut, PageLimit, PageOffset
from medijourney.core.ratelimit import rate_limit_hit, rate_limit_reserve, request_identity
from medijourney.core.uploads import max_upload_files, validate_uploads
from medijourney.privacy.access import deny, get_visible_or_404
from medijourney.privacy.services import audit_record
from medijourney.safety.answer import emergency_from_signs

from . import permissions as perms
from .models import Case, Document, Message, Source, Stage
from .schemas import (
    CaseDetailOut,
    CaseListOut,
    DocumentOut,
    InquiryCreatedOut,
    InquiryIn,
    MessageIn,
    MessageListOut,
    MessageOut,
    NoteOut,
    TransitionIn,
)
from .selectors import case_documents, case_messages, case_notes, cases_visible_to
from .services import (
    UPLOAD_TOKEN_VALID,
    IdempotencyConflictError,
    InquiryData,
    case_read_audit,
    case_transition,
    cases_list_audit,
    documents_add,
    inquiry_submit,
    message_send,
    upload_token_for,
    upload_token_valid,
)
from .stages import next_step

router = Router(tags=["cases"])


def _idempotency_key(raw: str | None) -> str:
    if raw is None or raw == "":
        return f"api:auto:{secrets.token_hex(16)}"  # no key: no retry protection
    if len(raw) > 200 or not raw.isprintable() or not raw.isascii():
        raise ValidationError({"Idempotency-Key": _("Use 1 to 200 printable ASCII characters.")})
    return f"api:{raw}"


def _created_body(case: Case) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "status": "received",
        "received_at": case.created_at,
        "first_response_due_at": case.first_response_due_at,
        "message": _(
            "We have your inquiry. A human case manager will answer within 24 hours. We emailed the "
            "reference, with a link to set a password, to the address given."
        ),
        "emergency": emergency_from_signs(case.emergency_signs, country=str(case.country_of_residence)).as_dict()
        if case.emergency_flagged
        else {"detected": False},
        "documents_upload": {
            "url": reverse("api-v1:inquiry_documents", kwargs={"reference": case.reference}),
            "token": upload_token_for(case),
            "expires_at": case.created_at + UPLOAD_TOKEN_VALID,
            "max_files": max_upload_files(),
        },
    }


@router.post(
    "/inquiries",
    response={201: InquiryCreatedOut, 422: ErrorOut},
    auth=None,
    summary="Send an inquiry (public)",
    openapi_extra={
        "parameters": [
            {
                "in": "header",
                "name": "Idempotency-Key",
                "required": False,
                "schema": {"type": "string", "maxLength": 200},
                "description": "Any unique string per inquiry (e.g. a UUID). Retrying with it never makes a second case.",
            }
        ]
    },
)
def inquiry_create(request: HttpRequest, payload: InquiryIn, response: HttpResponse) -> Status:
    """Create a case from an inquiry. The answer carries the case reference and where to upload
    medical reports. The response is the same whether or not the email already has an account."""
    key = _idempotency_key(request.headers.get("Idempotency-Key"))
    data = InquiryData(**payload.model_dump())
    # Accepted inquiries are counted (per client address and per email): a 422 costs nothing.
    release = rate_limit_reserve(scope="intake", identities=[request_identity(request), f"email:{data.email.lower()}"])
    try:
        outcome = inquiry_submit(data=data, key=key, source=Source.API, strict_idempotency=True)
    except IdempotencyConflictError:
        release()
        raise ValidationError(
            {"Idempotency-Key": _("This Idempotency-Key was already used with a different request body.")}
        ) from None
    except BaseException:
        release()
        raise
    if not outcome.created:
        release()
        response["Idempotent-Replayed"] = "true"
    return Status(201, _created_body(outcome.case))


@router.post(
    "/inquiries/{reference}/documents",
    response={201: list[DocumentOut], 404: ErrorOut, 422: ErrorOut, 507: ErrorOut},
    auth=None,
    url_name="inquiry_documents",
    summary="Attach medical reports to a new inquiry (multipart)",
)
def inquiry_documents(
    request: HttpRequest,
    reference: str,
    files: Annotated[
        list[UploadedFile], File(description="PDF, JPEG or PNG files; the type is read from the content.")
    ],
    x_upload_token: Annotated[str, Header(alias="X-Upload-Token", description="From the inquiry's response.")] = "",
) -> Status:
    """Upload documents for an inquiry with the token from its response (24 hours, up to the
    per-inquiry file limit). A wrong or expired token answers 404."""
    rate_limit_hit(scope="upload", identity=request_identity(request))
    case = Case.objects.select_related("patient").filter(reference=reference).first()
    if case is None or not upload_token_valid(case, x_upload_token):
        deny(
            request.user, "document.upload", obj=case, patient=case.patient if case else None, reason="bad upload token"
        )
        raise HttpError(404, "Not found.")
    already = case.documents.filter(uploaded_by=case.patient).count()
    if already + len(files) > max_upload_files():
        raise ValidationError(
            {"files": _("An inquiry takes up to %(n)d files; sign in to add more.") % {"n": max_upload_files()}}
        )
    try:
        uploads = validate_uploads(files)
    except ValidationError as exc:
        raise ValidationError({"files": exc.messages}) from None
    documents = documents_add(case=case, uploads=uploads, actor=case.patient, audit_actor=None)
    return Status(201, [_document_out(d, case) for d in documents])


# --- Reads and actions for signed-in people -------------------------------------------------------


def _require(request: HttpRequest, permission: str) -> None:
    if not has_perm(request.user, permission):
        deny(request.user, permission, reason="role")
        raise HttpError(403, "You do not have permission to do this.")


def _case(request: HttpRequest, reference: str, action: str) -> Case:
    return get_visible_or_404(cases_visible_to(request.user), request.user, action, reference=reference)


def _clock_code(case: Case) -> str:
    if case.first_responded_at is not None:
        return "answered" if case.first_responded_at <= case.first_response_due_at else "answered_late"
    if not case.is_open:
        return "stopped"
    return "overdue" if case.first_response_due_at <= timezone.now() else "running"


def _case_out(case: Case) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "stage": case.stage,
        "stage_label": str(Stage(case.stage).label),
        "created_at": case.created_at,
        "first_response_due_at": case.first_response_due_at,
        "first_responded_at": case.first_responded_at,
        "clock": _clock_code(case),
        "case_manager": case.assigned_to.get_full_name() if case.assigned_to else None,
        "specialty_id": case.specialty_id,
        "procedure_slug": case.procedure_slug,
        "preferred_language": case.preferred_language,
        "destinations": list(case.destinations or []),
    }


def _document_out(document: Document, case: Case) -> dict[str, Any]:
    return {
        "id": str(document.public_id),
        "name": document.original_name,
        "kind": document.kind,
        "size": document.size,
        "scan_status": document.scan_status,
        "scanned": document.scanned_at is not None,
        "uploaded_at": document.created_at,
        "download_url": reverse("cases:document_download", args=[case.reference, document.public_id])
        if document.servable
        else None,
    }


def _message_out(message: Message, staff: bool) -> dict[str, Any]:
    return {
        "id": str(message.public_id),
        "author": message.author.get_full_name(),
        "from_staff": message.from_staff,
        "body": message.body,
        "created_at": message.created_at,
        "flagged": message.flagged if staff else None,
        "flag_reasons": list(message.flag_reasons) if staff else None,
    }


@router.get(
    "/cases", response={200: CaseListOut, 401: ErrorOut, 403: ErrorOut}, auth=any_auth, summary="Cases I can see"
)
def case_list(request: HttpRequest, stage: str = "", limit: PageLimit = 20, offset: PageOffset = 0) -> dict[str, Any]:
    """Open and closed cases visible to you, newest first: your own (patient), those assigned to
    you (case manager) or all (leads)."""
    _require(request, "cases.read_case")
    qs = cases_visible_to(request.user).order_by("-created_at", "-id")
    if stage in Stage.values:
        qs = qs.filter(stage=stage)
    items = list(qs[offset : offset + limit])
    cases_list_audit(user=request.user, cases=items)
    return {"items": [_case_out(c) for c in items], "count": qs.count()}


@router.get(
    "/cases/{reference}", response={200: CaseDetailOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}, auth=any_auth
)
def case_get(request: HttpRequest, reference: str) -> dict[str, Any]:
    _require(request, "cases.read_case")
    case = _case(request, reference, "case.view")
    case_read_audit(user=request.user, case=case)
    staff = perms.can_work_case(request.user, case)
    return {
        **_case_out(case),
        "full_name": case.full_name,
        "email": case.email,
        "phone": str(case.phone),
        "country_of_residence": str(case.country_of_residence),
        "passport_country": str(case.passport_country),
        "need": case.need,
        "procedure_requested": case.procedure_requested,
        "budget_amount": case.budget_amount,
        "budget_currency": case.budget_currency,
        "travel_earliest": case.travel_earliest,
        "travel_latest": case.travel_latest,
        "companion": case.companion,
        "next_step": str(next_step(case.stage)),
        "triage": case.triage if staff else None,
    }


@router.get(
    "/cases/{reference}/messages",
    response={200: MessageListOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=any_auth,
)
def message_list(request: HttpRequest, reference: str, limit: PageLimit = 50, offset: PageOffset = 0) -> dict[str, Any]:
    _require(request, "cases.read_case")
    case = _case(request, reference, "message.list")
    qs = case_messages(user=request.user, case=case)
    items = list(qs[offset : offset + limit])
    audit_record(
        actor=request.user, action="message.list", obj=case, patient=case.patient, detail={"count": len(items)}
    )
    staff = perms.can_work_case(request.user, case)
    return {"items": [_message_out(m, staff) for m in items], "count": qs.count()}


@router.post(
    "/cases/{reference}/messages",
    response={201: MessageOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=any_auth,
)
def message_create(request: AuthenticatedRequest, reference: str, payload: MessageIn) -> Status:
    _require(request, "cases.message_case")
    rate_limit_hit(scope="message", identity=request_identity(request))
    case = _case(request, reference, "message.send")
    if not perms.can_message_case(request.user, case):
        deny(request.user, "message.send", obj=case, patient=case.patient, reason="case closed or not on the case")
        raise HttpError(403, "You cannot send messages on this case.")
    message = message_send(case=case, author=request.user, body=payload.body)
    return Status(201, _message_out(message, perms.can_work_case(request.user, case)))


@router.get(
    "/cases/{reference}/documents",
    response={200: list[DocumentOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=any_auth,
)
def document_list(request: HttpRequest, reference: str) -> list[dict[str, Any]]:
    _require(request, "cases.read_case")
    case = _case(request, reference, "document.list")
    docs = list(case_documents(user=request.user, case=case)[:200])
    audit_record(
        actor=request.user, action="document.list", obj=case, patient=case.patient, detail={"count": len(docs)}
    )
    return [_document_out(d, case) for d in docs]


@router.post(
    "/cases/{reference}/documents",
    response={201: list[DocumentOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 507: ErrorOut},
    auth=any_auth,
    summary="Upload documents to a case (multipart)",
)
def document_create(
    request: AuthenticatedRequest,
    reference: str,
    files: Annotated[list[UploadedFile], File(description="PDF, JPEG or PNG files.")],
) -> Status:
    _require(request, "cases.upload_document")
    rate_limit_hit(scope="upload", identity=request_identity(request))
    case = _case(request, reference, "document.upload")
    if not perms.can_upload_document(request.user, case):
        deny(request.user, "document.upload", obj=case, patient=case.patient, reason="case closed or not on the case")
        raise HttpError(403, "You cannot add documents to this case.")
    try:
        uploads = validate_uploads(files)
    except ValidationError as exc:
        raise ValidationError({"files": exc.messages}) from None
    documents = documents_add(case=case, uploads=uploads, actor=request.user)
    return Status(201, [_document_out(d, case) for d in documents])


@router.get(
    "/cases/{reference}/notes",
    response={200: list[NoteOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=any_auth,
    summary="Internal notes (case team only)",
)
def note_list(request: HttpRequest, reference: str) -> list[dict[str, Any]]:
    _require(request, "cases.work_cases")
    case = _case(request, reference, "note.list")
    if not perms.can_view_notes(request.user, case):
        deny(request.user, "note.list", obj=case, patient=case.patient, reason="not on the case team")
        raise HttpError(404, "Not found.")
    notes = list(case_notes(user=request.user, case=case)[:200])
    audit_record(actor=request.user, action="note.list", obj=case, patient=case.patient, detail={"count": len(notes)})
    return [
        {"id": str(n.public_id), "author": n.author.get_full_name(), "body": n.body, "created_at": n.created_at}
        for n in notes
    ]


@router.post(
    "/cases/{reference}/transitions",
    response={200: CaseDetailOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=any_auth,
    summary="Move a case to another stage (case team)",
)
def case_transition_api(request: HttpRequest, reference: str, payload: TransitionIn) -> dict[str, Any]:
    _require(request, "cases.work_cases")
    case = _case(request, reference, "case.transition")
    if not perms.can_work_case(request.user, case):
        deny(request.user, "case.transition", obj=case, patient=case.patient, reason="not on the case team")
        raise HttpError(404, "Not found.")
    if payload.to not in Stage.values:
        raise ValidationError({"to": _("Unknown stage.")})
    case_transition(case=case, to=payload.to, actor=request.user, reason=payload.reason)
    return case_get(request, reference)
