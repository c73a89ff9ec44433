"""Pages: the patient's consent page and comparison, the case team's quotes panel, the partner
hospital's requests, scorecards and commission agreements. Every object comes through
``quote_requests_visible_to`` (or the cases filter) and every refusal is audited."""

import csv
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from medijourney.accounts.access import AuthenticatedRequest
from medijourney.cases.models import Case
from medijourney.cases.selectors import cases_visible_to
from medijourney.cases.services import case_read_audit
from medijourney.core.forms import add_service_errors
from medijourney.core.ratelimit import rate_limited
from medijourney.network.models import Doctor
from medijourney.network.selectors import partner_hospital
from medijourney.privacy.access import deny, get_visible_or_404, require_perm
from medijourney.privacy.services import audit_record
from medijourney.privacy.vault import vault_attachment_response

from . import permissions as perms
from .consent import share_consent_text
from .forms import (
    CommissionEndForm,
    CommissionForm,
    ConsentAskForm,
    ConsentGrantForm,
    CurrencyForm,
    DeclineForm,
    FinalBillForm,
    QuoteForm,
    QuoteRequestForm,
)
from .models import Quote, QuoteRequest, RequestStatus, Scope, ShareConsent
from .scorecard_sections import scorecard_sections
from .selectors import (
    alternatives_for,
    case_comparison,
    case_consents,
    case_requests,
    commission_agreements,
    comparison_currency,
    hospital_choices,
    open_consent_asks,
    partner_request_list,
    quote_of,
    quote_requests_visible_to,
    request_documents,
    requests_needing_alternatives,
    scorecard_hospitals_visible_to,
    scorecards_for,
    shared_documents_visible_to,
    summary_addition,
    summary_draft,
)
from .services import (
    BILLABLE_STAGES,
    commission_agreement_add,
    commission_agreement_end,
    consent_ask,
    consent_grant,
    consent_revoke,
    final_bill_record,
    quote_accept,
    quote_request_decline,
    quote_request_withdraw,
    quote_requests_send,
    quote_submit,
    request_read_audit,
    requests_list_audit,
)
from .trip import trip_estimate_available, trip_estimates_for

PAGE_SIZE = 25


def _line_field(field: str) -> str:
    """A quote service error on ``lines.<item>`` belongs beside the item's status choice."""
    return field.replace("lines.", "") + "_status" if field.startswith("lines.") else field


# --- The patient -----------------------------------------------------------------------------------


def _own_case(request: AuthenticatedRequest, reference: str, action: str) -> Case:
    return get_visible_or_404(
        cases_visible_to(request.user).filter(patient=request.user), request.user, action, reference=reference
    )


