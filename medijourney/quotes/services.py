"""Every write on quotes: consents, requests to hospitals, the hospitals' answers, acceptance,
final bills, commission agreements and the deadline clock of a request. Views, the partner API,
tasks and the demo call these same functions."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from medijourney.accounts.models import User
from medijourney.accounts.roles import LEAD_ROLES, Role
from medijourney.cases.models import Case, Document, ScanStatus, Stage
from medijourney.cases.notifications import absolute
from medijourney.cases.services import case_event_add, case_transition, message_send, notification_queue
from medijourney.cases.values import currency_validate
from medijourney.catalog.models import Procedure
from medijourney.network.models import Doctor, Hospital, PartnerMembership
from medijourney.network.offer_items import OFFER_ITEM_IDS, OFFER_ITEM_LABELS
from medijourney.privacy.services import audit_record

from . import tasks as quote_tasks
from .consent import CURRENT_SHARE_CONSENT_VERSION
from .deidentify import deidentify, identifying_leftovers
from .models import (
    OPEN_REQUEST_STATUSES,
    CommissionAgreement,
    ConsentAsk,
    FinalBill,
    LineStatus,
    Quote,
    QuoteLine,
    QuoteRequest,
    RequestStatus,
    Scope,
    ShareConsent,
    SharedDocument,
)
from .selectors import ALTERNATIVES_AFTER, commission_in_force, partner_ready_hospitals, verified_doctors

MAX_HOSPITALS = 5
SENDABLE_STAGES = (Stage.NEW, Stage.IN_REVIEW, Stage.AWAITING_INFORMATION, Stage.QUOTES_REQUESTED, Stage.QUOTES_READY)
BILLABLE_STAGES = (Stage.IN_TREATMENT, Stage.RECOVERING, Stage.RETURNED_HOME, Stage.FOLLOW_UP, Stage.CLOSED)


def default_response_hours() -> int:
    return int(getattr(settings, "QUOTES_RESPONSE_HOURS", 48))


def reminder_before() -> datetime.timedelta:
    return datetime.timedelta(hours=int(getattr(settings, "QUOTES_REMINDER_HOURS_BEFORE", 12)))


# --- Recipients and emails --------------------------------------------------------------------------


def hospital_partners(hospital: Hospital) -> list[User]:
    return list(
        User.objects.filter(partner_membership__hospital=hospital, is_active=True, role=Role.PARTNER).order_by("pk")
    )


def _case_team(case: Case) -> list[User]:
    if case.assigned_to is not None and case.assigned_to.is_active:
        return [case.assigned_to]
    return list(User.objects.filter(is_active=True, role__in=list(LEAD_ROLES)).order_by("pk"))


def _tell_hospital(request: QuoteRequest, kind: str, key: str, **context: Any) -> int:
    """Email the hospital's partner users about a request. The email names the request code,
    never the patient or the case reference."""
    url = absolute(reverse("quotes:partner_request", args=[request.public_id]))
    sent = 0
    for person in hospital_partners(request.hospital):
        queued = notification_queue(
            key=f"{key}:{person.public_id}",
            kind=kind,
            to_email=person.email,
            case=None,
            context={
                "audience": "partner",
                "code": request.code,
                "hospital": request.hospital.name,
                "request_url": url,
                "due": request.respond_by.isoformat(),
                **context,
            },
        )
        sent += queued is not None
    return sent


def _tell_case_team(case: Case, kind: str, key: str, **context: Any) -> None:
    panel = absolute(reverse("quotes:case_quotes", args=[case.reference]))
    for person in _case_team(case):
        notification_queue(
            key=f"{key}:{person.public_id}",
            kind=kind,
            to_email=person.email,
            case=case,
            context={"audience": "staff", "panel_url": panel, **context},
        )


def _tell_patient(case: Case, kind: str, key: str, **context: Any) -> None:
    compare = absolute(reverse("quotes:compare", args=[case.reference]))
    notification_queue(
        key=f"{key}:{case.patient.public_id}",
        kind=kind,
        to_email=case.patient.email,
        case=case,
        context={"audience": "patient", "compare_url": compare, **context},
    )


# --- Consent -----------------------------------------------------------------------------------------


def _patient_only(case: Case, actor: User) -> None:
    if actor.pk != case.patient_id:
        raise ValidationError(_("Only the patient can give or withdraw consent to share their case."))


def consent_grant(*, case: Case, hospital: Hospital, scope: str, actor: User) -> ShareConsent:
    """The patient consents to share this case with ``hospital`` within ``scope``. A consent with
    another scope for the same hospital is replaced (the old row is revoked, both stay listed)."""
    _patient_only(case, actor)
    if scope not in Scope.values:
        raise ValidationError({"scope": _("Choose what may be shared.")})
    if not case.is_open:
        raise ValidationError(_("This case is closed."))
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case.pk)
        current = ShareConsent.objects.filter(case=case, hospital=hospital, revoked_at__isnull=True).first()
        if current is not None and current.scope == scope:
            return current
        now = timezone.now()
        if current is not None:
            _revoke(current, actor, now, replaced=True)
        consent = ShareConsent(
            case=case,
            hospital=hospital,
            scope=scope,
            text_version=CURRENT_SHARE_CONSENT_VERSION,
            granted_by=actor,
            granted_at=now,
            created_by=actor,
        )
        consent.full_clean()
        consent.save()
        case_event_add(
            case=case, kind="consent_granted", actor=actor, hospital=hospital.name[:120], scope=scope,
            consent=str(consent.public_id), version=consent.text_version,
        )  # fmt: skip
        audit_record(
            actor=actor, action="share_consent.grant", obj=consent, patient=case.patient, detail={"scope": scope}
        )
        ConsentAsk.objects.filter(case=case, hospital=hospital, answered_at__isnull=True).update(answered_at=now)
    return consent


def _revoke(consent: ShareConsent, actor: User, now: datetime.datetime, *, replaced: bool = False) -> None:
    consent.revoked_at = now
    consent.revoked_by = actor
    consent.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    case = consent.case
    case_event_add(
        case=case, kind="consent_revoked", actor=actor, hospital=consent.hospital.name[:120], scope=consent.scope,
        consent=str(consent.public_id), replaced=replaced,
    )  # fmt: skip
    audit_record(
        actor=actor,
        action="share_consent.revoke",
        obj=consent,
        patient=case.patient,
        detail={"scope": consent.scope, "replaced": replaced},
    )


def consent_revoke(*, consent: ShareConsent, actor: User) -> ShareConsent:
    """Withdraw a consent. From the partner's next request on, nothing of the case is reachable
    (the visibility filter checks the active consent every time). The hospital is told that the
    request is no longer available, without any detail."""
    case = consent.case
    _patient_only(case, actor)
    with transaction.atomic():
        consent = ShareConsent.objects.select_for_update().select_related("case", "hospital").get(pk=consent.pk)
        if consent.revoked_at is not None:
            return consent
        now = timezone.now()
        _revoke(consent, actor, now)
        for request in QuoteRequest.objects.filter(case=case, hospital=consent.hospital).exclude(
            status=RequestStatus.WITHDRAWN
        ):
            _tell_hospital(request, "quote_access_ended", f"consent-revoked:{consent.public_id}:{request.public_id}")
    return consent


def consent_ask(*, case: Case, hospitals: Sequence[Hospital], scope: str, actor: User) -> list[ConsentAsk]:
    """Ask the patient (a message in their thread and a prompt on their consent page) to consent
    to sharing with hospitals that have no consent yet."""
    if scope not in Scope.values:
        raise ValidationError({"scope": _("Choose what may be shared.")})
    if not hospitals:
        raise ValidationError({"hospitals": _("Choose at least one hospital.")})
    with transaction.atomic():
        asks = []
        for hospital in hospitals:
            ask = ConsentAsk(case=case, hospital=hospital, scope=scope, asked_by=actor, created_by=actor)
            ask.full_clean()
            ask.save()
            asks.append(ask)
        names = "\n".join(f"- {h.name} ({h.country.name})" for h in hospitals)
        body = _(
            "To ask hospitals for a treatment plan and a price, I need your consent to share your case with:\n"
            "%(names)s\n\nWhat would be shared: %(scope)s. Please review and decide on your consent page: %(url)s\n"
            "Nothing is shared until you agree, and you can withdraw your consent at any time."
        ) % {
            "names": names,
            "scope": Scope(scope).label,
            "url": absolute(reverse("quotes:consents", args=[case.reference])),
        }
        message_send(case=case, author=actor, body=body)
        case_event_add(case=case, kind="consent_asked", actor=actor, hospitals=len(hospitals), scope=scope)
    return asks


# --- De-identified summary ---------------------------------------------------------------------------


def _case_names(case: Case) -> list[str]:
    return [case.full_name, case.patient.full_name]


def _case_exact(case: Case) -> list[str]:
    return [case.email, case.patient.email, str(case.phone), case.reference]


def summary_draft(case: Case) -> str:
    """A de-identified draft of what a hospital needs, prepared from the case for the case
    manager to read and edit before anything is sent."""
    names = _case_names(case)
    ids = [case.reference, case.email, str(case.phone)]
    lines = [
        _("Patient living in %(country)s; preferred language %(lang)s.")
        % {"country": countries.name(str(case.country_of_residence)), "lang": case.preferred_language},
    ]
    if case.procedure_requested:
        lines.append(_("Procedure asked about: %(p)s.") % {"p": deidentify(case.procedure_requested, names=names)})
    if case.specialty_id:
        lines.append(_("Routed to: %(s)s.") % {"s": case.specialty_name})
    lines.append("")
    lines.append(_("In the patient's words (identifying details removed):"))
    lines.append(deidentify(case.need, names=names, identifiers=ids))
    if case.travel_earliest or case.travel_latest:
        start = case.travel_earliest.strftime("%B %Y") if case.travel_earliest else "?"
        end = case.travel_latest.strftime("%B %Y") if case.travel_latest else "?"
        lines.append("")
        lines.append(_("Could travel: %(a)s to %(b)s.") % {"a": start, "b": end})
    if case.companion:
        lines.append(_("Travels with a companion."))
    return "\n".join(lines).strip()


# --- Sending requests --------------------------------------------------------------------------------


def _move_to_quotes_requested(case: Case, actor: User) -> None:
    case.refresh_from_db(fields=["stage"])
    if case.stage == Stage.NEW:
        case_transition(case=case, to=Stage.IN_REVIEW, actor=actor, reason=_("quotes requested"))
        case.refresh_from_db(fields=["stage"])
    if case.stage in (Stage.IN_REVIEW, Stage.AWAITING_INFORMATION):
        case_transition(case=case, to=Stage.QUOTES_REQUESTED, actor=actor)


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
    the case to "quotes requested"."""
    summary = (summary or "").strip()
    hours = respond_within_hours if respond_within_hours is not None else default_response_hours()
    errors: dict[str, list[str]] = {}
    hospitals = list(dict.fromkeys(hospitals))
    if not 1 <= len(hospitals) <= MAX_HOSPITALS:
        errors["hospitals"] = [_("Choose between 1 and %(n)d hospitals.") % {"n": MAX_HOSPITALS}]
    if not summary:
        errors["summary"] = [_("Write the summary the hospitals will read.")]
    else:
        leftovers = identifying_leftovers(summary, names=_case_names(case), exact=_case_exact(case))
        if leftovers:
            errors["summary"] = [
                _("The summary still contains the patient's %(what)s. Remove it before sending.")
                % {"what": ", ".join(leftovers)}
            ]
    if not 1 <= hours <= 24 * 14:
        errors["respond_within_hours"] = [_("Give the hospitals between 1 hour and 14 days.")]
    if not case.is_open or case.stage not in SENDABLE_STAGES:
        errors["__all__"] = [_("Quotes cannot be requested at the case's current stage.")]
    documents = list(dict.fromkeys(documents))
    for doc in documents:
        if doc.case_id != case.pk or doc.scan_status != ScanStatus.CLEAN:
            errors.setdefault("documents", []).append(
                _("“%(name)s” cannot be attached (not this case's, or not scanned clean).")
                % {"name": doc.original_name}
            )
    ready = set(partner_ready_hospitals().filter(pk__in=[h.pk for h in hospitals]).values_list("pk", flat=True))
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("patient").get(pk=case.pk)
        consents = {
            c.hospital_id: c
            for c in ShareConsent.objects.filter(case=case, hospital__in=hospitals, revoked_at__isnull=True)
        }
        open_ids = set(
            QuoteRequest.objects.filter(case=case, status__in=OPEN_REQUEST_STATUSES).values_list(
                "hospital_id", flat=True
            )
        )
        for h in hospitals:
            problems = errors.setdefault("hospitals", [])
            if h.pk not in ready:
                problems.append(
                    _("%(h)s is not in the network or has no partner account to receive requests.") % {"h": h.name}
                )
            consent = consents.get(h.pk)
            if consent is None:
                problems.append(_("The patient has not consented to sharing with %(h)s.") % {"h": h.name})
            elif documents and not consent.includes_reports:
                errors.setdefault("documents", []).append(
                    _("The patient consented to a de-identified summary only for %(h)s: no reports may go there.")
                    % {"h": h.name}
                )
            if h.pk in open_ids:
                problems.append(_("%(h)s already has an open request for this case.") % {"h": h.name})
            if not problems:
                errors.pop("hospitals")
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        due = now + datetime.timedelta(hours=hours)
        if procedure is None and case.procedure_slug:
            procedure = Procedure.objects.filter(slug=case.procedure_slug).first()
        sent = []
        for h in hospitals:
            consent = consents[h.pk]
            request = QuoteRequest(
                case=case,
                patient=case.patient,
                hospital=h,
                procedure=procedure,
                scope=consent.scope,
                summary=summary,
                sent_by=actor,
                sent_at=now,
                respond_by=due,
                created_by=actor,
                is_demo=is_demo,
            )
            request.full_clean()
            request.save()
            SharedDocument.objects.bulk_create([SharedDocument(request=request, document=d) for d in documents])
            case_event_add(
                case=case, kind="quote_requested", actor=actor, hospital=h.name[:120], request=request.code,
                documents=len(documents), scope=consent.scope,
            )  # fmt: skip
            audit_record(
                actor=actor,
                action="quote_request.send",
                obj=request,
                patient=case.patient,
                detail={"documents": len(documents), "scope": consent.scope},
            )
            _tell_hospital(request, "quote_request", f"quote-request:{request.public_id}")
            _schedule_clock(request)
            sent.append(request)
        _move_to_quotes_requested(case, actor)
    return sent


