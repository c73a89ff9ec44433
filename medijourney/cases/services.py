"""Every write on cases: intake, assignment, the first-response clock, stages, messages, notes,
tasks, documents and the email outbox. Background tasks (tasks.py) call these same functions."""

import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from medijourney.accounts.models import User
from medijourney.accounts.roles import LEAD_ROLES, Role
from medijourney.accounts.services import user_create
from medijourney.core.uploads import CleanUpload, ScannerUnavailableError, scan_bytes, scanning_enabled
from medijourney.discovery.triage import triage as triage_text
from medijourney.privacy.services import audit_record
from medijourney.privacy.vault import vault_delete, vault_read, vault_store

from . import tasks as case_tasks
from .consent import CONSENT_TEXTS, CURRENT_CONSENT_VERSION
from .detection import contact_details_detect
from .models import (
    FINAL_STAGES,
    OPEN_STAGES,
    Case,
    CaseEvent,
    CaseManagerAvailability,
    CaseNote,
    CaseTask,
    Document,
    EventKind,
    IntakeRequest,
    Message,
    Notification,
    ScanStatus,
    Source,
    Stage,
    Thread,
)
from .notifications import render_body, subject_for
from .values import (
    country_validate,
    currency_validate,
    language_normalize,
    phone_normalize,
    primary_subtag,
    reference_generate,
)

logger = logging.getLogger(__name__)


def first_response_window() -> timedelta:
    return timedelta(hours=getattr(settings, "CASES_FIRST_RESPONSE_HOURS", 24))


def clock_warning_before() -> timedelta:
    return timedelta(hours=getattr(settings, "CASES_CLOCK_WARNING_HOURS", 4))


# --- Errors ----------------------------------------------------------------------------------------


class IdempotencyConflictError(Exception):
    """The same Idempotency-Key was sent with a different request body."""


class TransitionError(ValidationError):
    """A stage change that the workflow does not allow."""


# --- Timeline and outbox ---------------------------------------------------------------------------


def case_event_add(*, case: Case, kind: str, actor: Any = None, **data: Any) -> CaseEvent:
    """Append one row to the case timeline. ``data`` carries ids, stages and counts only."""
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    return CaseEvent.objects.create(
        case=case, kind=kind, actor=actor if signed_in else None, occurred_at=timezone.now(), data=data
    )


def notification_queue(
    *, key: str, kind: str, to_email: str, case: Case | None = None, context: dict[str, Any] | None = None
) -> Notification | None:
    """Record an email in the outbox and queue its delivery, once per ``key``. Call inside the
    transaction that makes the email necessary: both commit or neither does."""
    if Notification.objects.filter(key=key).exists():
        return None
    ctx = dict(context or {})
    if case is not None:
        ctx.setdefault("reference", case.reference)
        ctx.setdefault("due", case.first_response_due_at.isoformat())
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                key=key,
                kind=kind,
                case=case,
                to_email=to_email,
                context=ctx,
                subject=subject_for(kind, ctx.get("reference", "")),
            )
    except IntegrityError:
        return None  # queued by a concurrent transaction
    case_tasks.deliver_notification.enqueue(notification_id=notification.pk)
    return notification


MAX_EMAIL_ATTEMPTS = 8


def notification_deliver(*, notification_id: int) -> bool:
    """Send one outbox email unless it was sent already. The row stays locked while sending, so
    two workers never both send it; a retry after a crash finds ``sent_at`` set and does nothing.
    A failed send is retried later with a growing delay."""
    try:
        with transaction.atomic():
            notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
            if notification is None or notification.sent_at is not None:
                return False
            body = render_body(notification)
            send_mail(notification.subject, body, settings.DEFAULT_FROM_EMAIL, [notification.to_email])
            notification.sent_at = timezone.now()
            notification.attempts += 1
            notification.save(update_fields=["sent_at", "attempts"])
            return True
    except Exception:
        logger.warning("email delivery failed; will retry", extra={"notification": notification_id})
        with transaction.atomic():
            notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
            if notification is None or notification.sent_at is not None:
                return False
            notification.attempts += 1
            notification.save(update_fields=["attempts"])
            if notification.attempts < MAX_EMAIL_ATTEMPTS:
                delay = timedelta(minutes=min(2**notification.attempts, 120))
                case_tasks.deliver_notification.using(run_after=timezone.now() + delay).enqueue(
                    notification_id=notification.pk
                )
        return False


