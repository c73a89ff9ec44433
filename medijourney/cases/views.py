"""Pages: the public inquiry form, the case team's queue, board and case workspace, the
patient's portal, and the one view that serves documents."""

import logging
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from medijourney.accounts.access import AuthenticatedRequest
from medijourney.accounts.models import User
from medijourney.accounts.permissions import has_perm
from medijourney.core.forms import add_service_errors
from medijourney.core.http import HtmxRequest, client_ip
from medijourney.core.ratelimit import RateLimitedError, rate_limit_reserve, rate_limited
from medijourney.core.uploads import StorageFullError
from medijourney.privacy.access import deny, get_visible_or_404, require_perm
from medijourney.privacy.services import audit_record
from medijourney.privacy.vault import vault_attachment_response
from medijourney.safety.answer import emergency_from_signs

from . import permissions as perms
from .consent import CURRENT_CONSENT_VERSION, consent_text
from .forms import (
    FILES_NOT_KEPT,
    AvailabilityForm,
    DocumentUploadForm,
    InquiryForm,
    MessageForm,
    NoteForm,
    ReassignForm,
    StageForm,
    TaskForm,
    inquiry_prefill,
    new_form_token,
)
from .models import Case, CaseTask, Source, Stage
from .selectors import (
    THREAD_SHOWN,
    availability_for,
    case_board,
    case_documents,
    case_events,
    case_managers_with_load,
    case_messages,
    case_notes,
    case_queue,
    case_tasks,
    case_treatments,
    cases_visible_to,
    documents_visible_to,
    first_response_stats,
    latest,
    patient_timeline,
    staff_names,
)
from .services import (
    OwnerConfirmError,
    availability_update,
    case_read_audit,
    case_reassign,
    case_transition,
    cases_list_audit,
    documents_add,
    inquiry_owner_confirm,
    inquiry_owner_decline,
    inquiry_submit,
    message_send,
    messages_mark_read,
    note_add,
    task_add,
    task_set_done,
)
from .stages import next_step
from .tokens import confirm_valid_for, inquiry_confirm_read

PAGE_SIZE = 25
TIMELINE_SHOWN = 200  # the latest rows of a case's timeline on its page
SESSION_RECEIVED = "cases_inquiry_received"

logger = logging.getLogger(__name__)


def _files_not_kept(form: Any, attached: Any = ("documents",)) -> None:
    """Browsers cannot re-fill file inputs: say so beside each field a file was attached to (every
    typed value is kept)."""
    names = ("documents", *(a.name for a in getattr(form, "attachments", ())))
    for name in (n for n in names if n in attached):
        bound = form[name]
        bound.help_text = f"{bound.help_text} {FILES_NOT_KEPT}"


# --- Public intake -------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def inquiry(request: HttpRequest) -> HttpResponse:
    """The public inquiry form (no account needed). A hidden one-time token, made when the form is
    shown, makes a double click or a refresh create exactly one case. The form can be opened
    pre-filled (GET parameters from search, compare and hospital pages, or a POST with
    ``prefill=1`` from the triage page, which keeps the patient's words out of the URL): nothing
    is sent until the patient submits it."""
    if request.method == "POST" and not request.POST.get("prefill"):
        return _inquiry_post(request)
    source = request.POST if request.method == "POST" else request.GET
    form = InquiryForm(initial=_inquiry_initial(request, inquiry_prefill(source)))
    return _inquiry_render(request, form, status=200)


def _inquiry_initial(request: HttpRequest, prefill: dict[str, Any]) -> dict[str, Any]:
    initial: dict[str, Any] = {"token": new_form_token(), "consent_version": CURRENT_CONSENT_VERSION}
    if request.user.is_authenticated:
        initial.update(full_name=request.user.full_name, email=request.user.email)
    initial["preferred_language"] = (getattr(request, "LANGUAGE_CODE", "") or "en").split("-")[0]
    initial.update(prefill)
    return initial


def _inquiry_render(request: HttpRequest, form: InquiryForm, *, status: int, limited: str = "") -> HttpResponse:
    context = {"form": form, "consent_text": consent_text(CURRENT_CONSENT_VERSION), "limited": limited}
    return render(request, "cases/inquiry.html", context, status=status)


def _intake_identities(request: HttpRequest, email: str) -> list[str]:
    """Accepted inquiries are counted per client address and per email typed."""
    return [f"ip:{client_ip(request) or 'unknown'}", f"email:{email.strip().lower()}"]