def _schedule_clock(request: QuoteRequest) -> None:
    reminder = request.respond_by - reminder_before()
    if reminder > request.sent_at:
        quote_tasks.check_request_clock.using(run_after=reminder).enqueue(request_id=request.pk)
    quote_tasks.check_request_clock.using(run_after=request.respond_by).enqueue(request_id=request.pk)
    quote_tasks.check_request_clock.using(run_after=request.sent_at + ALTERNATIVES_AFTER).enqueue(request_id=request.pk)


def request_clock_check(*, request_id: int, now: datetime.datetime | None = None) -> list[str]:
    """Re-check a request's clock under a row lock and do what is due, each at most once: the
    reminder to the hospital before the deadline, the escalation to the case manager at the
    deadline, and after 72 hours without an answer the offer of other hospitals."""
    now = now or timezone.now()
    done: list[str] = []
    with transaction.atomic():
        # Lock the request row only (its case link is nullable: no outer join under FOR UPDATE).
        request = QuoteRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None or request.status != RequestStatus.SENT or request.case is None:
            return done
        case = request.case
        if request.reminder_sent_at is None and request.respond_by - reminder_before() <= now < request.respond_by:
            request.reminder_sent_at = now
            request.save(update_fields=["reminder_sent_at", "updated_at"])
            _tell_hospital(request, "quote_reminder", f"quote-reminder:{request.public_id}")
            done.append("reminded")
        if request.escalated_at is None and now >= request.respond_by:
            request.escalated_at = now
            request.save(update_fields=["escalated_at", "updated_at"])
            case_event_add(case=case, kind="quote_overdue", hospital=request.hospital.name[:120], request=request.code)
            _tell_case_team(case, "quote_overdue", f"quote-overdue:{request.public_id}", hospital=request.hospital.name)
            done.append("escalated")
        if request.alternatives_offered_at is None and now >= request.sent_at + ALTERNATIVES_AFTER:
            request.alternatives_offered_at = now
            request.save(update_fields=["alternatives_offered_at", "updated_at"])
            case_event_add(
                case=case, kind="quote_alternatives", hospital=request.hospital.name[:120], request=request.code
            )
            _tell_case_team(
                case, "quote_alternatives", f"quote-alternatives:{request.public_id}", hospital=request.hospital.name
            )
            done.append("alternatives")
    return done