@never_cache
@require_perm("quotes.grant_consent")
def consents(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    """The patient's consents for one case: prompts from the case manager, a form to grant, and
    every grant and revocation with its date and text version."""
    case = _own_case(request, reference, "share_consent.view")
    status = 200
    initial: dict[str, Any] = {}
    if request.GET.get("hospital"):
        initial["hospital"] = request.GET["hospital"]
    if request.GET.get("scope") in Scope.values:
        initial["scope"] = request.GET["scope"]
    form = ConsentGrantForm(initial=initial)
    if request.method == "POST":
        form = ConsentGrantForm(request.POST)
        if form.is_valid():
            try:
                consent_grant(
                    case=case,
                    hospital=form.cleaned_data["hospital"],
                    scope=form.cleaned_data["scope"],
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Consent recorded for %(h)s.") % {"h": form.cleaned_data["hospital"].name})
                return redirect("quotes:consents", reference=case.reference)
        status = 422
    history = list(case_consents(case))
    audit_record(actor=request.user, action="share_consent.list", obj=case, patient=case.patient)
    return render(
        request,
        "quotes/consents.html",
        {
            "case": case,
            "form": form,
            "asks": open_consent_asks(case),
            "active": [c for c in history if c.active],
            "history": history,
            "texts": {s.value: share_consent_text(s.value) for s in Scope},
        },
        status=status,
    )


@require_POST
@require_perm("quotes.grant_consent")
def consent_revoke_view(request: AuthenticatedRequest, reference: str, consent_id: str) -> HttpResponse:
    case = _own_case(request, reference, "share_consent.revoke")
    consent = get_visible_or_404(
        ShareConsent.objects.filter(case=case).select_related("case", "hospital"),
        request.user,
        "share_consent.revoke",
        public_id=consent_id,
    )
    consent_revoke(consent=consent, actor=request.user)
    messages.success(request, _("Consent withdrawn: %(h)s can no longer see your case.") % {"h": consent.hospital.name})
    return redirect("quotes:consents", reference=case.reference)


def _comparison_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    """One currency for every figure: the patient's choice, else their own if the ECB has a rate,
    else USD (the page says which and why)."""
    form = CurrencyForm(request.GET or None)
    requested = form.cleaned_data.get("currency") if form.is_bound and form.is_valid() else None
    chosen = comparison_currency(case, requested)
    if not form.is_bound:
        form = CurrencyForm(initial={"currency": chosen.code})
    comparison = case_comparison(case, chosen.code)
    trips = trip_estimates_for(case, chosen.code, [col.quote for col in comparison.columns if col.quote is not None])
    for col in comparison.columns:
        col.trip = trips.get(col.quote.pk) if col.quote is not None else None
    return {"case": case, "comparison": comparison, "currency_form": form, "currency": chosen.code,
            "currency_choice": chosen, "trip_available": trip_estimate_available(),
            "today": timezone.localdate()}  # fmt: skip


@never_cache
@require_perm("quotes.compare_quotes")
def compare(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = _own_case(request, reference, "quote.compare")
    context = _comparison_context(request, case)
    audit_record(
        actor=request.user,
        action="quote.compare",
        obj=case,
        patient=case.patient,
        detail={"quotes": len(context["comparison"].columns)},
    )
    return render(request, "quotes/compare.html", context)


@require_POST
@require_perm("quotes.compare_quotes")
def accept(request: AuthenticatedRequest, reference: str, quote_id: str) -> HttpResponse:
    case = _own_case(request, reference, "quote.accept")
    quote = get_visible_or_404(
        Quote.objects.filter(request__in=quote_requests_visible_to(request.user), request__case=case).select_related(
            "request", "request__hospital"
        ),
        request.user,
        "quote.accept",
        public_id=quote_id,
    )
    try:
        quote_accept(quote=quote, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("quotes:compare", reference=case.reference)
    messages.success(
        request,
        _("You accepted the plan from %(h)s. Your case manager will now plan the journey with you.")
        % {"h": quote.request.hospital.name},
    )
    return redirect("quotes:compare", reference=case.reference)


# --- The case team -----------------------------------------------------------------------------------


def _team_case(request: HttpRequest, reference: str, action: str) -> Case:
    case = get_visible_or_404(cases_visible_to(request.user), request.user, action, reference=reference)
    if not perms.can_request_quotes(request.user, case):
        deny(request.user, action, obj=case, patient=case.patient, reason="not on the case team")
        raise Http404
    return case


def _panel_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    choices = hospital_choices(case)
    requests_ = list(case_requests(case))
    overdue = requests_needing_alternatives(case)
    return {
        "case": case,
        "choices": choices,
        "requests": requests_,
        "alternatives": [(r, alternatives_for(r)) for r in overdue],
        "consents": [c for c in case_consents(case) if c.active],
        "send_form": forms.get("send_form")
        or QuoteRequestForm(case=case, choices=choices, initial={"summary": summary_draft(case)}),
        "ask_form": forms.get("ask_form") or ConsentAskForm(choices=choices),
        # Added for hospitals whose consent includes reports (summary_parts), shown before sending.
        "reports_addition": summary_addition(case, Scope.SUMMARY_WITH_REPORTS),
        "bill_forms": {
            r.pk: FinalBillForm(initial={"currency": r.quote.currency})
            for r in requests_
            if r.status == RequestStatus.ACCEPTED and hasattr(r, "quote") and not hasattr(r, "final_bill")
        },
        # Final bills are taken once treatment has started (the service's own rule).
        "billable": case.stage in BILLABLE_STAGES,
        "now": timezone.now(),
    }


@never_cache
@require_perm("quotes.request_quotes")
def case_quotes(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    """The quotes panel of a case: consents, the hospitals to ask, the request form with a
    de-identified draft, the requests sent with their clocks and answers."""
    case = _team_case(request, reference, "quote_request.send" if request.method == "POST" else "quote_request.list")
    if request.method == "POST":
        choices = hospital_choices(case)
        form = QuoteRequestForm(request.POST, case=case, choices=choices)
        if form.is_valid():
            try:
                sent = quote_requests_send(
                    case=case,
                    hospitals=form.cleaned_data["hospitals"],
                    summary=form.cleaned_data["summary"],
                    documents=list(form.cleaned_data["documents"]),
                    respond_within_hours=form.cleaned_data["respond_within_hours"],
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Request sent to %(n)d hospital(s).") % {"n": len(sent)})
                return redirect("quotes:case_quotes", reference=case.reference)
        case_read_audit(user=request.user, case=case, action="quote_request.list")
        return render(request, "quotes/case_quotes.html", _panel_context(request, case, send_form=form), status=422)
    context = _panel_context(request, case)
    case_read_audit(user=request.user, case=case, action="quote_request.list")
    return render(request, "quotes/case_quotes.html", context)


@require_POST
@require_perm("quotes.request_quotes")
def ask_consent(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    case = _team_case(request, reference, "share_consent.ask")
    choices = hospital_choices(case)
    form = ConsentAskForm(request.POST, choices=choices)
    if form.is_valid():
        consent_ask(
            case=case,
            hospitals=list(form.cleaned_data["hospitals"]),
            scope=form.cleaned_data["scope"],
            actor=request.user,
        )
        messages.success(
            request, _("The patient was asked for consent (a message and a prompt on their consent page).")
        )
        return redirect("quotes:case_quotes", reference=case.reference)
    case_read_audit(user=request.user, case=case, action="quote_request.list")
    return render(request, "quotes/case_quotes.html", _panel_context(request, case, ask_form=form), status=422)


def _team_request(request: HttpRequest, case: Case, request_id: str, action: str) -> QuoteRequest:
    return get_visible_or_404(
        quote_requests_visible_to(request.user).filter(case=case), request.user, action, public_id=request_id
    )


@require_POST
@require_perm("quotes.request_quotes")
def withdraw(request: AuthenticatedRequest, reference: str, request_id: str) -> HttpResponse:
    case = _team_case(request, reference, "quote_request.withdraw")
    quote_request = _team_request(request, case, request_id, "quote_request.withdraw")
    try:
        quote_request_withdraw(request=quote_request, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Request withdrawn; %(h)s was told.") % {"h": quote_request.hospital.name})
    return redirect("quotes:case_quotes", reference=case.reference)


@require_POST
@require_perm("quotes.request_quotes")
def final_bill(request: AuthenticatedRequest, reference: str, request_id: str) -> HttpResponse:
    case = _team_case(request, reference, "final_bill.record")
    quote_request = _team_request(request, case, request_id, "final_bill.record")
    form = FinalBillForm(request.POST)
    if form.is_valid():
        try:
            final_bill_record(
                request=quote_request,
                amount=form.cleaned_data["amount"],
                currency=form.cleaned_data["currency"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Final bill recorded."))
    else:
        messages.error(request, _("Enter the amount billed."))
    return redirect(reverse("quotes:case_quotes", args=[case.reference]) + "#requests")


# --- The partner hospital -------------------------------------------------------------------------


@never_cache
@require_perm("quotes.answer_requests")
def partner_requests(request: HttpRequest) -> HttpResponse:
    """The requests sent to the partner's hospital, open ones first by deadline (searchable)."""
    q = request.GET.get("q", "")[:100]
    status = request.GET.get("status", "")
    qs = partner_request_list(user=request.user, q=q, status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    requests_list_audit(user=request.user, requests=page.object_list)
    return render(
        request,
        "quotes/partner_requests.html",
        {
            "page": page,
            "q": q,
            "status": status,
            "statuses": RequestStatus.choices,
            "hospital": partner_hospital(request.user),
            "now": timezone.now(),
        },
    )


@never_cache
@require_perm("quotes.answer_requests")
@rate_limited("partner_export", methods=("GET",))
def partner_requests_export(request: HttpRequest) -> HttpResponse:
    """A CSV of the hospital's requests and its answers (no patient data: codes, dates, totals)."""
    rows = list(partner_request_list(user=request.user)[:5000])
    requests_list_audit(user=request.user, requests=rows, action="quote_request.export")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, "quote-requests.csv")
    writer = csv.writer(response)
    writer.writerow(["request", "procedure", "sent_at", "answer_by", "status", "answered_at", "currency", "total"])
    for r in rows:
        quote = quote_of(r)
        writer.writerow(
            [
                r.code,
                r.procedure.name if r.procedure else "",
                r.sent_at.isoformat(),
                r.respond_by.isoformat(),
                r.status,
                r.responded_at.isoformat() if r.responded_at else "",
                quote.currency if quote else "",
                str(quote.total) if quote else "",
            ]
        )
    return response


def _partner_request(request: HttpRequest, public_id: str, action: str) -> QuoteRequest:
    return get_visible_or_404(quote_requests_visible_to(request.user), request.user, action, public_id=public_id)


def _partner_context(request: HttpRequest, quote_request: QuoteRequest, **forms: Any) -> dict[str, Any]:
    quote = quote_of(quote_request)
    return {
        "req": quote_request,
        "quote": quote,
        "documents": request_documents(user=request.user, request=quote_request),
        "can_answer": perms.can_answer_request(request.user, quote_request),
        "quote_form": forms.get("quote_form")
        or QuoteForm(hospital=quote_request.hospital, initial={"procedure": quote_request.procedure}),
        "decline_form": forms.get("decline_form") or DeclineForm(),
        "has_doctors": Doctor.objects.filter(hospital=quote_request.hospital).exists(),
        "now": timezone.now(),
    }


@never_cache
@require_perm("quotes.answer_requests")
def partner_request(request: HttpRequest, public_id: str) -> HttpResponse:
    """One request as the hospital sees it: the shared material only, never the patient's name,
    contacts or case reference."""
    quote_request = _partner_request(request, public_id, "quote_request.view")
    context = _partner_context(request, quote_request)
    request_read_audit(user=request.user, request=quote_request)
    return render(request, "quotes/partner_request.html", context)


@require_POST
@require_perm("quotes.answer_requests")
def partner_quote(request: AuthenticatedRequest, public_id: str) -> HttpResponse:
    quote_request = _partner_request(request, public_id, "quote.submit")
    form = QuoteForm(request.POST, hospital=quote_request.hospital)
    if form.is_valid():
        try:
            quote_submit(request=quote_request, actor=request.user, plan=form.to_plan())
        except ValidationError as exc:
            add_service_errors(form, exc, rename=_line_field)
        else:
            messages.success(request, _("Your treatment plan and quote were sent to the case manager and the patient."))
            return redirect("quotes:partner_request", public_id=quote_request.public_id)
    request_read_audit(user=request.user, request=quote_request)
    return render(
        request, "quotes/partner_request.html", _partner_context(request, quote_request, quote_form=form), status=422
    )


@require_POST
@require_perm("quotes.answer_requests")
def partner_decline(request: AuthenticatedRequest, public_id: str) -> HttpResponse:
    quote_request = _partner_request(request, public_id, "quote_request.decline")
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            quote_request_decline(request=quote_request, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("You declined the request. The case manager was told."))
            return redirect("quotes:partner_requests")
    request_read_audit(user=request.user, request=quote_request)
    return render(
        request, "quotes/partner_request.html", _partner_context(request, quote_request, decline_form=form), status=422
    )


def document_response(shared: Any) -> HttpResponse:
    document = shared.document
    return vault_attachment_response(document.storage_key, filename=document.original_name, kind=document.kind)


@never_cache
@require_perm("quotes.answer_requests")
def partner_document(request: HttpRequest, public_id: str, document_id: str) -> HttpResponse:
    """A report shared with the hospital: served only while the request is visible AND the
    patient's consent for this hospital includes reports (checked now, on this request)."""
    shared = get_visible_or_404(
        shared_documents_visible_to(request.user).filter(request__public_id=public_id),
        request.user,
        "document.download",
        document__public_id=document_id,
        request__public_id=public_id,
    )
    audit_record(
        actor=request.user, action="document.download", obj=shared.document, patient=shared.request.patient,
        detail={"via": "quote_request"},
    )  # fmt: skip
    return document_response(shared)


# --- Scorecards and commissions ---------------------------------------------------------------------


@never_cache
@require_perm("quotes.view_scorecards")
def scorecards(request: HttpRequest) -> HttpResponse:
    page = Paginator(scorecard_hospitals_visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    cards = scorecards_for(page.object_list)
    sections = scorecard_sections(list(page.object_list))  # later apps' sections (aftercare: outcomes)
    return render(request, "quotes/scorecards.html", {"page": page, "cards": cards, "sections": sections})


@never_cache
@require_perm("quotes.manage_commissions")
def commissions(request: AuthenticatedRequest) -> HttpResponse:
    form = CommissionForm()
    status = 200
    if request.method == "POST":
        form = CommissionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                commission_agreement_add(
                    hospital=data["hospital"], kind=data["kind"], percent=data.get("percent"),
                    amount=data.get("amount"), currency=data.get("currency") or "", valid_from=data["valid_from"],
                    valid_to=data.get("valid_to"), note=data.get("note") or "", actor=request.user,
                )  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Commission agreement saved."))
                return redirect("quotes:commissions")
        status = 422
    page = Paginator(commission_agreements(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "quotes/commissions.html", {"form": form, "page": page, "today": timezone.localdate()}, status=status
    )


@never_cache
@require_perm("quotes.manage_commissions")
@require_http_methods(["GET", "POST"])
def commission_end(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """End an agreement (its last day), so a new one can follow without overlapping it."""
    agreement = get_visible_or_404(commission_agreements(), request.user, "commission.end", public_id=public_id)
    form = CommissionEndForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                commission_agreement_end(agreement=agreement, on=form.cleaned_data["valid_to"], actor=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Commission agreement ended."))
                return redirect("quotes:commissions")
        status = 422
    return render(request, "quotes/commission_end.html", {"agreement": agreement, "form": form}, status=status)