def _leads() -> list[User]:
    return list(User.objects.filter(is_active=True, role__in=list(LEAD_ROLES)).order_by("pk"))


def _notify_staff(*, case: Case, kind: str, key: str, people: Iterable[User]) -> None:
    for person in people:
        notification_queue(
            key=f"{key}:{person.public_id}",
            kind=kind,
            to_email=person.email,
            case=case,
            context={"audience": "staff"},
        )


# --- Intake ----------------------------------------------------------------------------------------


@dataclass
class InquiryData:
    full_name: str
    email: str
    phone: str
    country_of_residence: str
    passport_country: str
    preferred_language: str
    need: str
    consent: bool
    consent_version: str = CURRENT_CONSENT_VERSION
    procedure_requested: str = ""
    destinations: list[str] = field(default_factory=list)
    budget_amount: Decimal | None = None
    budget_currency: str = ""
    travel_earliest: date | None = None
    travel_latest: date | None = None
    companion: bool = False


@dataclass(frozen=True)
class IntakeOutcome:
    case: Case
    created: bool


def _email_validate(value: str) -> str:
    validate_email(value)
    return value


def inquiry_clean(data: InquiryData) -> InquiryData:
    """Check and normalise an inquiry; raise ValidationError naming each bad field."""
    errors: dict[str, list[str]] = {}

    def check(name: str, fn: Any, value: Any) -> Any:
        try:
            return fn(value)
        except ValidationError as exc:
            errors.setdefault(name, []).extend(exc.messages)
            return value

    data.full_name = (data.full_name or "").strip()
    data.email = (data.email or "").strip().lower()
    data.need = (data.need or "").strip()
    data.procedure_requested = (data.procedure_requested or "").strip()
    data.email = check("email", _email_validate, data.email)
    if not data.full_name:
        errors["full_name"] = [_("Please tell us your name.")]
    if not data.need:
        errors["need"] = [_("Please describe what you need help with.")]
    data.country_of_residence = check("country_of_residence", country_validate, data.country_of_residence)
    data.phone = check("phone", lambda v: phone_normalize(v, data.country_of_residence), data.phone)
    data.passport_country = check("passport_country", country_validate, data.passport_country)
    data.preferred_language = check("preferred_language", language_normalize, data.preferred_language)
    clean_destinations = []
    for code in data.destinations or []:
        clean_destinations.append(check("destinations", country_validate, code))
    data.destinations = list(dict.fromkeys(clean_destinations))
    if data.budget_amount is not None:
        if data.budget_amount < 0:
            errors["budget_amount"] = [_("The budget cannot be negative.")]
        if not data.budget_currency:
            errors["budget_currency"] = [_("Please choose the currency of your budget.")]
        else:
            data.budget_currency = check("budget_currency", currency_validate, data.budget_currency)
    elif data.budget_currency:
        data.budget_currency = check("budget_currency", currency_validate, data.budget_currency)
    if data.travel_earliest and data.travel_latest and data.travel_latest < data.travel_earliest:
        errors["travel_latest"] = [_("The end of your travel window is before its start.")]
    if not data.consent:
        errors["consent"] = [_("We need your consent to process your health information to answer you.")]
    if data.consent_version not in CONSENT_TEXTS:
        errors["consent_version"] = [_("Unknown consent text version.")]
    if errors:
        raise ValidationError(errors)
    return data


def inquiry_hash(data: InquiryData, uploads: Sequence[CleanUpload] = ()) -> str:
    payload = asdict(data)
    payload["documents"] = [u.sha256 for u in uploads]
    canonical = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def triage_summary(text: str, lang: str) -> dict[str, Any]:
    """Run the triage (routing, not diagnosis) and keep its result as plain JSON. Intake never
    fails because of it: an error is recorded instead."""
    try:
        result = triage_text(text, lang)
    except Exception:
        logger.exception("triage failed at intake")
        return {"error": "unavailable", "specialties": [], "procedures": [], "notice": "", "confident": False}
    return {
        "specialties": [
            {"id": s.id, "name": s.name, "score": round(float(s.score), 3), "evidence": list(s.evidence)}
            for s in result.specialties
        ],
        "procedures": [{"slug": p.slug, "name": p.name, "score": round(float(p.score), 3)} for p in result.procedures],
        "notice": result.notice,
        "confident": bool(result.confident),
    }