def request_clocks_sweep(*, now: datetime.datetime | None = None) -> int:
    """Safety net for the delayed clock tasks (recurring job)."""
    now = now or timezone.now()
    due = QuoteRequest.objects.filter(status=RequestStatus.SENT).filter(
        Q(reminder_sent_at__isnull=True, respond_by__lte=now + reminder_before(), respond_by__gt=now)
        | Q(escalated_at__isnull=True, respond_by__lte=now)
        | Q(alternatives_offered_at__isnull=True, sent_at__lte=now - ALTERNATIVES_AFTER)
    )
    return sum(bool(request_clock_check(request_id=pk, now=now)) for pk in due.values_list("pk", flat=True)[:500])


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
        _tell_hospital(request, "quote_closed", f"quote-withdrawn:{request.public_id}", why="withdrawn")
    return request


# --- The hospital's answer ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    status: str
    amount: Decimal | None = None
    note: str = ""


@dataclass(frozen=True)
class PlanInput:
    clinical_summary: str
    procedure: Procedure | None
    doctor: Doctor | None
    pre_op_days: int
    inpatient_nights: int
    days_before_flying: int
    currency: str
    valid_until: datetime.date | None
    lines: Mapping[str, LineInput]


def _partner_of(actor: User, hospital: Hospital) -> bool:
    return actor.role == Role.PARTNER and PartnerMembership.objects.filter(user=actor, hospital=hospital).exists()