def _inquiry_limited(request: HttpRequest, form: InquiryForm, exc: RateLimitedError) -> HttpResponse:
    """429, with the form as it was typed and the wait in words (files must be attached again)."""
    if request.FILES:
        _files_not_kept(form, request.FILES)
    minutes = max(1, round(exc.retry_after / 60))
    message = ngettext(
        "You have sent several inquiries in the last hour. This one has not been sent yet: everything "
        "you typed is still below. Please send it again in about %(n)d minute.",
        "You have sent several inquiries in the last hour. This one has not been sent yet: everything "
        "you typed is still below. Please send it again in about %(n)d minutes.",
        minutes,
    ) % {"n": minutes}
    response = _inquiry_render(request, form, status=429, limited=message)
    response["Retry-After"] = str(exc.retry_after)
    return response


def _inquiry_post(request: HttpRequest) -> HttpResponse:
    form = InquiryForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            release = rate_limit_reserve(
                scope="intake", identities=_intake_identities(request, form.cleaned_data["email"])
            )
        except RateLimitedError as exc:
            return _inquiry_limited(request, form, exc)
        try:
            outcome = inquiry_submit(
                data=form.to_inquiry(),
                uploads=form.cleaned_data["documents"],
                key=f"form:{form.cleaned_data['token']}",
                source=Source.FORM,
                strict_idempotency=False,
                signed_in=request.user,
                attachments=form.attachments_checked,
            )
        except ValidationError as exc:
            release()
            add_service_errors(form, exc)
        except BaseException:
            release()
            raise
        else:
            if not outcome.created:
                release()  # a double click or a refresh: the same case, counted once
            request.session[SESSION_RECEIVED] = outcome.case.reference
            return redirect("cases:inquiry_received")
    if request.FILES:
        _files_not_kept(form, request.FILES)
    return _inquiry_render(request, form, status=422)


