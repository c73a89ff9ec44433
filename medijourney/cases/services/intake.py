"""Intake: an inquiry becomes a case exactly once per idempotency key.

Whose case it is: a new address gets a new patient account (no password yet; the acknowledgement
carries a link to set one). A signed-in patient sending the form with their own address gets
the case in their account at once. Any other address that already has an account — a patient's,
or a staff member's — gets the case on a stand-in patient (accounts.placeholder_patient_create),
in nobody's account: a patient owner is emailed a link to confirm it (``inquiry_owner_confirm``)
or say it was not them; a staff account never receives a case. The sender's answer is the same in
every case, so it says nothing about the address."""

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from medijourney.accounts.models import User
from medijourney.accounts.permissions import has_perm
from medijourney.accounts.roles import Role
from medijourney.accounts.services import (
    PLACEHOLDER_DOMAIN,
    is_placeholder,
    placeholder_patient_create,
    user_create,
)
from medijourney.cases import tasks as case_tasks
from medijourney.cases.attachments import inquiry_attachments
from medijourney.cases.consent import CONSENT_TEXTS, CURRENT_CONSENT_VERSION
from medijourney.cases.models import (
    Case,
    Document,
    EventKind,
    IntakeRequest,
    Source,
    Stage,
)
from medijourney.cases.permissions import can_claim_case
from medijourney.cases.selectors import clock_warning_before, first_response_window, register_event_kind
from medijourney.cases.values import (
    country_validate,
    currency_validate,
    language_normalize,
    phone_normalize,
    primary_subtag,
    reference_generate,
)
from medijourney.core.uploads import CleanUpload
from medijourney.discovery.triage import triage as triage_text
from medijourney.privacy.services import audit_record
from medijourney.privacy.vault import vault_delete
from medijourney.safety.emergency import emergency_detect

from .assignment import case_assign_auto
from .documents import document_create, uploads_store
from .outbox import case_event_add, notification_queue

logger = logging.getLogger(__name__)


class IdempotencyConflictError(Exception):
    """The same Idempotency-Key was sent with a different request body."""


class OwnerConfirmError(Exception):
    """The confirmation link no longer applies: the case is already in an account, was declined,
    or the account is not (or no longer) a patient account with that address."""


# Timeline rows of the account-linking rule (labels shown to the case team and, once confirmed,
# to the patient).
register_event_kind("owner_pending", _("Sent with the address of an existing account: waiting for its owner"))
register_event_kind(
    "kept_apart", _("Sent with the address of an account that cannot take patient cases: kept apart from it")
)
register_event_kind("owner_confirmed", _("The account holder confirmed this inquiry"))
register_event_kind("owner_declined", _("The account holder said they did not send this inquiry"))


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
    if value.endswith(".invalid") or value.endswith(f"@{PLACEHOLDER_DOMAIN}"):
        raise ValidationError(_("Please give an email address that can receive mail."))
    return value


def _checked(errors: dict[str, list[str]], name: str, fn: Any, value: Any) -> Any:
    """``fn(value)``, or ``value`` unchanged with the messages recorded under ``name``."""
    try:
        return fn(value)
    except ValidationError as exc:
        errors.setdefault(name, []).extend(exc.messages)
        return value


def _inquiry_budget_clean(data: InquiryData, errors: dict[str, list[str]]) -> None:
    if data.budget_amount is not None:
        if data.budget_amount < 0:
            errors["budget_amount"] = [_("The budget cannot be negative.")]
        if not data.budget_currency:
            errors["budget_currency"] = [_("Please choose the currency of your budget.")]
            return
    if data.budget_currency:
        data.budget_currency = _checked(errors, "budget_currency", currency_validate, data.budget_currency)


def _inquiry_window_errors(data: InquiryData, errors: dict[str, list[str]]) -> None:
    today = timezone.localdate()
    if data.travel_earliest and data.travel_earliest < today:
        errors["travel_earliest"] = [_("This date is in the past: choose today or a later day.")]
    if data.travel_latest and data.travel_latest < today:
        errors["travel_latest"] = [_("This date is in the past: choose today or a later day.")]
    elif data.travel_earliest and data.travel_latest and data.travel_latest < data.travel_earliest:
        errors["travel_latest"] = [_("The end of your travel window is before its start.")]