def _answerable(request: QuoteRequest, actor: User) -> QuoteRequest:
    request = QuoteRequest.objects.select_for_update().get(pk=request.pk)
    if not _partner_of(actor, request.hospital):
        raise ValidationError(_("Only the hospital's own partner users can answer this request."))
    if request.status != RequestStatus.SENT:
        raise ValidationError(
            _("This request is no longer waiting for an answer (%(s)s).") % {"s": request.get_status_display()}
        )
    if (
        request.case is None
        or not ShareConsent.objects.filter(
            case=request.case, hospital=request.hospital, revoked_at__isnull=True
        ).exists()
    ):
        raise ValidationError(_("This request is no longer available."))
    return request


def _clean_plan(plan: PlanInput, hospital: Hospital) -> tuple[dict[str, list[str]], str]:
    errors: dict[str, list[str]] = {}
    currency = plan.currency
    try:
        currency = currency_validate(plan.currency)
    except ValidationError as exc:
        errors["currency"] = exc.messages
    if not (plan.clinical_summary or "").strip():
        errors["clinical_summary"] = [_("Describe the proposed treatment.")]
    if plan.procedure is None:
        errors["procedure"] = [_("Choose the proposed procedure from the catalogue.")]
    if plan.doctor is None:
        errors["doctor"] = [_("Choose the doctor.")]
    elif not verified_doctors(hospital).filter(pk=plan.doctor.pk).exists():
        errors["doctor"] = [_("Choose one of your hospital's doctors with a verified, current licence.")]
    for name in ("pre_op_days", "inpatient_nights", "days_before_flying"):
        value = getattr(plan, name)
        if value is None or value < 0 or value > 365:
            errors[name] = [_("Enter a number of days between 0 and 365.")]
    if (
        "inpatient_nights" not in errors
        and "days_before_flying" not in errors
        and plan.days_before_flying < plan.inpatient_nights
    ):
        errors["days_before_flying"] = [_("The patient cannot fly home before leaving hospital.")]
    if plan.valid_until is None:
        errors["valid_until"] = [_("Say until when the quote is valid.")]
    elif plan.valid_until < timezone.localdate():
        errors["valid_until"] = [_("The quote must be valid today or later.")]
    for item in OFFER_ITEM_IDS:
        line = plan.lines.get(item)
        label = str(OFFER_ITEM_LABELS[item])
        if line is None or line.status not in LineStatus.values:
            errors.setdefault(f"lines.{item}", []).append(
                _("%(item)s: state included, not included or not applicable.") % {"item": label}
            )
        elif line.status == LineStatus.INCLUDED and (line.amount is None or line.amount < 0):
            errors.setdefault(f"lines.{item}", []).append(
                _("%(item)s: give the amount of an included item.") % {"item": label}
            )
    unknown = set(plan.lines) - set(OFFER_ITEM_IDS)
    if unknown:
        errors["lines"] = [_("Unknown items: %(ids)s.") % {"ids": ", ".join(sorted(unknown))}]
    return errors, currency


