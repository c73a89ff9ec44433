"""Every write to the provider network: the quality lead's decisions (verify or reject
accreditations, licences and partners' changes; suspend and reinstate hospitals), partners'
submissions (which never change anything patients see until approved), partner membership, and
the expiry warnings. Each function is atomic, validates with full_clean() and writes audit rows."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from medijourney.accounts.models import User
from medijourney.accounts.permissions import holders_of, role_has_perm
from medijourney.catalog.models import Country, Procedure, Specialty
from medijourney.core.dates import day_text
from medijourney.core.tasks import send_email
from medijourney.core.uploads import CleanUpload
from medijourney.privacy.services import audit_record
from medijourney.privacy.vault import vault_store

from .models import (
    Accreditation,
    AccreditationBody,
    Doctor,
    DoctorLicence,
    ExpiryWarning,
    Hospital,
    Offer,
    PartnerMembership,
    PendingChange,
    VerificationStatus,
)
from .offer_items import normalise_inclusions
from .selectors import expiring_items

VERIFY = "verify"
REJECT = "reject"
PROFILE_FIELDS = (
    "website",
    "about",
    "languages",
    "specialties",
    "intl_desk_name",
    "intl_desk_email",
    "intl_desk_phone",
)
DOCTOR_FIELDS = ("full_name", "qualifications", "languages", "specialties")
OFFER_FIELDS = ("procedure", "currency", "price_min", "price_max", "inclusions", "wait_days")


class DecisionError(Exception):
    """A decision that cannot be taken (already decided, a note missing, …)."""


def _store_evidence(evidence: CleanUpload | None) -> dict[str, str]:
    if evidence is None:
        return {}
    key = vault_store(data=evidence.data, purpose="evidence")
    return {"evidence_key": key, "evidence_name": evidence.original_name[:200], "evidence_kind": evidence.kind}


def _decision_check(decision: str, note: str) -> None:
    if decision not in (VERIFY, REJECT):
        raise DecisionError("The decision must be 'verify' or 'reject'.")
    if decision == REJECT and not note.strip():
        raise DecisionError("Say why in the note when rejecting.")


# --- Accreditations and licences ------------------------------------------------------------------


def _verification_record(obj: Any, *, actor: User, decision: str, note: str, evidence: CleanUpload | None) -> None:
    """Set the verification fields shared by accreditations and licences (on a locked row)."""
    for field, value in _store_evidence(evidence).items():
        setattr(obj, field, value)
    obj.verification_status = VerificationStatus.VERIFIED if decision == VERIFY else VerificationStatus.REJECTED
    obj.verified_by = actor
    obj.verified_at = timezone.now()
    obj.verification_note = note.strip()


def accreditation_decide(
    *, accreditation: Accreditation, actor: User, decision: str, note: str = "", evidence: CleanUpload | None = None
) -> Accreditation:
    """Verify or reject an accreditation (a new submission or a re-check of an existing one)."""
    _decision_check(decision, note)
    with transaction.atomic():
        acc = Accreditation.objects.select_for_update().get(pk=accreditation.pk)
        _verification_record(acc, actor=actor, decision=decision, note=note, evidence=evidence)
        if decision == VERIFY and evidence is not None:
            acc.evidence_source = (
                f"Evidence file checked by {actor.get_full_name()} on {day_text(timezone.localdate())}"
            )
        acc.full_clean()
        acc.save()
        audit_record(
            actor=actor,
            action=f"network.accreditation.{decision}",
            obj=acc,
            detail={"hospital": str(acc.hospital.public_id), "evidence": bool(evidence)},
        )
    return acc


def licence_decide(
    *, licence: DoctorLicence, actor: User, decision: str, note: str = "", evidence: CleanUpload | None = None
) -> DoctorLicence:
    _decision_check(decision, note)
    with transaction.atomic():
        lic = DoctorLicence.objects.select_for_update().get(pk=licence.pk)
        _verification_record(lic, actor=actor, decision=decision, note=note, evidence=evidence)
        lic.full_clean()
        lic.save()
        audit_record(
            actor=actor,
            action=f"network.licence.{decision}",
            obj=lic,
            detail={"doctor": str(lic.doctor.public_id), "evidence": bool(evidence)},
        )
    return lic


def accreditation_submit(
    *,
    hospital: Hospital,
    actor: User,
    body: AccreditationBody,
    number: str,
    valid_from: datetime.date,
    valid_to: datetime.date,
    level: str = "",
    evidence: CleanUpload,
) -> Accreditation:
    """A partner (or the quality lead) records an accreditation; it counts only once verified."""
    with transaction.atomic():
        acc = Accreditation(
            hospital=hospital,
            body=body,
            number=number.strip(),
            level=level.strip(),
            valid_from=valid_from,
            valid_to=valid_to,
            verification_status=VerificationStatus.PENDING,
            created_by=actor,
            evidence_source=f"Submitted by {actor.get_full_name()} with an evidence file",
        )
        if valid_to < valid_from:
            raise ValidationError({"valid_to": "The end date is before the start date."})
        acc.full_clean()
        for field, value in _store_evidence(evidence).items():  # stored only once the row is valid
            setattr(acc, field, value)
        acc.save()
        audit_record(
            actor=actor, action="network.accreditation.submit", obj=acc, detail={"hospital": str(hospital.public_id)}
        )
    return acc


def licence_submit(
    *,
    doctor: Doctor,
    actor: User,
    registry: str,
    number: str,
    country: Country,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
    evidence: CleanUpload,
) -> DoctorLicence:
    with transaction.atomic():
        lic = DoctorLicence(
            doctor=doctor,
            registry=registry.strip(),
            number=number.strip(),
            country=country,
            valid_from=valid_from,
            valid_to=valid_to,
            verification_status=VerificationStatus.PENDING,
            created_by=actor,
        )
        if valid_from and valid_to and valid_to < valid_from:
            raise ValidationError({"valid_to": "The end date is before the start date."})
        lic.full_clean()
        for field, value in _store_evidence(evidence).items():
            setattr(lic, field, value)
        lic.save()
        audit_record(actor=actor, action="network.licence.submit", obj=lic, detail={"doctor": str(doctor.public_id)})
    return lic


# --- Suspension ------------------------------------------------------------------------------------


def hospital_suspend(*, hospital: Hospital, actor: User, reason: str) -> Hospital:
    """Suspend a hospital: it leaves every patient-facing list, page and API at once."""
    if not reason.strip():
        raise DecisionError("Give the reason for the suspension.")
    with transaction.atomic():
        h = Hospital.objects.select_for_update().get(pk=hospital.pk)
        if h.status == Hospital.Status.SUSPENDED:
            raise DecisionError("The hospital is already suspended.")
        h.status = Hospital.Status.SUSPENDED
        h.suspended_at = timezone.now()
        h.suspension_reason = reason.strip()
        h.full_clean()
        h.save(update_fields=["status", "suspended_at", "suspension_reason", "updated_at"])
        audit_record(actor=actor, action="network.hospital.suspend", obj=h)
    return h


def hospital_reinstate(*, hospital: Hospital, actor: User, note: str = "") -> Hospital:
    with transaction.atomic():
        h = Hospital.objects.select_for_update().get(pk=hospital.pk)
        if h.status != Hospital.Status.SUSPENDED:
            raise DecisionError("The hospital is not suspended.")
        h.status = Hospital.Status.ACTIVE
        h.suspended_at = None
        h.suspension_reason = ""
        h.full_clean()
        h.save(update_fields=["status", "suspended_at", "suspension_reason", "updated_at"])
        audit_record(actor=actor, action="network.hospital.reinstate", obj=h, detail={"note": bool(note.strip())})
    return h


# --- Partner membership ------------------------------------------------------------------------------


def partner_membership_set(*, user: User, hospital: Hospital, actor: User | None = None) -> PartnerMembership:
    if not role_has_perm(user.role, "network.manage_own_hospital"):
        raise ValidationError({"user": "Only partner users belong to a hospital."})
    with transaction.atomic():
        membership, _created = PartnerMembership.objects.update_or_create(user=user, defaults={"hospital": hospital})
        audit_record(actor=actor, action="network.membership.set", obj=hospital, detail={"user": str(user.public_id)})
    return membership


# --- Partners' pending changes -----------------------------------------------------------------------


def _clean_profile(data: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = {k: data.get(k) for k in PROFILE_FIELDS if k in data}
    payload["languages"] = [str(x) for x in payload.get("languages") or []]
    specialties = sorted({str(x) for x in payload.get("specialties") or []})
    payload["specialties"] = specialties
    unknown = set(specialties) - set(Specialty.objects.values_list("id", flat=True))
    if unknown:
        raise ValidationError({"specialties": f"Unknown specialty: {', '.join(sorted(unknown))}"})
    for key in ("website", "about", "intl_desk_name", "intl_desk_email", "intl_desk_phone"):
        payload[key] = str(payload.get(key) or "").strip()
    return payload


def _clean_doctor(data: dict[str, Any]) -> dict[str, Any]:
    payload = {k: data.get(k) for k in DOCTOR_FIELDS}
    payload["full_name"] = str(payload.get("full_name") or "").strip()
    if not payload["full_name"]:
        raise ValidationError({"full_name": "The doctor's name is required."})
    payload["qualifications"] = str(payload.get("qualifications") or "").strip()
    payload["languages"] = [str(x) for x in payload.get("languages") or []]
    payload["specialties"] = sorted({str(x) for x in payload.get("specialties") or []})
    return payload


def _clean_offer(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    slug = str(data.get("procedure") or "")
    if not Procedure.objects.filter(slug=slug).exists():
        errors["procedure"] = "Unknown procedure."
    currency = str(data.get("currency") or "").upper()
    if len(currency) != 3 or not currency.isalpha():
        errors["currency"] = "Use a three-letter ISO 4217 code."
    try:
        low, high = Decimal(str(data.get("price_min"))), Decimal(str(data.get("price_max")))
        if low <= 0 or high < low:
            errors["price_max"] = "The highest price must be at least the lowest, and both above zero."
    except (InvalidOperation, TypeError):
        errors["price_min"] = "Prices must be numbers."
        low = high = Decimal(0)
    wait = data.get("wait_days")
    if wait not in (None, "") and (not str(wait).isdigit() or int(str(wait)) > 3650):
        errors["wait_days"] = "Waiting time is a whole number of days."
    if errors:
        raise ValidationError(errors)
    return {
        "procedure": slug,
        "currency": currency,
        "price_min": str(low),
        "price_max": str(high),
        "inclusions": normalise_inclusions(data.get("inclusions")),
        "wait_days": int(str(wait)) if wait not in (None, "") else None,
    }


def change_submit(
    *, hospital: Hospital, actor: User, kind: str, data: dict[str, Any], target_public_id: Any = None
) -> PendingChange:
    """A partner proposes a change; nothing patients see changes until the quality lead approves."""
    cleaners = {
        PendingChange.Kind.PROFILE: _clean_profile,
        PendingChange.Kind.DOCTOR: _clean_doctor,
        PendingChange.Kind.OFFER: _clean_offer,
    }
    if kind not in cleaners:
        raise ValidationError({"kind": "Unknown kind of change."})
    payload = cleaners[PendingChange.Kind(kind)](data)
    if target_public_id is not None:
        if kind == PendingChange.Kind.DOCTOR:
            owned = Doctor.objects.filter(public_id=target_public_id, hospital=hospital).exists()
        elif kind == PendingChange.Kind.OFFER:
            owned = Offer.objects.filter(public_id=target_public_id, hospital=hospital).exists()
        else:
            owned = False
        if not owned:
            raise ValidationError({"target_public_id": "That item does not belong to this hospital."})
    with transaction.atomic():
        change = PendingChange(
            hospital=hospital,
            kind=kind,
            target_public_id=target_public_id,
            payload=payload,
            submitted_by=actor,
            created_by=actor,
        )
        change.full_clean()
        change.save()
        audit_record(actor=actor, action="network.change.submit", obj=change, detail={"kind": kind})
    return change


def _apply_profile(hospital: Hospital, payload: dict[str, Any]) -> None:
    for key in ("website", "about", "intl_desk_name", "intl_desk_email", "intl_desk_phone", "languages"):
        if key in payload:
            setattr(hospital, key, payload[key])
    hospital.full_clean()
    hospital.save()
    if "specialties" in payload:
        hospital.specialties.set(Specialty.objects.filter(id__in=payload["specialties"]))


def _apply_doctor(change: PendingChange, actor: User) -> None:
    payload = change.payload
    if change.target_public_id:
        doctor = Doctor.objects.get(public_id=change.target_public_id, hospital=change.hospital)
    else:
        doctor = Doctor(hospital=change.hospital, created_by=actor)
    doctor.full_name = payload["full_name"]
    doctor.qualifications = payload.get("qualifications", "")
    doctor.languages = payload.get("languages", [])
    doctor.full_clean()
    doctor.save()
    doctor.specialties.set(Specialty.objects.filter(id__in=payload.get("specialties", [])))


def _apply_offer(change: PendingChange, actor: User) -> None:
    payload = change.payload
    procedure = Procedure.objects.get(slug=payload["procedure"])
    if change.target_public_id:
        offer = Offer.objects.get(public_id=change.target_public_id, hospital=change.hospital)
    else:
        offer = Offer.objects.filter(hospital=change.hospital, procedure=procedure).first() or Offer(
            hospital=change.hospital, created_by=actor
        )
    offer.procedure = procedure
    offer.currency = payload["currency"]
    offer.price_min = Decimal(payload["price_min"])
    offer.price_max = Decimal(payload["price_max"])
    offer.inclusions = normalise_inclusions(payload.get("inclusions"))
    offer.wait_days = payload.get("wait_days")
    offer.source_kind = Offer.SourceKind.HOSPITAL_SUBMITTED
    offer.source_note = f"Submitted by the hospital on {day_text(change.created_at)}"
    offer.as_of = timezone.localtime(change.created_at).date()
    offer.is_demo = change.hospital.is_demo or offer.is_demo
    offer.full_clean()
    offer.save()


def change_decide(*, change: PendingChange, actor: User, decision: str, note: str = "") -> PendingChange:
    """Approve (apply) or reject a partner's pending change."""
    _decision_check(decision, note)
    with transaction.atomic():
        ch = PendingChange.objects.select_for_update().select_related("hospital").get(pk=change.pk)
        if ch.status != PendingChange.Status.PENDING:
            raise DecisionError("This change has already been decided.")
        if decision == VERIFY:
            if ch.kind == PendingChange.Kind.PROFILE:
                _apply_profile(ch.hospital, ch.payload)
            elif ch.kind == PendingChange.Kind.DOCTOR:
                _apply_doctor(ch, actor)
            else:
                _apply_offer(ch, actor)
        ch.status = PendingChange.Status.APPROVED if decision == VERIFY else PendingChange.Status.REJECTED
        ch.decided_by = actor
        ch.decided_at = timezone.now()
        ch.decision_note = note.strip()
        ch.full_clean()
        ch.save()
        audit_record(
            actor=actor,
            action=f"network.change.{'approve' if decision == VERIFY else 'reject'}",
            obj=ch,
            detail={"kind": ch.kind, "hospital": str(ch.hospital.public_id)},
        )
    return ch