def inquiry_clean(data: InquiryData) -> InquiryData:
    """Check and normalise an inquiry; raise ValidationError naming each bad field."""
    errors: dict[str, list[str]] = {}

    def check(name: str, fn: Any, value: Any) -> Any:
        return _checked(errors, name, fn, value)

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
    clean_destinations = [check("destinations", country_validate, code) for code in data.destinations or []]
    data.destinations = list(dict.fromkeys(clean_destinations))
    _inquiry_budget_clean(data, errors)
    _inquiry_window_errors(data, errors)
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


@dataclass(frozen=True)
class _Patient:
    user: User  # the case's patient: an account, or the stand-in of an unconfirmed inquiry
    owner: User | None = None  # the existing account the address belongs to, when not confirmed


def _patient_for(data: InquiryData, signed_in: Any = None) -> _Patient:
    """Whose case this is (see the module docstring). ``signed_in`` is the person who sent the
    page form, if signed in; the API never passes one."""
    existing = User.objects.filter(email__iexact=data.email).first()
    if existing is None:
        try:
            with transaction.atomic():
                return _Patient(
                    user_create(
                        email=data.email,
                        password=None,
                        role=Role.PATIENT,
                        full_name=data.full_name,
                        preferred_language=data.preferred_language,
                        spoken_languages=[data.preferred_language],
                    )
                )
        except IntegrityError:
            existing = User.objects.get(email__iexact=data.email)
    if getattr(signed_in, "pk", None) == existing.pk and has_perm(existing, "cases.view_own_cases"):
        return _Patient(existing)
    stand_in = placeholder_patient_create(full_name=data.full_name, preferred_language=data.preferred_language)
    return _Patient(stand_in, owner=existing)


def _acknowledgement_queue(case: Case, data: InquiryData, patient: _Patient) -> None:
    """The email to the address given: the usual acknowledgement, a confirmation link for an
    existing patient account, or, for a staff address, a note that nothing was added to it."""
    context: dict[str, Any] = {"name": data.full_name, "audience": "patient"}
    if patient.owner is None:
        kind, context["user"] = "ack", str(patient.user.public_id)
    elif can_claim_case(patient.owner, case):
        kind, context["owner"] = "ack_confirm", str(patient.owner.public_id)
    else:
        kind = "ack_not_added"
    notification_queue(key=f"ack:{case.public_id}", kind=kind, to_email=data.email, case=case, context=context)
    if patient.owner is not None:
        case_event_add(case=case, kind="owner_pending" if kind == "ack_confirm" else "kept_apart")


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


def inquiry_submit(
    *,
    data: InquiryData,
    uploads: Sequence[CleanUpload] = (),
    key: str,
    source: str = Source.FORM,
    strict_idempotency: bool = True,
    signed_in: Any = None,
    attachments: dict[str, Any] | None = None,
) -> IntakeOutcome:
    """Turn an inquiry into a case exactly once per ``key``: find whose case it is (see the
    module docstring; ``signed_in`` is the page form's signed-in person, never the API's), triage
    the need, store the documents and the checked ``attachments`` (name → what the registered
    ``cases.attachments.InquiryAttachment`` checked), assign a case manager, start the clock and
    queue the acknowledgement. A retry with the same key returns the same case; with the same key and a
    different body it raises IdempotencyConflictError (when ``strict_idempotency``)."""
    data = inquiry_clean(data)
    request_hash = inquiry_hash(data, uploads)
    replay = _intake_replay(key, request_hash, strict=strict_idempotency)
    if replay is not None:
        return replay
    text = f"{data.need}\n{data.procedure_requested}".strip()
    triage = triage_summary(text, primary_subtag(data.preferred_language))
    emergency = emergency_detect(text)
    if emergency is not None:  # flagged for the case manager; the patient is told to call for help
        triage["emergency"] = {
            "signs": [{"id": s.id, "label": s.label, "evidence": s.evidence} for s in emergency.signs]
        }
    for attempt in range(3):
        stored: list[str] = []
        try:
            with transaction.atomic():
                created = _intake_create(data, uploads, key, request_hash, source, triage, stored, signed_in)
                _attachments_store(created.case, attachments or {})
                return created
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