def quote_submit(*, request: QuoteRequest, actor: User, plan: PlanInput, is_demo: bool = False) -> Quote:
    """The hospital answers with a treatment plan and a quote that states every standard item.
    The commission agreement in force today is recorded on the quote (the patient sees it)."""
    errors, currency = _clean_plan(plan, request.hospital)
    if errors:
        raise ValidationError(errors)
    assert plan.procedure is not None and plan.doctor is not None and plan.valid_until is not None
    with transaction.atomic():
        request = _answerable(request, actor)
        case = request.case
        assert case is not None
        now = timezone.now()
        total = sum(
            (ln.amount or Decimal(0) for ln in plan.lines.values() if ln.status == LineStatus.INCLUDED), Decimal(0)
        )
        quote = Quote(
            request=request,
            clinical_summary=plan.clinical_summary.strip(),
            procedure=plan.procedure,
            doctor=plan.doctor,
            pre_op_days=plan.pre_op_days,
            inpatient_nights=plan.inpatient_nights,
            days_before_flying=plan.days_before_flying,
            currency=currency,
            total=total,
            valid_until=plan.valid_until,
            submitted_by=actor,
            submitted_at=now,
            created_by=actor,
            is_demo=is_demo,
        )
        agreement = commission_in_force(request.hospital, now.date())
        if agreement is not None:
            quote.commission_kind = agreement.kind
            if agreement.kind == CommissionAgreement.Kind.PERCENT:
                assert agreement.percent is not None
                quote.commission_percent = agreement.percent
                quote.commission_amount = (total * agreement.percent / 100).quantize(Decimal("0.01"))
                quote.commission_currency = currency
            else:
                quote.commission_amount = agreement.amount
                quote.commission_currency = agreement.currency
        quote.full_clean()
        quote.save()
        QuoteLine.objects.bulk_create(
            [
                QuoteLine(
                    quote=quote,
                    item=item,
                    status=plan.lines[item].status,
                    amount=plan.lines[item].amount if plan.lines[item].status == LineStatus.INCLUDED else None,
                    note=(plan.lines[item].note or "")[:200],
                )
                for item in OFFER_ITEM_IDS
            ]
        )
        request.status = RequestStatus.QUOTED
        request.responded_at = now
        request.save(update_fields=["status", "responded_at", "updated_at"])
        case_event_add(
            case=case, kind="quote_received", actor=actor, hospital=request.hospital.name[:120], request=request.code,
        )  # fmt: skip
        audit_record(actor=actor, action="quote.submit", obj=quote, patient=case.patient)
        _tell_case_team(case, "quote_received", f"quote-received:{request.public_id}", hospital=request.hospital.name)
        _tell_patient(case, "quote_ready", f"quote-ready:{request.public_id}")
        case.refresh_from_db(fields=["stage"])
        if case.stage == Stage.QUOTES_REQUESTED:
            case_transition(case=case, to=Stage.QUOTES_READY, actor=actor, reason=_("a quote arrived"))
    return quote