# --- Expiry warnings --------------------------------------------------------------------------------


def expiry_warnings_send(*, today: datetime.date | None = None) -> int:
    """Email the quality leads about accreditations and licences that reached a threshold (60, 30
    or 0 days) and were not warned about at that threshold before. Returns the number of new
    warnings; running it again the same day sends nothing."""
    day = today or timezone.localdate()
    items = expiring_items(day)
    if not items:
        return 0
    with transaction.atomic():
        new = []
        for item in items:
            _warning, created = ExpiryWarning.objects.get_or_create(
                item_type=item.kind,
                item_id=item.obj.pk,
                threshold_days=item.threshold,
                valid_to=item.valid_to,
                defaults={"sent_at": timezone.now()},
            )
            if created:
                new.append(item)
        if not new:
            return 0
        recipients = list(
            holders_of("network.receive_expiry_warnings").order_by("email").values_list("email", flat=True)
        )
        if recipients:
            expired = sum(1 for i in new if i.threshold == 0)
            within_30 = sum(1 for i in new if i.threshold == 30)
            within_60 = sum(1 for i in new if i.threshold == 60)
            lines = [
                f"{len(new)} accreditation(s) or licence(s) reached an expiry threshold on {day:%d %B %Y}:",
                f"  expired or expiring today: {expired}",
                f"  expiring within 30 days: {within_30}",
                f"  expiring within 60 days: {within_60}",
                "",
                "Hospitals drop out of the network by themselves when their accreditation ends.",
                f"Review them in the verification queue: {settings.SITE_URL}{reverse('network:queue')}",
            ]
            send_email.enqueue(
                to=recipients, subject=f"MediJourney: {len(new)} expiry warning(s)", body="\n".join(lines)
            )
        audit_record(actor=None, action="network.expiry_warnings.send", detail={"warnings": len(new)})
    return len(new)