@never_cache
def inquiry_received(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(SESSION_RECEIVED)
    if not reference:
        return redirect("cases:inquiry")
    case = (
        Case.objects.filter(reference=reference)
        .only("reference", "first_response_due_at", "stage", "emergency_flagged", "triage", "country_of_residence")
        .first()
    )
    if case is None:
        return redirect("cases:inquiry")
    emergency = (
        emergency_from_signs(case.emergency_signs, country=str(case.country_of_residence))
        if case.emergency_flagged
        else None
    )
    context = {"case": case, "next_step": next_step(Stage.NEW), "emergency": emergency}
    return render(request, "cases/inquiry_received.html", context)


# --- Case team: queue, board, availability -----------------------------------------------------


@never_cache
@require_perm("cases.work_cases")
def queue(request: HtmxRequest) -> HttpResponse:
    user = request.user
    lead = perms.is_case_lead(user)
    scope = request.GET.get("scope", "all" if lead else "mine")
    if scope not in ("mine", "unassigned", "all"):
        scope = "mine"
    stage = request.GET.get("stage", "")
    if stage and stage not in Stage.values:
        stage = ""
    page = Paginator(case_queue(user=user, scope=scope, stage=stage), PAGE_SIZE).get_page(request.GET.get("page"))
    cases_list_audit(user=user, cases=page.object_list)
    context = {
        "page": page,
        "scope": scope,
        "stage": stage,
        "stages": [(s.value, s.label) for s in Stage if s not in (Stage.CLOSED, Stage.CANCELLED)],
        "stats": first_response_stats() if lead else None,
        "is_lead": lead,
    }
    template = "cases/partials/queue_table.html" if request.htmx else "cases/queue.html"
    return render(request, template, context)


@never_cache
@require_perm("cases.work_cases")
def board(request: HttpRequest) -> HttpResponse:
    columns = case_board(user=request.user)
    shown: list[dict[str, Any]] = []
    for value, label, items in columns:
        shown.append(
            {"stage": value, "label": label, "cases": items[:PAGE_SIZE], "more": max(len(items) - PAGE_SIZE, 0)}
        )
    cases_list_audit(user=request.user, cases=[c for col in shown for c in col["cases"]])
    return render(request, "cases/board.html", {"columns": shown})


@never_cache
@require_perm("cases.view_availability")
def availability(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = None
    if has_perm(user, "cases.edit_availability"):
        row = availability_for(user)
        if request.method == "POST":
            form = AvailabilityForm(request.POST)
            if form.is_valid():
                availability_update(user=user, **form.cleaned_data)
                messages.success(request, _("Your availability is saved."))
                return redirect("cases:availability")
        else:
            form = AvailabilityForm(
                initial={
                    "out_of_office": row.out_of_office if row else False,
                    "back_on": row.back_on if row else None,
                    "note": row.note if row else "",
                }
            )
    elif request.method == "POST":
        deny(user, "cases.edit_availability", reason="role")
        raise PermissionDenied
    team = None
    if perms.is_case_lead(user):
        team = Paginator(case_managers_with_load(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/availability.html", {"form": form, "team": team})


# --- Case workspace ---------------------------------------------------------------------------


def _staff_case(request: HttpRequest, reference: str, action: str) -> Case:
    case = get_visible_or_404(cases_visible_to(request.user), request.user, action, reference=reference)
    if not perms.can_work_case(request.user, case):
        deny(request.user, action, obj=case, patient=case.patient, reason="not on the case team")
        raise Http404
    return case


def _thread(request: HttpRequest, case: Case) -> dict[str, Any]:
    """The newest messages and documents of the case (all of them with ``?all=1``)."""
    limit = None if request.GET.get("all") == "1" else THREAD_SHOWN
    msgs, msgs_hidden = latest(case_messages(user=request.user, case=case), limit=limit)
    docs, docs_hidden = latest(case_documents(user=request.user, case=case), limit=limit)
    return {"messages_list": msgs, "messages_hidden": msgs_hidden, "documents": docs, "documents_hidden": docs_hidden}


def _workspace_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    user = request.user
    events_total = case.events.count()
    events = list(case_events(case)[max(events_total - TIMELINE_SHOWN, 0) :])
    return {
        "case": case,
        "events": events,
        "events_hidden": max(events_total - TIMELINE_SHOWN, 0),
        "people": staff_names(events),
        "tasks": case_tasks(case),
        "notes": case_notes(user=user, case=case),
        **_thread(request, case),
        "message_form": forms.get("message_form") or MessageForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "task_form": forms.get("task_form") or TaskForm(),
        "stage_form": forms.get("stage_form") or StageForm(stage=case.stage),
        "upload_form": forms.get("upload_form") or DocumentUploadForm(),
        "reassign_form": forms.get("reassign_form")
        or (ReassignForm(initial={"assigned_to": case.assigned_to}) if perms.can_reassign_case(user, case) else None),
        "can_reassign": perms.can_reassign_case(user, case),
        "can_message": perms.can_message_case(user, case),
        "can_upload": perms.can_upload_document(user, case),
        "is_open": case.is_open,
    }


def _audit_messages(user: Any, case: Case, shown: list[Any]) -> None:
    if shown:
        audit_record(actor=user, action="message.list", obj=case, patient=case.patient, detail={"count": len(shown)})


@never_cache
@require_perm("cases.work_cases")
def detail(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = _staff_case(request, reference, "case.view")
    context = _workspace_context(request, case)
    case_read_audit(user=request.user, case=case)
    _audit_messages(request.user, case, context["messages_list"])
    messages_mark_read(messages=context["messages_list"], reader=request.user)
    return render(request, "cases/detail.html", context)


def _section_response(request: HttpRequest, case: Case, section: str, status: int = 200, **forms: Any) -> HttpResponse:
    """An htmx answer: the updated section, plus the header and the timeline swapped out of band
    (every action changes the timeline; some change the stage or the clock)."""
    case.refresh_from_db()
    context = _workspace_context(request, case, **forms)
    if section == "messages":
        _audit_messages(request.user, case, context["messages_list"])
    html = render_to_string(f"cases/partials/{section}.html", context, request=request)
    if section != "header":
        html += render_to_string("cases/partials/header.html", {**context, "oob": True}, request=request)
    html += render_to_string("cases/partials/timeline.html", {**context, "oob": True}, request=request)
    return HttpResponse(html, status=status)


def _after_action(request: HtmxRequest, case: Case, section: str, status: int = 200, **forms: Any) -> HttpResponse:
    if request.htmx:
        return _section_response(request, case, section, **forms)
    if status >= 400:
        context = _workspace_context(request, case, **forms)
        case_read_audit(user=request.user, case=case)
        return render(request, "cases/detail.html", context, status=status)
    return redirect(reverse("cases:detail", args=[case.reference]) + f"#{section}")


@require_POST
@require_perm("cases.work_cases")
def note_create(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = _staff_case(request, reference, "note.add")
    form = NoteForm(request.POST)
    if form.is_valid():
        note_add(case=case, author=request.user, body=form.cleaned_data["body"])
        return _after_action(request, case, "notes")
    return _after_action(request, case, "notes", status=422, note_form=form)


@require_POST
@require_perm("cases.work_cases")
def task_create(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = _staff_case(request, reference, "task.add")
    form = TaskForm(request.POST)
    if form.is_valid():
        try:
            task_add(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _after_action(request, case, "tasks")
    return _after_action(request, case, "tasks", status=422, task_form=form)


@require_POST
@require_perm("cases.work_cases")
def task_toggle(request: AuthenticatedRequest, reference: str, task_id: str) -> HttpResponse:
    case = _staff_case(request, reference, "task.update")
    item = CaseTask.objects.filter(case=case, public_id=task_id).first()
    if item is None:
        raise Http404
    task_set_done(task=item, actor=request.user, done=request.POST.get("done") == "1")
    return _after_action(request, case, "tasks")


@require_POST
@require_perm("cases.work_cases")
def stage_change(request: HtmxRequest, reference: str) -> HttpResponse:
    case = _staff_case(request, reference, "case.transition")
    form = StageForm(request.POST, stage=case.stage)
    if form.is_valid():
        try:
            case_transition(
                case=case, to=form.cleaned_data["to"], actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            if request.htmx:
                return _section_response(request, case, "header")
            messages.success(request, _("Stage changed."))
            return redirect("cases:detail", reference=case.reference)
    return _after_action(request, case, "header", status=422, stage_form=form)


@require_POST
@require_perm("cases.lead_cases")
def reassign(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = get_visible_or_404(cases_visible_to(request.user), request.user, "case.reassign", reference=reference)
    form = ReassignForm(request.POST)
    if form.is_valid():
        try:
            case_reassign(case=case, to=form.cleaned_data["assigned_to"], actor=request.user)
        except ValidationError as exc:
            form.add_error("assigned_to", exc.messages[0])
        else:
            messages.success(request, _("Case reassigned."))
            return redirect("cases:detail", reference=case.reference)
    return _after_action(request, case, "header", status=422, reassign_form=form)


# --- Shared by the case team and the patient: messages and documents --------------------------


def _visible_case(request: HttpRequest, reference: str, action: str) -> Case:
    return get_visible_or_404(cases_visible_to(request.user), request.user, action, reference=reference)


def _is_patient_view(request: HttpRequest, case: Case) -> bool:
    return case.patient_id == request.user.pk and not perms.can_work_case(request.user, case)


def _patient_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    return {
        "case": case,
        **_thread(request, case),
        "message_form": forms.get("message_form") or MessageForm(),
        "upload_form": forms.get("upload_form") or DocumentUploadForm(),
        "next_step": next_step(case.stage),
        "stages": [(s.value, s.label) for s in Stage if s != Stage.CANCELLED or case.stage == Stage.CANCELLED],
        "can_message": perms.can_message_case(request.user, case),
        "can_upload": perms.can_upload_document(request.user, case),
        "patient_view": True,
        "patient_events": patient_timeline(case),
    }


def _patient_after(request: HtmxRequest, case: Case, section: str, status: int = 200, **forms: Any) -> HttpResponse:
    context = _patient_context(request, case, **forms)
    if request.htmx:
        if section == "messages":
            _audit_messages(request.user, case, context["messages_list"])
        html = render_to_string(f"cases/partials/{section}.html", context, request=request)
        html += render_to_string("cases/partials/patient_timeline.html", {**context, "oob": True}, request=request)
        return HttpResponse(html)  # htmx swaps only 2xx answers: the form's errors are in the fragment
    if status >= 400:
        case_read_audit(user=request.user, case=case)
        return render(request, "cases/my_case.html", context, status=status)
    return redirect(reverse("cases:my_case", args=[case.reference]) + f"#{section}")


@require_POST
@require_perm("cases.message_case")
@rate_limited("message")
def message_create(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = _visible_case(request, reference, "message.send")
    patient_view = _is_patient_view(request, case)
    if not perms.can_message_case(request.user, case):
        deny(request.user, "message.send", obj=case, patient=case.patient, reason="case closed or not on the case")
        raise PermissionDenied
    form = MessageForm(request.POST)
    after = _patient_after if patient_view else _after_action
    if form.is_valid():
        message_send(case=case, author=request.user, body=form.cleaned_data["body"])
        return after(request, case, "messages")
    return after(request, case, "messages", status=422, message_form=form)


@require_POST
@require_perm("cases.upload_document")
@rate_limited("upload")
def document_upload(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = _visible_case(request, reference, "document.upload")
    patient_view = _is_patient_view(request, case)
    if not perms.can_upload_document(request.user, case):
        deny(request.user, "document.upload", obj=case, patient=case.patient, reason="case closed or not on the case")
        raise PermissionDenied
    form = DocumentUploadForm(request.POST, request.FILES)
    after = _patient_after if patient_view else _after_action
    if form.is_valid():
        try:
            documents_add(case=case, uploads=form.cleaned_data["documents"], actor=request.user)
            return after(request, case, "documents")
        except StorageFullError:  # nothing was stored; said on the field, the form kept
            logger.error("document storage full", extra={"path": request.path})
            form.add_error("documents", StorageFullError.message)
    if request.FILES:
        _files_not_kept(form)
    return after(request, case, "documents", status=422, upload_form=form)


@never_cache
@require_perm("cases.read_case")
def document_download(request: HttpRequest, reference: str, document_id: str) -> HttpResponse:
    """The only way a document leaves the server: permission checked, audited, sent as an
    attachment with the sniffed type, never cached, never sniffed by the browser."""
    document = get_visible_or_404(
        documents_visible_to(request.user).filter(case__reference=reference),
        request.user,
        "document.download",
        public_id=document_id,
    )
    case = document.case
    if not perms.can_download_document(request.user, document):
        reason = "waiting for virus scan" if document.scan_status == "pending_scan" else "not servable"
        deny(request.user, "document.download", obj=document, patient=case.patient, reason=reason)
        if document.scan_status == "pending_scan":
            return HttpResponse(
                _("This document is waiting for its virus scan. Please try again in a few minutes."),
                status=409,
                content_type="text/plain; charset=utf-8",
            )
        raise Http404
    response = vault_attachment_response(document.storage_key, filename=document.original_name, kind=document.kind)
    audit_record(actor=request.user, action="document.download", obj=document, patient=case.patient)
    return response


# --- Patient portal ------------------------------------------------------------------------------


@never_cache
@require_perm("cases.view_own_cases")
def my_cases(request: AuthenticatedRequest) -> HttpResponse:
    qs = (
        cases_visible_to(request.user)
        .filter(patient=request.user)
        .annotate(unread=Count("messages", filter=Q(messages__from_staff=True, messages__read_at__isnull=True)))
        .order_by("-created_at")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    cases_list_audit(user=request.user, cases=page.object_list)
    treatments = case_treatments(list(page.object_list))
    rows = [(case, treatments[case.pk]) for case in page.object_list]
    return render(request, "cases/my_cases.html", {"page": page, "rows": rows})


@never_cache
@require_perm("cases.view_own_cases")
def my_case(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = get_visible_or_404(
        cases_visible_to(request.user).filter(patient=request.user), request.user, "case.view", reference=reference
    )
    context = _patient_context(request, case)
    case_read_audit(user=request.user, case=case)
    _audit_messages(request.user, case, context["messages_list"])
    messages_mark_read(messages=context["messages_list"], reader=request.user)
    return render(request, "cases/my_case.html", context)


# --- The owner of an existing account confirms an inquiry sent with their address ----------------


def _confirm_claim(request: HttpRequest, token: str) -> tuple[Case, User]:
    claim = inquiry_confirm_read(token)
    case = Case.objects.select_related("patient").filter(public_id=claim.case).first() if claim else None
    owner = User.objects.filter(public_id=claim.owner, is_active=True).first() if claim else None
    if case is None or owner is None:
        raise Http404
    if request.user.is_authenticated and request.user.pk != owner.pk:
        deny(request.user, "case.owner_confirm", obj=case, reason="signed in as another account")
        raise PermissionDenied
    return case, owner


@never_cache
@require_http_methods(["GET", "POST"])
def inquiry_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: opening it changes nothing; the owner then confirms (the inquiry moves
    into their account) or declines. Works without signing in (the link proves the mailbox, as a
    password reset link does), refuses another signed-in account."""
    case, owner = _confirm_claim(request, token)
    mine = case.patient_id == owner.pk
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        if decision not in ("confirm", "decline"):
            raise Http404
        try:
            if decision == "confirm":
                case = inquiry_owner_confirm(case=case, owner=owner)
            elif not mine:
                inquiry_owner_decline(case=case, owner=owner)
        except OwnerConfirmError:
            raise Http404 from None
        if decision == "confirm" and request.user.is_authenticated:
            return redirect("cases:my_case", case.reference)
        return render(request, "cases/inquiry_confirm.html", {"case": case, "done": decision})
    if not mine and case.events.filter(kind="owner_declined").exists():
        raise Http404
    context = {"case": case, "done": "confirm" if mine else "", "valid_days": confirm_valid_for().days}
    return render(request, "cases/inquiry_confirm.html", context)