def quote_request_decline(*, request: QuoteRequest, actor: User, reason: str) -> QuoteRequest:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the hospital declines (the case manager reads it).")})
    with transaction.atomic():
        request = _answerable(request, actor)
        case = request.case
        assert case is not None
        request.status = RequestStatus.DECLINED
        request.responded_at = timezone.now()
        request.decline_reason = reason[:2000]
        request.full_clean()
        request.save(update_fields=["status", "responded_at", "decline_reason", "updated_at"])
        case_event_add(
            case=case, kind="quote_declined", actor=actor, hospital=request.hospital.name[:120], request=request.code
        )
        audit_record(actor=actor, action="quote_request.decline", obj=request, patient=case.patient)
        _tell_case_team(case, "quote_declined", f"quote-declined:{request.public_id}", hospital=request.hospital.name)
    return request


# --- Acceptance ----------------------------------------------------------------------------------------


def quote_accept(*, quote: Quote, actor: User) -> Quote:
    """The patient accepts one plan. Every other open request of the case is closed politely and
    its hospital told; the case moves to "plan accepted"."""
    with transaction.atomic():
        request = QuoteRequest.objects.select_for_update().get(pk=quote.request_id)
        case = request.case
        if case is None or actor.pk != case.patient_id:
            raise ValidationError(_("Only the patient can accept a plan."))
        case = Case.objects.select_for_update(of=("self",)).select_related("patient").get(pk=case.pk)
        if request.status != RequestStatus.QUOTED:
            raise ValidationError(_("This quote can no longer be accepted."))
        if quote.valid_until < timezone.localdate():
            raise ValidationError(
                _("This quote expired on %(d)s. Ask your case manager for a new one.") % {"d": quote.valid_until}
            )
        if case.stage != Stage.QUOTES_READY:
            raise ValidationError(_("A plan can be accepted only while the quotes are ready to compare."))
        now = timezone.now()
        request.status = RequestStatus.ACCEPTED
        request.closed_at = now
        request.save(update_fields=["status", "closed_at", "updated_at"])
        case_event_add(
            case=case, kind="quote_accepted", actor=actor, hospital=request.hospital.name[:120], request=request.code
        )
        audit_record(actor=actor, action="quote.accept", obj=quote, patient=case.patient)
        others = (
            QuoteRequest.objects.select_for_update(of=("self",))
            .select_related("hospital")
            .filter(case=case, status__in=OPEN_REQUEST_STATUSES)
            .exclude(pk=request.pk)
        )
        for other in others:
            other.status = RequestStatus.CLOSED
            other.closed_at = now
            other.close_reason = "the patient chose another plan"
            other.save(update_fields=["status", "closed_at", "close_reason", "updated_at"])
            case_event_add(case=case, kind="quote_closed", hospital=other.hospital.name[:120], request=other.code)
            _tell_hospital(other, "quote_closed", f"quote-closed:{other.public_id}", why="another_plan")
        _tell_hospital(request, "quote_accepted_hospital", f"quote-accepted:{request.public_id}")
        _tell_case_team(case, "quote_accepted", f"quote-accepted:{request.public_id}", hospital=request.hospital.name)
        case_transition(case=case, to=Stage.PLAN_ACCEPTED, actor=actor)
    quote.refresh_from_db()
    return quote