def _intake_replay(key: str, request_hash: str, *, strict: bool) -> IntakeOutcome | None:
    existing = IntakeRequest.objects.select_related("case").filter(key=key).first()
    if existing is None or existing.case is None:
        return None
    if strict and existing.request_hash != request_hash:
        raise IdempotencyConflictError(key)
    return IntakeOutcome(case=existing.case, created=False)


def _patient_for(data: InquiryData) -> User:
    """The patient's account: linked if the email is known, otherwise created without a usable
    password (the acknowledgement email carries a link to set one)."""
    user = User.objects.filter(email__iexact=data.email).first()
    if user is not None:
        return user
    try:
        with transaction.atomic():
            return user_create(
                email=data.email,
                password=None,
                role=Role.PATIENT,
                full_name=data.full_name,
                preferred_language=data.preferred_language,
                spoken_languages=[data.preferred_language],
            )
    except IntegrityError:
        return User.objects.get(email__iexact=data.email)


def _case_save_with_reference(case: Case) -> None:
    for _attempt in range(10):
        case.reference = reference_generate()
        try:
            with transaction.atomic():
                case.save(force_insert=True)
            return
        except IntegrityError:
            if not Case.objects.filter(reference=case.reference).exists():
                raise
    raise RuntimeError("Could not find a free case reference")


def _store_uploads(uploads: Sequence[CleanUpload], stored: list[str]) -> list[tuple[CleanUpload, str]]:
    pairs = []
    for upload in uploads:
        key = vault_store(data=upload.data, purpose="documents")
        stored.append(key)
        pairs.append((upload, key))
    return pairs


def inquiry_submit(
    *,
    data: InquiryData,
    uploads: Sequence[CleanUpload] = (),
    key: str,
    source: str = Source.FORM,
    strict_idempotency: bool = True,
) -> IntakeOutcome:
    """Turn an inquiry into a case exactly once per ``key``: create or link the patient's
    account, triage the need, store the documents, assign a case manager, start the clock and
    queue the acknowledgement. A retry with the same key returns the same case; with the same key
    and a different body it raises IdempotencyConflictError (when ``strict_idempotency``)."""
    data = inquiry_clean(data)
    request_hash = inquiry_hash(data, uploads)
    replay = _intake_replay(key, request_hash, strict=strict_idempotency)
    if replay is not None:
        return replay
    triage = triage_summary(f"{data.need}\n{data.procedure_requested}".strip(), primary_subtag(data.preferred_language))
    for attempt in range(3):
        stored: list[str] = []
        try:
            with transaction.atomic():
                return _intake_create(data, uploads, key, request_hash, source, triage, stored)
        except IntegrityError:
            for storage_key in stored:
                vault_delete(storage_key)
            replay = _intake_replay(key, request_hash, strict=strict_idempotency)
            if replay is not None:
                return replay
            if attempt == 2:
                raise
        except BaseException:
            for storage_key in stored:
                vault_delete(storage_key)
            raise
    raise RuntimeError("unreachable")


