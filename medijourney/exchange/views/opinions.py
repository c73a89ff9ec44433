"""Second-opinion pages: the patient's (request, consent, reading the opinion), the case team's
panel of a case (request, assign, answer questions) and the specialist's workspace. Objects come
through ``opinion_requests_visible_to`` or the cases filter; every refusal is audited."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from medijourney.accounts.access import AuthenticatedRequest
from medijourney.accounts.models import User
from medijourney.cases.models import Case, Document
from medijourney.cases.selectors import cases_visible_to
from medijourney.core.audit import audit_record_many
from medijourney.core.forms import add_service_errors
from medijourney.core.ratelimit import rate_limited
from medijourney.network.models import Hospital
from medijourney.privacy.access import deny, get_visible_or_404, require_perm
from medijourney.privacy.services import audit_record
from medijourney.privacy.vault import vault_attachment_response
from medijourney.quotes.models import Scope
from medijourney.quotes.selectors import summary_draft
from medijourney.safety.answer import emergency_answer

from .. import permissions as perms
from ..consent import COI_TEXT, CURRENT_OPINION_CONSENT_VERSION, opinion_consent_text
from ..forms import (
    AnswerForm,
    AssignForm,
    ClarifyForm,
    CoiForm,
    ConsentOnlyForm,
    DeclineForm,
    OpinionForm,
    PatientRequestForm,
    StaffRequestForm,
)
from ..models import Clarification, OpinionRequest, OpinionStatus
from ..selectors import (
    active_opinion_consent,
    case_opinion_requests,
    clarifications_of,
    eligible_specialists,
    opinion_of,
    opinion_requests_visible_to,
    proposed_specialists,
    quoting_hospital_ids,
    shared_documents,
    specialist_queue,
)
from ..services import (
    clarification_answer,
    clarification_ask,
    opinion_assign,
    opinion_coi_declare,
    opinion_consent_grant,
    opinion_decline,
    opinion_read_audit,
    opinion_request_create,
    opinion_save,
)

PAGE_SIZE = 25


# --- The patient -----------------------------------------------------------------------------------


def _own_case(request: AuthenticatedRequest, reference: str, action: str) -> Case:
    return get_visible_or_404(
        cases_visible_to(request.user).filter(patient=request.user), request.user, action, reference=reference
    )


@never_cache
@require_perm("exchange.request_opinion")
@rate_limited("opinion_request")
def my_opinions(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = _own_case(request, reference, "opinion_request.list")
    form = PatientRequestForm()
    consent_form = ConsentOnlyForm()
    status = 200
    emergency = None
    if request.method == "POST" and request.POST.get("action") == "consent":
        consent_form = ConsentOnlyForm(request.POST)
        if consent_form.is_valid():
            try:
                opinion_consent_grant(case=case, scope=consent_form.cleaned_data["scope"], actor=request.user)
            except ValidationError as exc:
                add_service_errors(consent_form, exc)
            else:
                messages.success(request, _("Consent recorded: your case manager may now ask a specialist."))
                return redirect("exchange:my_opinions", reference=case.reference)
        status = 422
    elif request.method == "POST":
        form = PatientRequestForm(request.POST)
        if form.is_valid():
            # The patient's own words go through the emergency check before anything else.
            emergency = emergency_answer(
                "\n".join(form.questions()), request=request, country=str(case.country_of_residence)
            )
            try:
                opinion_request_create(
                    case=case, specialty=form.cleaned_data["specialty"], questions=form.questions(),
                    scope=form.cleaned_data["scope"] or None, actor=request.user,
                )  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc, rename=lambda f: "question_1" if f == "questions" else f)
            else:
                if emergency is None:
                    messages.success(
                        request, _("Your request was sent to your case manager, who will choose a specialist.")
                    )
                    return redirect("exchange:my_opinions", reference=case.reference)
                form = PatientRequestForm()
                messages.success(
                    request, _("Your request was sent to your case manager, who will choose a specialist.")
                )
        if form.errors:
            status = 422
    items = list(case_opinion_requests(case))
    answered = [(r, opinion_of(r)) for r in items if r.status == OpinionStatus.ANSWERED]
    audit_record(actor=request.user, action="opinion_request.list", obj=case, patient=case.patient)
    return render(
        request,
        "exchange/my_opinions.html",
        {
            "case": case,
            "form": form,
            "consent_form": consent_form,
            "items": items,
            "answered": answered,
            "consent": active_opinion_consent(case),
            "emergency": emergency,
            "texts": [(s.label, opinion_consent_text(s.value)) for s in Scope],
            "version": CURRENT_OPINION_CONSENT_VERSION,
        },
        status=status,
    )


# --- The case team ----------------------------------------------------------------------------------


def _staff_case(request: AuthenticatedRequest, reference: str, action: str) -> Case:
    case = get_visible_or_404(cases_visible_to(request.user), request.user, action, reference=reference)
    if not perms.can_manage_opinions(request.user, case):
        deny(request.user, action, obj=case, patient=case.patient, reason="not on the case team")
        raise PermissionDenied
    return case


def _servable_documents(case: Case) -> list[Document]:
    return [d for d in Document.objects.filter(case=case).order_by("id") if d.servable]


def _panel(request: AuthenticatedRequest, case: Case, status: int = 200, **forms: Any) -> HttpResponse:
    consent = active_opinion_consent(case)
    documents = _servable_documents(case) if consent and consent.includes_reports else []
    items = []
    for r in case_opinion_requests(case):
        items.append(
            {
                "r": r,
                "proposed": proposed_specialists(r, manager=request.user if not case.assigned_to else None)
                if r.status in (OpinionStatus.REQUESTED,) or r.reassign_offered_at else [],
                "assign_form": forms.get(f"assign_{r.pk}")
                or AssignForm(specialists=eligible_specialists(specialty_id=r.specialty_id, case=case)),
                "clarifications": [
                    (c, forms.get(f"answer_{c.pk}") or AnswerForm()) for c in clarifications_of(r)
                ],
                "opinion": opinion_of(r) if r.status == OpinionStatus.ANSWERED else None,
            }
        )  # fmt: skip
    audit_record(actor=request.user, action="opinion_request.list", obj=case, patient=case.patient)
    return render(
        request,
        "exchange/case_opinions.html",
        {
            "case": case,
            "consent": consent,
            "items": items,
            "form": forms.get("form")
            or StaffRequestForm(initial={"summary": summary_draft(case)}, documents=documents),
        },
        status=status,
    )


@never_cache
@require_perm("exchange.manage_opinions")
def case_opinions(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = _staff_case(request, reference, "opinion_request.list")
    if request.method == "POST":
        consent = active_opinion_consent(case)
        documents = _servable_documents(case) if consent and consent.includes_reports else []
        form = StaffRequestForm(request.POST, documents=documents)
        if form.is_valid():
            chosen = [d for d in documents if str(d.public_id) in form.cleaned_data.get("documents", [])]
            try:
                opinion_request_create(
                    case=case, specialty=form.cleaned_data["specialty"], questions=form.questions(),
                    summary=form.cleaned_data["summary"], documents=chosen, actor=request.user,
                )  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc, rename=lambda f: "question_1" if f == "questions" else f)
            else:
                messages.success(request, _("Second opinion requested. Choose a specialist below."))
                return redirect("exchange:case_opinions", reference=case.reference)
        return _panel(request, case, status=422, form=form)
    return _panel(request, case)


def _case_request(request: AuthenticatedRequest, case: Case, request_id: str, action: str) -> OpinionRequest:
    return get_visible_or_404(
        opinion_requests_visible_to(request.user).filter(case=case), request.user, action, public_id=request_id
    )


@require_POST
@require_perm("exchange.manage_opinions")
def assign(request: AuthenticatedRequest, reference: str, request_id: str) -> HttpResponse:
    case = _staff_case(request, reference, "opinion_request.assign")
    item = _case_request(request, case, request_id, "opinion_request.assign")
    # A specialist who is not eligible is not in the choices: say why rather than "not one of the choices".
    chosen = User.objects.filter(pk=request.POST.get("specialist") or 0).first()
    try:
        opinion_assign(request=item, specialist=chosen, actor=request.user)
    except ValidationError as exc:
        form = AssignForm(request.POST, specialists=eligible_specialists(specialty_id=item.specialty_id, case=case))
        form.is_valid()
        form.errors.clear()
        add_service_errors(form, exc)
        return _panel(request, case, status=422, **{f"assign_{item.pk}": form})
    messages.success(request, _("Assigned to %(name)s.") % {"name": chosen.get_full_name() if chosen else ""})
    return redirect("exchange:case_opinions", reference=case.reference)


@require_POST
@require_perm("exchange.manage_opinions")
def answer(request: AuthenticatedRequest, reference: str, request_id: str, clarification_id: str) -> HttpResponse:
    case = _staff_case(request, reference, "clarification.answer")
    item = _case_request(request, case, request_id, "clarification.answer")
    clarification = get_visible_or_404(
        Clarification.objects.filter(request=item), request.user, "clarification.answer", public_id=clarification_id
    )
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            clarification_answer(clarification=clarification, actor=request.user, answer=form.cleaned_data["answer"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Answer sent: the specialist's clock is running again."))
            return redirect("exchange:case_opinions", reference=case.reference)
    return _panel(request, case, status=422, **{f"answer_{clarification.pk}": form})


# --- The specialist ---------------------------------------------------------------------------------


@never_cache
@require_perm("exchange.give_opinions")
def workspace(request: AuthenticatedRequest) -> HttpResponse:
    queue = Paginator(specialist_queue(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    past = Paginator(specialist_queue(request.user, past=True), PAGE_SIZE).get_page(request.GET.get("past"))
    audit_record_many(actor=request.user, action="opinion_request.list", rows=[(r, r.patient) for r in [*queue, *past]])
    return render(request, "exchange/workspace.html", {"queue": queue, "past": past})


def _specialist_request(request: AuthenticatedRequest, public_id: str, action: str) -> OpinionRequest:
    return get_visible_or_404(
        opinion_requests_visible_to(request.user).filter(specialist=request.user),
        request.user, action, public_id=public_id,
    )  # fmt: skip


def _opinion_page(request: AuthenticatedRequest, item: OpinionRequest, status: int = 200, **forms: Any) -> HttpResponse:
    opinion = opinion_of(item)
    initial: dict[str, Any] = {}
    if opinion is not None:
        initial = {
            f: getattr(opinion, f)
            for f in (
                "understood_summary",
                "agreement",
                "alternatives",
                "further_tests",
                "confidence",
                "references",
                "plain_summary",
            )
        }
        initial.update({f"answer_{i}": a for i, a in enumerate(opinion.answers or [], 1)})
    declared = item.coi_declared_at is not None
    hospitals = list(Hospital.objects.filter(pk__in=quoting_hospital_ids(item.case)).order_by("name"))
    docs = list(shared_documents(item)) if declared else []
    if declared:
        opinion_read_audit(user=request.user, request=item)
    return render(
        request,
        "exchange/opinion.html",
        {
            "item": item,
            "opinion": opinion,
            "declared": declared,
            "hospitals": hospitals,
            "coi_text": COI_TEXT,
            "documents": docs,
            "clarifications": clarifications_of(item),
            "can_write": perms.can_give_opinion(request.user, item),
            "coi_form": forms.get("coi_form") or CoiForm(),
            "clarify_form": forms.get("clarify_form") or ClarifyForm(),
            "decline_form": forms.get("decline_form") or DeclineForm(),
            "form": forms.get("form") or OpinionForm(initial=initial, questions=item.questions),
        },
        status=status,
    )


@never_cache
@require_perm("exchange.give_opinions")
def opinion(request: AuthenticatedRequest, public_id: str) -> HttpResponse:
    item = _specialist_request(request, public_id, "opinion_request.view")
    if request.method != "POST":
        return _opinion_page(request, item)
    action = request.POST.get("action", "")
    if action == "declare":
        coi_form = CoiForm(request.POST)
        coi_form.is_valid()
        try:
            opinion_coi_declare(request=item, actor=request.user, declared=bool(coi_form.cleaned_data.get("declared")))
        except ValidationError as exc:
            add_service_errors(coi_form, exc)
            return _opinion_page(request, item, status=422, coi_form=coi_form)
        return redirect("exchange:opinion", public_id=item.public_id)
    if action == "clarify":
        clarify_form = ClarifyForm(request.POST)
        clarify_form.is_valid()
        try:
            clarification_ask(request=item, actor=request.user, question=clarify_form.cleaned_data.get("question", ""))
        except ValidationError as exc:
            add_service_errors(clarify_form, exc)
            return _opinion_page(request, item, status=422, clarify_form=clarify_form)
        messages.success(request, _("Question sent to the case manager. Your clock is paused until they answer."))
        return redirect("exchange:opinion", public_id=item.public_id)
    if action == "decline":
        decline_form = DeclineForm(request.POST)
        decline_form.is_valid()
        try:
            opinion_decline(request=item, actor=request.user, reason=decline_form.cleaned_data.get("reason", ""))
        except ValidationError as exc:
            add_service_errors(decline_form, exc)
            return _opinion_page(request, item, status=422, decline_form=decline_form)
        messages.success(request, _("Declined: the case team will choose someone else."))
        return redirect("exchange:workspace")
    opinion_form = OpinionForm(request.POST, questions=item.questions)
    if opinion_form.is_valid():
        submit = action == "submit"
        try:
            opinion_save(request=item, actor=request.user, data=opinion_form.data_for_service(), submit=submit)
        except ValidationError as exc:
            add_service_errors(opinion_form, exc)
        else:
            if submit:
                messages.success(request, _("Opinion sent. The patient and the case manager can read it now."))
                return redirect("exchange:workspace")
            messages.success(request, _("Draft saved."))
            return redirect("exchange:opinion", public_id=item.public_id)
    return _opinion_page(request, item, status=422, form=opinion_form)


@require_perm("exchange.give_opinions")
def opinion_document(request: AuthenticatedRequest, public_id: str, document_id: str) -> HttpResponse:
    item = _specialist_request(request, public_id, "opinion_document.download")
    allowed = shared_documents(item) if item.coi_declared_at else Document.objects.none()
    doc = get_visible_or_404(allowed, request.user, "opinion_document.download", public_id=document_id)
    audit_record(actor=request.user, action="opinion_document.download", obj=doc, patient=item.patient)
    return vault_attachment_response(doc.storage_key, filename=doc.original_name, kind=doc.kind)