# --- After treatment: the final bill -------------------------------------------------------------------


def final_bill_record(
    *, request: QuoteRequest, amount: Decimal, currency: str, actor: User, note: str = ""
) -> FinalBill:
    """Record what the hospital billed for the accepted plan (in the quote's currency), for the
    hospital's quote-accuracy figure."""
    with transaction.atomic():
        request = QuoteRequest.objects.select_for_update().get(pk=request.pk)
        case = request.case
        errors: dict[str, list[str]] = {}
        if request.status != RequestStatus.ACCEPTED or case is None:
            raise ValidationError(_("A final bill is recorded for the accepted plan only."))
        if case.stage not in BILLABLE_STAGES:
            raise ValidationError(_("Record the final bill after treatment has started."))
        if hasattr(request, "final_bill"):
            raise ValidationError(_("The final bill is already recorded."))
        quote = request.quote
        if (currency or "").upper() != quote.currency:
            errors["currency"] = [_("Enter the bill in the quote's currency (%(c)s).") % {"c": quote.currency}]
        if amount is None or amount < 0:
            errors["amount"] = [_("Enter the amount billed.")]
        if errors:
            raise ValidationError(errors)
        bill = FinalBill(
            request=request,
            amount=amount,
            currency=quote.currency,
            note=(note or "").strip()[:300],
            recorded_by=actor,
            recorded_at=timezone.now(),
            created_by=actor,
        )
        bill.full_clean()
        bill.save()
        ratio = (Decimal(amount) / quote.total).quantize(Decimal("0.001")) if quote.total else None
        case_event_add(
            case=case, kind="final_bill", actor=actor, request=request.code, ratio=str(ratio) if ratio else ""
        )
        audit_record(actor=actor, action="final_bill.record", obj=bill, patient=case.patient)
    return bill