def _intake_create(
    data: InquiryData,
    uploads: Sequence[CleanUpload],
    key: str,
    request_hash: str,
    source: str,
    triage: dict[str, Any],
    stored: list[str],
) -> IntakeOutcome:
    # The key row first: a concurrent retry with the same key waits here, then finds the case.
    intake = IntakeRequest.objects.create(key=key, request_hash=request_hash)
    patient = _patient_for(data)
    now = timezone.now()
    top_specialty = triage["specialties"][0]["id"] if triage.get("confident") and triage.get("specialties") else ""
    top_procedure = ""
    if triage.get("confident") and triage.get("procedures") and triage["procedures"][0]["score"] >= 0.5:
        top_procedure = triage["procedures"][0]["slug"]
    case = Case(
        patient=patient,
        source=source,
        full_name=data.full_name,
        email=data.email,
        phone=data.phone,
        country_of_residence=data.country_of_residence,
        passport_country=data.passport_country,
        preferred_language=data.preferred_language,
        need=data.need,
        procedure_requested=data.procedure_requested,
        destinations=data.destinations,
        budget_amount=data.budget_amount,
        budget_currency=data.budget_currency,
        travel_earliest=data.travel_earliest,
        travel_latest=data.travel_latest,
        companion=data.companion,
        specialty_id=top_specialty,
        procedure_slug=top_procedure,
        triage=triage,
        consent_version=data.consent_version,
        consent_given_at=now,
        first_response_due_at=now + first_response_window(),
        stage=Stage.NEW,
        stage_changed_at=now,
        reference="MJ-0000-0000",  # replaced by a random free one on save
    )
    case.full_clean(exclude=["reference"], validate_unique=False, validate_constraints=False)
    _case_save_with_reference(case)
    # The clock starts at the recorded intake time exactly.
    case.consent_given_at = case.created_at
    case.first_response_due_at = case.created_at + first_response_window()
    Case.objects.filter(pk=case.pk).update(
        consent_given_at=case.consent_given_at, first_response_due_at=case.first_response_due_at
    )
    intake.case = case
    intake.save(update_fields=["case"])
    case_event_add(
        case=case,
        kind=EventKind.INTAKE,
        source=source,
        documents=len(uploads),
        consent_version=data.consent_version,
        triage_confident=bool(triage.get("confident")),
    )
    audit_record(actor=None, action="case.intake", obj=case, patient=patient, detail={"source": source})
    for upload, storage_key in _store_uploads(uploads, stored):
        _document_create(case=case, upload=upload, storage_key=storage_key, actor=patient, audit_actor=None)
    notification_queue(
        key=f"ack:{case.public_id}",
        kind="ack",
        to_email=data.email,
        case=case,
        context={"user": str(patient.public_id), "name": data.full_name, "audience": "patient"},
    )
    due = case.first_response_due_at
    case_tasks.check_clock.using(run_after=due - clock_warning_before()).enqueue(case_id=case.pk)
    case_tasks.check_clock.using(run_after=due).enqueue(case_id=case.pk)
    case_assign_auto(case=case)
    case.refresh_from_db()
    return IntakeOutcome(case=case, created=True)


# --- Upload tokens for the API (documents sent right after an inquiry) ----------------------------

UPLOAD_TOKEN_VALID = timedelta(hours=24)


def upload_token_for(case: Case) -> str:
    """A token that lets the sender of an inquiry attach documents to it for 24 hours without an
    account yet. Derived (HMAC) from the case's public id, so a retry gets the same one."""
    return salted_hmac("medijourney.cases.upload", str(case.public_id), algorithm="sha256").hexdigest()[:40]


