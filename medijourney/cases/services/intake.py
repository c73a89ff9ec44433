"""Intake: an inquiry becomes a case exactly once per idempotency key."""

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
from django.utils import timezone
from django.utils.translation import gettext as _

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.accounts.services import user_create
from medijourney.cases import tasks as case_tasks
from medijourney.cases.consent import CONSENT_TEXTS, CURRENT_CONSENT_VERSION
from medijourney.cases.models import (
    Case,
    EventKind,
    IntakeRequest,
    Source,
    Stage,
)
from medijourney.cases.selectors import clock_warning_before, first_response_window
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
    today = timezone.localdate()
    if data.travel_earliest and data.travel_earliest < today:
        errors["travel_earliest"] = [_("This date is in the past: choose today or a later day.")]
    if data.travel_latest and data.travel_latest < today:
        errors["travel_latest"] = [_("This date is in the past: choose today or a later day.")]
    elif data.travel_earliest and data.travel_latest and data.travel_latest < data.travel_earliest:
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