# --- Commission agreements -------------------------------------------------------------------------------


def commission_agreement_add(
    *,
    hospital: Hospital,
    kind: str,
    valid_from: datetime.date,
    actor: User,
    percent: Decimal | None = None,
    amount: Decimal | None = None,
    currency: str = "",
    valid_to: datetime.date | None = None,
    note: str = "",
) -> CommissionAgreement:
    """A lead records what the network earns from a hospital. Periods of one hospital never
    overlap, so exactly one agreement (or none) applies on any day."""
    if not actor.is_lead:
        raise ValidationError(_("Only leads set commission agreements."))
    errors: dict[str, list[str]] = {}
    if kind == CommissionAgreement.Kind.PERCENT:
        amount, currency = None, ""
        if percent is None or not Decimal(0) < percent <= Decimal(100):
            errors["percent"] = [_("Give a percentage above 0 and at most 100.")]
    elif kind == CommissionAgreement.Kind.FIXED:
        percent = None
        if amount is None or amount <= 0:
            errors["amount"] = [_("Give the fixed amount.")]
        try:
            currency = currency_validate(currency)
        except ValidationError as exc:
            errors["currency"] = exc.messages
    else:
        errors["kind"] = [_("Choose a percentage or a fixed amount.")]
    if valid_to is not None and valid_to < valid_from:
        errors["valid_to"] = [_("The end date is before the start date.")]
    with transaction.atomic():
        Hospital.objects.select_for_update().get(pk=hospital.pk)
        end = valid_to or datetime.date.max
        overlapping = CommissionAgreement.objects.filter(hospital=hospital, valid_from__lte=end).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from)
        )
        if overlapping.exists():
            errors.setdefault("valid_from", []).append(
                _("Another agreement with this hospital covers part of these dates; end it first.")
            )
        if errors:
            raise ValidationError(errors)
        agreement = CommissionAgreement(
            hospital=hospital,
            kind=kind,
            percent=percent,
            amount=amount,
            currency=currency,
            valid_from=valid_from,
            valid_to=valid_to,
            note=(note or "").strip(),
            created_by=actor,
        )
        agreement.full_clean()
        agreement.save()
        audit_record(actor=actor, action="commission.add", obj=agreement, detail={"kind": kind})
    return agreement


def commission_agreement_end(*, agreement: CommissionAgreement, on: datetime.date, actor: User) -> CommissionAgreement:
    if not actor.is_lead:
        raise ValidationError(_("Only leads set commission agreements."))
    if on < agreement.valid_from:
        raise ValidationError({"valid_to": _("The end date is before the start date.")})
    with transaction.atomic():
        agreement.valid_to = on
        agreement.full_clean()
        agreement.save(update_fields=["valid_to", "updated_at"])
        audit_record(actor=actor, action="commission.end", obj=agreement)
    return agreement


# --- Erasure ---------------------------------------------------------------------------------------------


def erasure_notify_hospitals(*, patient: User) -> int:
    """Tell every hospital that received a request about this patient (by request code only)
    that the patient asked for erasure. Returns the number of emails queued."""
    queued = 0
    for request in QuoteRequest.objects.filter(patient=patient).select_related("hospital"):
        queued += _tell_hospital(request, "quote_erasure", f"quote-erasure:{request.public_id}")
    return queued


# --- Reads that must be audited ------------------------------------------------------------------------


def request_read_audit(*, user: Any, request: QuoteRequest, action: str = "quote_request.view") -> None:
    audit_record(actor=user, action=action, obj=request, patient=request.patient)


def requests_list_audit(*, user: Any, requests: Iterable[QuoteRequest], action: str = "quote_request.list") -> None:
    for request in requests:
        audit_record(actor=user, action=action, obj=request, patient=request.patient)