def upload_token_valid(case: Case, token: str, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    if now > case.created_at + UPLOAD_TOKEN_VALID or not case.is_open:
        return False
    return constant_time_compare(upload_token_for(case), token or "")


# --- Assignment ------------------------------------------------------------------------------------


def _available(row: CaseManagerAvailability, today: date) -> bool:
    return not row.out_of_office or (row.back_on is not None and row.back_on <= today)


def _pick_case_manager(case: Case) -> tuple[User | None, bool]:
    """Lock every case manager's availability row (in id order, so concurrent assignments queue
    instead of deadlocking), then pick: speaks the patient's language, lowest open load, least
    recently assigned. Returns (person or None, language fallback?)."""
    managers = User.objects.filter(is_active=True, role=Role.CASE_MANAGER)
    missing = managers.filter(case_availability__isnull=True).values_list("pk", flat=True)
    CaseManagerAvailability.objects.bulk_create(
        [CaseManagerAvailability(user_id=pk) for pk in missing], ignore_conflicts=True
    )
    rows = list(
        CaseManagerAvailability.objects.select_for_update(of=("self",))
        .filter(user__is_active=True, user__role=Role.CASE_MANAGER)
        .exclude(user_id=case.patient_id)
        .select_related("user")
        .order_by("pk")
    )
    today = timezone.localdate()
    available = [r for r in rows if _available(r, today)]
    if not available:
        return None, False
    language = primary_subtag(case.preferred_language)
    speakers = [r for r in available if language in {primary_subtag(t) for t in (r.user.spoken_languages or [])}]
    pool = speakers or available
    loads = dict(
        Case.objects.filter(assigned_to_id__in=[r.user_id for r in pool])
        .exclude(stage__in=["closed", "cancelled"])  # matches the partial index cases_case_open_load_idx
        .values("assigned_to_id")
        .annotate(n=Count("id"))
        .values_list("assigned_to_id", "n")
    )
    never = datetime.min.replace(tzinfo=timezone.get_current_timezone())
    chosen = min(pool, key=lambda r: (loads.get(r.user_id, 0), r.last_assigned_at or never, r.pk))
    chosen.last_assigned_at = timezone.now()
    chosen.save(update_fields=["last_assigned_at", "updated_at"])
    return chosen.user, not speakers


def case_assign_auto(*, case: Case) -> User | None:
    """Assign an open, unassigned case automatically, or tell the leads no one is available
    (once). Call inside a transaction; safe under concurrency."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.assigned_to_id is not None or not case.is_open:
            return case.assigned_to
        person, fallback = _pick_case_manager(case)
        if person is None:
            if case.escalated_at is None:
                case.escalated_at = timezone.now()
                case.save(update_fields=["escalated_at", "updated_at"])
                case_event_add(case=case, kind=EventKind.UNASSIGNED_ESCALATED)
                _notify_staff(case=case, kind="unassigned", key=f"unassigned:{case.public_id}", people=_leads())
            return None
        now = timezone.now()
        case.assigned_to = person
        case.assigned_at = now
        case.language_fallback = fallback
        case.save(update_fields=["assigned_to", "assigned_at", "language_fallback", "updated_at"])
        case_event_add(
            case=case,
            kind=EventKind.ASSIGNED,
            to=str(person.public_id),
            automatic=True,
            language_fallback=fallback,
        )
        _notify_staff(case=case, kind="assigned", key=f"assigned:{case.public_id}:{now.timestamp()}", people=[person])
        return person


def cases_assign_waiting(*, limit: int = 200) -> int:
    """Try again to assign open cases that nobody could take (recurring job)."""
    assigned = 0
    waiting = Case.objects.filter(assigned_to__isnull=True, stage__in=OPEN_STAGES).order_by("first_response_due_at")
    for case in waiting[:limit]:
        if case_assign_auto(case=case) is not None:
            assigned += 1
    return assigned


def case_reassign(*, case: Case, to: User, actor: User) -> Case:
    """A lead hands a case to another case manager (or lead)."""
    if not actor.is_lead:
        raise ValidationError({"assigned_to": _("Only leads can reassign cases.")})
    if to.role not in (Role.CASE_MANAGER, *LEAD_ROLES) or not to.is_active:
        raise ValidationError({"assigned_to": _("Choose an active case manager.")})
    if to.pk == case.patient_id:
        raise ValidationError({"assigned_to": _("A person cannot manage their own case.")})
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if not case.is_open:
            raise ValidationError({"assigned_to": _("This case is closed.")})
        previous = case.assigned_to
        if previous is not None and previous.pk == to.pk:
            return case
        now = timezone.now()
        case.assigned_to = to
        case.assigned_at = now
        case.language_fallback = primary_subtag(case.preferred_language) not in {
            primary_subtag(t) for t in (to.spoken_languages or [])
        }
        case.save(update_fields=["assigned_to", "assigned_at", "language_fallback", "updated_at"])
        CaseManagerAvailability.objects.filter(user=to).update(last_assigned_at=now)
        case_event_add(
            case=case,
            kind=EventKind.REASSIGNED if previous else EventKind.ASSIGNED,
            actor=actor,
            to=str(to.public_id),
            previous=str(previous.public_id) if previous else "",
        )
        audit_record(actor=actor, action="case.reassign", obj=case, patient=case.patient)
        _notify_staff(case=case, kind="assigned", key=f"assigned:{case.public_id}:{now.timestamp()}", people=[to])
    return case


def availability_update(
    *, user: User, out_of_office: bool, back_on: date | None = None, note: str = ""
) -> CaseManagerAvailability:
    if user.role != Role.CASE_MANAGER:
        raise ValidationError(_("Only case managers have an availability setting."))
    with transaction.atomic():
        row, _created = CaseManagerAvailability.objects.select_for_update().get_or_create(user=user)
        row.out_of_office = out_of_office
        row.back_on = back_on if out_of_office else None
        row.note = note.strip()
        row.full_clean()
        row.save()
        audit_record(actor=user, action="availability.update", obj=("cases.availability", str(user.public_id)))
    return row


# --- First-response clock --------------------------------------------------------------------------


def case_clock_check(*, case_id: int, now: datetime | None = None) -> str:
    """Send the 4-hour warning or escalate a breach, each at most once. Re-checks the case when
    it runs, so a late or repeated run does nothing wrong. Returns what it did."""
    now = now or timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or not case.clock_running:
            return "stopped"
        due = case.first_response_due_at
        if now >= due:
            if case.clock_breached_at is not None:
                return "already breached"
            case.clock_breached_at = now
            case.escalated_at = case.escalated_at or now
            case.save(update_fields=["clock_breached_at", "escalated_at", "updated_at"])
            case_event_add(case=case, kind=EventKind.CLOCK_BREACHED)
            people = _leads()
            if case.assigned_to is not None and case.assigned_to not in people:
                people.append(case.assigned_to)
            _notify_staff(case=case, kind="clock_breach", key=f"breach:{case.public_id}", people=people)
            return "breached"
        if now >= due - clock_warning_before():
            if case.clock_warning_sent_at is not None:
                return "already warned"
            case.clock_warning_sent_at = now
            case.save(update_fields=["clock_warning_sent_at", "updated_at"])
            case_event_add(case=case, kind=EventKind.CLOCK_WARNING)
            people = [case.assigned_to] if case.assigned_to is not None else _leads()
            _notify_staff(case=case, kind="clock_warning", key=f"warning:{case.public_id}", people=people)
            return "warned"
        return "early"


def clocks_sweep(*, now: datetime | None = None) -> int:
    """Safety net for the delayed clock tasks (recurring job): check every running clock that
    is due for a warning or a breach and has not had it."""
    now = now or timezone.now()
    due_soon = Case.objects.filter(
        first_responded_at__isnull=True,
        stage__in=OPEN_STAGES,
        first_response_due_at__lte=now + clock_warning_before(),
        clock_breached_at__isnull=True,
    ).values_list("pk", "first_response_due_at", "clock_warning_sent_at")
    acted = 0
    for pk, due, warned in due_soon:
        if now >= due or warned is None:
            acted += case_clock_check(case_id=pk, now=now) in ("warned", "breached")
    return acted


# --- Stages ----------------------------------------------------------------------------------------

TRANSITIONS: dict[str, tuple[str, ...]] = {
    Stage.NEW: (Stage.IN_REVIEW, Stage.AWAITING_INFORMATION),
    Stage.IN_REVIEW: (Stage.AWAITING_INFORMATION, Stage.QUOTES_REQUESTED),
    Stage.AWAITING_INFORMATION: (Stage.IN_REVIEW, Stage.QUOTES_REQUESTED),
    Stage.QUOTES_REQUESTED: (Stage.QUOTES_READY, Stage.AWAITING_INFORMATION),
    Stage.QUOTES_READY: (Stage.PLAN_ACCEPTED, Stage.QUOTES_REQUESTED),
    Stage.PLAN_ACCEPTED: (Stage.TRAVEL_PLANNING,),
    Stage.TRAVEL_PLANNING: (Stage.IN_TREATMENT,),
    Stage.IN_TREATMENT: (Stage.RECOVERING,),
    Stage.RECOVERING: (Stage.RETURNED_HOME,),
    Stage.RETURNED_HOME: (Stage.FOLLOW_UP, Stage.CLOSED),
    Stage.FOLLOW_UP: (Stage.CLOSED,),
    Stage.CLOSED: (),
    Stage.CANCELLED: (),
}


def allowed_transitions(stage: str) -> tuple[str, ...]:
    """The stages a case can move to next: the workflow, plus cancelled from any open stage."""
    following = TRANSITIONS.get(stage, ())
    if stage in FINAL_STAGES:
        return following
    return (*following, Stage.CANCELLED)


def case_transition(*, case: Case, to: str, actor: Any, reason: str = "") -> Case:
    """Move a case to another stage. The one place stage changes happen; each goes on the
    timeline with who and when."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if to not in allowed_transitions(case.stage):
            raise TransitionError(
                {
                    "stage": _("A case cannot move from “%(from)s” to “%(to)s”.")
                    % {"from": Stage(case.stage).label, "to": Stage(to).label if to in Stage.values else to}
                }
            )
        previous = case.stage
        now = timezone.now()
        case.stage = to
        case.stage_changed_at = now
        if to in FINAL_STAGES:
            case.closed_at = now
        case.save(update_fields=["stage", "stage_changed_at", "closed_at", "updated_at"])
        data: dict[str, Any] = {"from": previous, "to": to}
        if reason:
            data["reason"] = reason[:200]
        case_event_add(case=case, kind=EventKind.STAGE_CHANGED, actor=actor, **data)
        audit_record(actor=actor, action="case.transition", obj=case, patient=case.patient, detail={"to": to})
    return case


# --- Messages ---------------------------------------------------------------------------------------


def _is_partner(user: Any) -> bool:
    return user is not None and getattr(user, "role", None) == Role.PARTNER


def message_send(
    *, case: Case, author: User, body: str, thread: str = Thread.PATIENT, recipient: User | None = None
) -> Message:
    """Post a message on a case and email the other side that something is waiting. The first
    message from the case team to the patient stops the first-response clock. A message to or
    from a partner hospital with contact or bank details is flagged to the case manager."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message first.")})
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("patient", "assigned_to").get(pk=case.pk)
        from_staff = author.pk != case.patient_id and author.role != Role.PATIENT
        message = Message(
            case=case,
            thread=thread,
            author=author,
            author_role=str(author.role),
            from_staff=from_staff,
            body=body,
            created_by=author,
        )
        if thread == Thread.PARTNER or _is_partner(author) or _is_partner(recipient):
            message.flag_reasons = contact_details_detect(body)
            message.flagged = bool(message.flag_reasons)
        message.full_clean()
        message.save()
        case_event_add(
            case=case, kind=EventKind.MESSAGE_SENT, actor=author, message=str(message.public_id), from_staff=from_staff
        )
        audit_record(actor=author, action="message.send", obj=message, patient=case.patient)
        if message.flagged:
            case_event_add(
                case=case, kind=EventKind.MESSAGE_FLAGGED, message=str(message.public_id), reasons=message.flag_reasons
            )
            people = [case.assigned_to] if case.assigned_to else _leads()
            _notify_staff(case=case, kind="message_flagged", key=f"flagged:{message.public_id}", people=people)
        if from_staff and thread == Thread.PATIENT and case.first_responded_at is None and case.is_open:
            case.first_responded_at = message.created_at
            case.first_responder = author
            case.save(update_fields=["first_responded_at", "first_responder", "updated_at"])
            case_event_add(
                case=case,
                kind=EventKind.FIRST_RESPONSE,
                actor=author,
                within=message.created_at <= case.first_response_due_at,
            )
        if thread == Thread.PATIENT:
            if from_staff:
                notification_queue(
                    key=f"message:{message.public_id}:{case.patient.public_id}",
                    kind="message_to_patient",
                    to_email=case.patient.email,
                    case=case,
                    context={"audience": "patient"},
                )
            else:
                people = [case.assigned_to] if case.assigned_to else _leads()
                _notify_staff(case=case, kind="message_to_staff", key=f"message:{message.public_id}", people=people)
    return message


def messages_mark_read(*, messages: Sequence[Message], reader: User) -> int:
    """Record the first read of each message by the other side (not by its author's side)."""
    reader_is_staff = reader.role != Role.PATIENT
    ids = [m.pk for m in messages if m.read_at is None and m.from_staff != reader_is_staff]
    if not ids:
        return 0
    return Message.objects.filter(pk__in=ids, read_at__isnull=True).update(read_at=timezone.now())


# --- Notes and tasks --------------------------------------------------------------------------------


def note_add(*, case: Case, author: User, body: str) -> CaseNote:
    with transaction.atomic():
        note = CaseNote(case=case, author=author, body=(body or "").strip(), created_by=author)
        if not note.body:
            raise ValidationError({"body": _("Write the note first.")})
        note.full_clean()
        note.save()
        case_event_add(case=case, kind=EventKind.NOTE_ADDED, actor=author, note=str(note.public_id))
        audit_record(actor=author, action="note.add", obj=note, patient=case.patient)
    return note


def task_add(
    *, case: Case, actor: User, title: str, assignee: User | None = None, due_on: date | None = None
) -> CaseTask:
    with transaction.atomic():
        item = CaseTask(case=case, title=(title or "").strip(), assignee=assignee, due_on=due_on, created_by=actor)
        if assignee is not None and (assignee.role not in (Role.CASE_MANAGER, *LEAD_ROLES) or not assignee.is_active):
            raise ValidationError({"assignee": _("Tasks go to someone on the case team.")})
        item.full_clean()
        item.save()
        case_event_add(case=case, kind=EventKind.TASK_ADDED, actor=actor, task=str(item.public_id))
    return item


def task_set_done(*, task: CaseTask, actor: User, done: bool) -> CaseTask:
    with transaction.atomic():
        task = CaseTask.objects.select_for_update().get(pk=task.pk)
        if done == (task.done_at is not None):
            return task
        task.done_at = timezone.now() if done else None
        task.done_by = actor if done else None
        task.save(update_fields=["done_at", "done_by", "updated_at"])
        case_event_add(
            case=task.case,
            kind=EventKind.TASK_DONE if done else EventKind.TASK_REOPENED,
            actor=actor,
            task=str(task.public_id),
        )
    return task


# --- Documents --------------------------------------------------------------------------------------


def _document_create(*, case: Case, upload: CleanUpload, storage_key: str, actor: User, audit_actor: Any) -> Document:
    pending = scanning_enabled()
    document = Document(
        case=case,
        storage_key=storage_key,
        original_name=upload.original_name,
        kind=upload.kind,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_by=actor,
        created_by=actor,
        scan_status=ScanStatus.PENDING if pending else ScanStatus.CLEAN,
    )
    document.full_clean(exclude=["storage_key"])
    document.save()
    case_event_add(case=case, kind=EventKind.DOCUMENT_ADDED, actor=actor, document=str(document.public_id))
    audit_record(actor=audit_actor, action="document.upload", obj=document, patient=case.patient)
    if pending:
        case_tasks.scan_document.enqueue(document_id=document.pk)
    return document


def documents_add(
    *, case: Case, uploads: Sequence[CleanUpload], actor: User, audit_actor: Any = None
) -> list[Document]:
    """Store validated uploads (see core.uploads) encrypted in the vault and attach them to the
    case. With scanning on they wait for the virus scan before anyone can download them."""
    if not uploads:
        return []
    stored: list[str] = []
    try:
        with transaction.atomic():
            pairs = _store_uploads(uploads, stored)
            return [
                _document_create(
                    case=case,
                    upload=upload,
                    storage_key=key,
                    actor=actor,
                    audit_actor=actor if audit_actor is None else audit_actor,
                )
                for upload, key in pairs
            ]
    except BaseException:
        for key in stored:
            vault_delete(key)
        raise


def document_scan(*, document_id: int) -> str:
    """Scan a pending document with clamd. Clean: servable. Infected: quarantined (never served)
    and the case team told. Scanner down: stays pending (fail closed) and is retried later."""
    with transaction.atomic():
        document = (
            Document.objects.select_for_update(of=("self",)).select_related("case").filter(pk=document_id).first()
        )
        if document is None or document.scan_status != ScanStatus.PENDING:
            return "skipped"
        if not scanning_enabled():
            return "pending"  # stays unserved until scanning is configured again
        document.scan_attempts += 1
        try:
            clean, signature = scan_bytes(vault_read(document.storage_key))
        except ScannerUnavailableError:
            document.save(update_fields=["scan_attempts", "updated_at"])
            delay = timedelta(minutes=min(2 ** min(document.scan_attempts, 6), 60))
            case_tasks.scan_document.using(run_after=timezone.now() + delay).enqueue(document_id=document.pk)
            return "retry"
        document.scanned_at = timezone.now()
        document.scan_status = ScanStatus.CLEAN if clean else ScanStatus.QUARANTINED
        document.scan_signature = signature[:200]
        document.save(update_fields=["scanned_at", "scan_status", "scan_signature", "scan_attempts", "updated_at"])
        case = document.case
        case_event_add(
            case=case, kind=EventKind.DOCUMENT_SCANNED, document=str(document.public_id), result=document.scan_status
        )
        if not clean:
            audit_record(actor=None, action="document.quarantine", obj=document, patient=case.patient)
            people = [case.assigned_to] if case.assigned_to else _leads()
            _notify_staff(case=case, kind="document_quarantined", key=f"quarantine:{document.public_id}", people=people)
        return document.scan_status


def documents_rescan_pending(*, older_than: timedelta = timedelta(minutes=30)) -> int:
    """Safety net (recurring job): queue a scan for documents pending longer than ``older_than``."""
    cutoff = timezone.now() - older_than
    ids = list(
        Document.objects.filter(scan_status=ScanStatus.PENDING, updated_at__lt=cutoff).values_list("pk", flat=True)
    )
    for pk in ids:
        case_tasks.scan_document.enqueue(document_id=pk)
    return len(ids)


# --- Reads that must be audited ---------------------------------------------------------------------


def case_read_audit(*, user: Any, case: Case, action: str = "case.view", **detail: Any) -> None:
    audit_record(actor=user, action=action, obj=case, patient=case.patient, detail=detail or None)


def cases_list_audit(*, user: Any, cases: Iterable[Case], action: str = "case.list") -> None:
    for case in cases:
        audit_record(actor=user, action=action, obj=case, patient=case.patient)
