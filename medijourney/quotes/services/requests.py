"""Sending a case to hospitals under the patient's consent, and withdrawing a request."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medijourney.accounts.models import User
from medijourney.cases.models import Case, Document, ScanStatus, Stage
from medijourney.cases.services import case_event_add, case_milestone_mark, case_transition
from medijourney.catalog.models import Procedure
from medijourney.network.models import Hospital
from medijourney.privacy.services import audit_record
from medijourney.quotes.deidentify import identifying_leftovers
from medijourney.quotes.models import (
    OPEN_REQUEST_STATUSES,
    QuoteRequest,
    RequestStatus,
    ShareConsent,
    SharedDocument,
)
from medijourney.quotes.selectors import (
    case_exact_identifiers,
    case_names,
    partner_ready_hospitals,
    summary_for_scope,
)

from .clock import default_response_hours, request_clock_schedule
from .notify import hospital_notify

MAX_HOSPITALS = 5
SUMMARY_MAX = 8000  # QuoteRequest.summary
SENDABLE_STAGES = (Stage.NEW, Stage.IN_REVIEW, Stage.AWAITING_INFORMATION, Stage.QUOTES_REQUESTED, Stage.QUOTES_READY)


def _move_to_quotes_requested(case: Case, actor: User) -> None:
    case.refresh_from_db(fields=["stage"])
    if case.stage == Stage.NEW:
        case_transition(case=case, to=Stage.IN_REVIEW, actor=actor, reason=_("quotes requested"))
        case.refresh_from_db(fields=["stage"])
    if case.stage in (Stage.IN_REVIEW, Stage.AWAITING_INFORMATION):
        case_transition(case=case, to=Stage.QUOTES_REQUESTED, actor=actor)


@dataclass(frozen=True)
class SendPlan:
    """What ``quote_requests_do`` writes: checked by ``quote_requests_check``, nothing left to refuse."""

    case: Case  # locked for the rest of the transaction
    hospitals: list[Hospital]
    consents: dict[int, ShareConsent]
    summary: str
    # What each hospital reads, by consent scope: the summary and the registered parts it covers.
    summaries: dict[str, str]
    documents: list[Document]
    respond_by: datetime.datetime
    procedure: Procedure | None


def _errors_of_form(
    case: Case, hospitals: list[Hospital], summary: str, hours: int, documents: list[Document]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not 1 <= len(hospitals) <= MAX_HOSPITALS:
        errors["hospitals"] = [_("Choose between 1 and %(n)d hospitals.") % {"n": MAX_HOSPITALS}]
    if not summary:
        errors["summary"] = [_("Write the summary the hospitals will read.")]
    else:
        leftovers = identifying_leftovers(summary, names=case_names(case), exact=case_exact_identifiers(case))
        if leftovers:
            errors["summary"] = [
                _("The summary still contains the patient's %(what)s. Remove it before sending.")
                % {"what": ", ".join(leftovers)}
            ]
    if not 1 <= hours <= 24 * 14:
        errors["respond_within_hours"] = [_("Give the hospitals between 1 hour and 14 days.")]
    if not case.is_open or case.stage not in SENDABLE_STAGES:
        errors["__all__"] = [_("Quotes cannot be requested at the case's current stage.")]
    for doc in documents:
        if doc.case_id != case.pk or doc.scan_status != ScanStatus.CLEAN:
            errors.setdefault("documents", []).append(
                _("“%(name)s” cannot be attached (not this case's, or not scanned clean).")
                % {"name": doc.original_name}
            )
    return errors


def _errors_of_hospital(
    h: Hospital, *, ready: set[int], consent: ShareConsent | None, open_ids: set[int], with_documents: bool
) -> dict[str, list[str]]:
    problems: list[str] = []
    documents: list[str] = []
    if h.pk not in ready:
        problems.append(_("%(h)s is not in the network or has no partner account to receive requests.") % {"h": h.name})
    if consent is None:
        problems.append(_("The patient has not consented to sharing with %(h)s.") % {"h": h.name})
    elif with_documents and not consent.includes_reports:
        documents.append(
            _("The patient consented to a de-identified summary only for %(h)s: no reports may go there.")
            % {"h": h.name}
        )
    if h.pk in open_ids:
        problems.append(_("%(h)s already has an open request for this case.") % {"h": h.name})
    return {k: v for k, v in (("hospitals", problems), ("documents", documents)) if v}


def _summaries_by_scope(case: Case, summary: str, scopes: set[str], errors: dict[str, list[str]]) -> dict[str, str]:
    """The text each consent scope gets (``summary_for_scope``), checked like the summary itself."""
    out: dict[str, str] = {}
    if not summary or "summary" in errors:
        return out
    for scope in sorted(scopes):
        text = summary_for_scope(summary, case, scope)
        if text == summary:
            out[scope] = text
            continue
        leftovers = identifying_leftovers(
            text[len(summary) :], names=case_names(case), exact=case_exact_identifiers(case)
        )
        if leftovers:
            errors.setdefault("summary", []).append(
                _("What the patient's records add still contains the patient's %(what)s: the request was not sent.")
                % {"what": ", ".join(leftovers)}
            )
        elif len(text) > SUMMARY_MAX:
            errors.setdefault("summary", []).append(
                _(
                    "With what the patient's records add, the summary is %(n)d characters long (at most %(max)d):"
                    " shorten your text."
                )
                % {"n": len(text), "max": SUMMARY_MAX}
            )
        out[scope] = text
    return out


def quote_requests_check(
    *,
    case: Case,
    hospitals: Sequence[Hospital],
    summary: str,
    documents: Sequence[Document] = (),
    respond_within_hours: int | None = None,
    procedure: Procedure | None = None,
) -> SendPlan:
    """Check a send and return its plan, or raise ``ValidationError`` naming each field. Call it
    inside the transaction that does the send: it locks the case, so nothing it checked changes."""
    summary = (summary or "").strip()
    hours = respond_within_hours if respond_within_hours is not None else default_response_hours()
    chosen = list(dict.fromkeys(hospitals))
    attached = list(dict.fromkeys(documents))
    errors = _errors_of_form(case, chosen, summary, hours, attached)
    ready = set(partner_ready_hospitals().filter(pk__in=[h.pk for h in chosen]).values_list("pk", flat=True))
    case = Case.objects.select_for_update(of=("self",)).select_related("patient").get(pk=case.pk)
    consents = {
        c.hospital_id: c for c in ShareConsent.objects.filter(case=case, hospital__in=chosen, revoked_at__isnull=True)
    }
    open_ids = set(
        QuoteRequest.objects.filter(case=case, status__in=OPEN_REQUEST_STATUSES).values_list("hospital_id", flat=True)
    )
    for h in chosen:
        found = _errors_of_hospital(
            h, ready=ready, consent=consents.get(h.pk), open_ids=open_ids, with_documents=bool(attached)
        )
        for field_name, messages in found.items():
            errors.setdefault(field_name, []).extend(messages)
    summaries = _summaries_by_scope(case, summary, {c.scope for c in consents.values()}, errors)
    if errors:
        raise ValidationError(errors)
    if procedure is None and case.procedure_slug:
        procedure = Procedure.objects.filter(slug=case.procedure_slug).first()
    return SendPlan(
        case=case,
        hospitals=chosen,
        consents=consents,
        summary=summary,
        summaries=summaries,
        documents=attached,
        respond_by=timezone.now() + datetime.timedelta(hours=hours),
        procedure=procedure,
    )


def quote_requests_do(*, plan: SendPlan, actor: User, is_demo: bool = False) -> list[QuoteRequest]:
    """Write a checked send: one request per hospital with its documents, timeline row, audit row,
    email and clock; then the case moves to "quotes requested"."""
    case, now, sent = plan.case, timezone.now(), []
    for h in plan.hospitals:
        scope = plan.consents[h.pk].scope
        request = QuoteRequest(
            case=case, patient=case.patient, hospital=h, procedure=plan.procedure, scope=scope,
            summary=plan.summaries.get(scope, plan.summary), sent_by=actor, sent_at=now, respond_by=plan.respond_by, created_by=actor,
            is_demo=is_demo,
        )  # fmt: skip
        request.full_clean()
        request.save()
        SharedDocument.objects.bulk_create([SharedDocument(request=request, document=d) for d in plan.documents])
        case_event_add(
            case=case, kind="quote_requested", actor=actor, hospital=h.name[:120], request=request.code,
            documents=len(plan.documents), scope=scope,
        )  # fmt: skip
        audit_record(
            actor=actor, action="quote_request.send", obj=request, patient=case.patient,
            detail={"documents": len(plan.documents), "scope": scope, "records_added": request.summary != plan.summary},
        )  # fmt: skip
        hospital_notify(request, "quote_request", f"quote-request:{request.public_id}")
        request_clock_schedule(request)
        sent.append(request)
    if sent:
        case_milestone_mark(case=case, milestone="quotes_requested_at", at=now)
    _move_to_quotes_requested(case, actor)
    return sent


def quote_requests_send(
    *,
    case: Case,
    hospitals: Sequence[Hospital],
    summary: str,
    actor: User,
    documents: Sequence[Document] = (),
    respond_within_hours: int | None = None,
    procedure: Procedure | None = None,
    is_demo: bool = False,
) -> list[QuoteRequest]:
    """Send the case to 1–5 hospitals of the network, each under the patient's active consent:
    the de-identified summary to all, the chosen documents only where the consent includes
    reports. Starts each request's clock (reminder, escalation, alternatives after 72 h) and moves
    the case to "quotes requested". Check (``quote_requests_check``), then do (``quote_requests_do``),
    in one transaction."""
    with transaction.atomic():
        plan = quote_requests_check(
            case=case, hospitals=hospitals, summary=summary, documents=documents,
            respond_within_hours=respond_within_hours, procedure=procedure,
        )  # fmt: skip
        return quote_requests_do(plan=plan, actor=actor, is_demo=is_demo)


def quote_request_withdraw(*, request: QuoteRequest, actor: User) -> QuoteRequest:
    """The case team stops waiting for a hospital (e.g. no answer after 72 hours)."""
    with transaction.atomic():
        request = QuoteRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != RequestStatus.SENT:
            raise ValidationError(_("Only a request still waiting for an answer can be withdrawn."))
        request.status = RequestStatus.WITHDRAWN
        request.closed_at = timezone.now()
        request.close_reason = "withdrawn by the case team"
        request.save(update_fields=["status", "closed_at", "close_reason", "updated_at"])
        assert request.case is not None
        case_event_add(
            case=request.case, kind="quote_withdrawn", actor=actor, hospital=request.hospital.name[:120],
            request=request.code,
        )  # fmt: skip
        audit_record(actor=actor, action="quote_request.withdraw", obj=request, patient=request.case.patient)
        hospital_notify(request, "quote_closed", f"quote-withdrawn:{request.public_id}", why="withdrawn")
    return request