def _attachments_store(case: Case, checked: dict[str, Any]) -> None:
    registered = {a.name: a for a in inquiry_attachments()}
    for name, value in checked.items():
        registered[name].attach(case=case, checked=value, actor=case.patient)


def _intake_create(
    data: InquiryData,
    uploads: Sequence[CleanUpload],
    key: str,
    request_hash: str,
    source: str,
    triage: dict[str, Any],
    stored: list[str],
    signed_in: Any = None,
) -> IntakeOutcome:
    # The key row first: a concurrent retry with the same key waits here, then finds the case.
    intake = IntakeRequest.objects.create(key=key, request_hash=request_hash)
    whose = _patient_for(data, signed_in)
    patient = whose.user
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
        emergency_flagged=bool(triage.get("emergency")),
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
        emergency=bool(triage.get("emergency")),
    )
    audit_record(actor=None, action="case.intake", obj=case, patient=patient, detail={"source": source})
    for upload, storage_key in uploads_store(uploads, stored):
        document_create(case=case, upload=upload, storage_key=storage_key, actor=patient, audit_actor=None)
    _acknowledgement_queue(case, data, whose)
    due = case.first_response_due_at
    case_tasks.check_clock.using(run_after=due - clock_warning_before()).enqueue(case_id=case.pk)
    case_tasks.check_clock.using(run_after=due).enqueue(case_id=case.pk)
    case_assign_auto(case=case)
    case.refresh_from_db()
    return IntakeOutcome(case=case, created=True)


# --- The owner of an existing account confirms (or declines) an inquiry sent with their address ---


def _pending_owner_check(case: Case, owner: User) -> None:
    if not is_placeholder(case.patient):
        raise OwnerConfirmError("This inquiry is no longer waiting for confirmation.")
    if case.events.filter(kind="owner_declined").exists():
        raise OwnerConfirmError("This inquiry was declined.")
    if not can_claim_case(owner, case):
        raise OwnerConfirmError("This account cannot take the inquiry.")


def inquiry_owner_confirm(*, case: Case, owner: User) -> Case:
    """Move an unconfirmed inquiry from its stand-in patient into ``owner``'s account (the
    account holding the inquiry's address; they proved it by opening the emailed link). The
    documents sent with it become theirs; the stand-in is removed. Idempotent for the owner."""
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("patient").get(pk=case.pk)
        if case.patient_id == owner.pk:
            return case
        _pending_owner_check(case, owner)
        stand_in = case.patient
        case.patient = owner
        case.save(update_fields=["patient", "updated_at"])
        Document.objects.filter(case=case, uploaded_by=stand_in).update(uploaded_by=owner)
        Document.objects.filter(case=case, created_by=stand_in).update(created_by=owner)
        if not stand_in.cases.exists():
            try:
                with transaction.atomic():
                    stand_in.delete()
            except ProtectedError:
                pass  # something else still names it; it stays inactive, without a password
        case_event_add(case=case, kind="owner_confirmed", actor=owner)
        audit_record(actor=owner, action="case.owner_confirm", obj=case, patient=owner)
        return case


def inquiry_owner_decline(*, case: Case, owner: User) -> Case:
    """The owner says they did not send it: the case stays out of their account for good, the
    link stops working, and the timeline tells the case team."""
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("patient").get(pk=case.pk)
        _pending_owner_check(case, owner)
        case_event_add(case=case, kind="owner_declined")
        audit_record(actor=owner, action="case.owner_decline", obj=case, patient=case.patient)
        return case
