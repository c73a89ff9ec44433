"""Privacy writes: export and erasure. The audit writer (``audit_record``, ``audit_record_many``)
lives in ``medijourney.core.audit`` and is re-exported here, where every app imports it from."""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from medijourney.core.audit import ALLOWED, DENIED, audit_record, audit_record_many

from . import tasks as privacy_tasks
from .models import ErasureRequest
from .portability import patient_erase, patient_export_build

logger = logging.getLogger(__name__)

__all__ = ["ALLOWED", "DENIED", "audit_record", "audit_record_many"]


# --- Export and erasure -------------------------------------------------------------------------


class ErasureError(Exception):
    """An erasure request cannot move this way (e.g. already decided)."""


def patient_export(*, patient: Any, actor: Any) -> bytes:
    """Build the patient's export ZIP; audited as a read of all their data."""
    data = patient_export_build(patient)
    audit_record(actor=actor, action="patient.export", obj=patient, patient=patient, detail={"bytes": len(data)})
    return data


def erasure_request_create(*, patient: Any, reason: str = "") -> ErasureRequest:
    with transaction.atomic():
        existing = ErasureRequest.objects.filter(
            patient=patient, status__in=[ErasureRequest.Status.REQUESTED, ErasureRequest.Status.APPROVED]
        ).first()
        if existing is not None:
            return existing
        request = ErasureRequest(patient=patient, patient_public_id=patient.public_id, reason=reason.strip())
        request.full_clean()
        request.save()
        audit_record(actor=patient, action="erasure.request", obj=request, patient=patient)
        return request


def erasure_request_decide(*, request: ErasureRequest, actor: Any, approve: bool, note: str = "") -> ErasureRequest:
    with transaction.atomic():
        locked = ErasureRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != ErasureRequest.Status.REQUESTED:
            raise ErasureError("This request has already been decided.")
        if not approve and not note.strip():
            raise ValidationError({"decision_note": "Say why the request is rejected; the patient is told."})
        locked.status = ErasureRequest.Status.APPROVED if approve else ErasureRequest.Status.REJECTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = note.strip()
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record(
            actor=actor,
            action="erasure.approve" if approve else "erasure.reject",
            obj=locked,
            patient=locked.patient_public_id,
        )
        if approve:
            privacy_tasks.erasure_carry_out_task.enqueue(request_id=locked.pk)
        elif locked.patient is not None:
            _mail_patient(
                locked.patient.email,
                "Your erasure request on MediJourney",
                "A lead has reviewed your request to erase your data and could not carry it out now.\n\n"
                f"Reason: {locked.decision_note}\n\nSign in to MediJourney to see it or to ask again.",
            )
        return locked


def erasure_carry_out(*, request_id: int) -> ErasureRequest:
    """Carry out an approved erasure. Idempotent: a completed request is left as it is."""
    with transaction.atomic():
        request = ErasureRequest.objects.select_for_update().get(pk=request_id)
        if request.status != ErasureRequest.Status.APPROVED:
            return request
        patient = request.patient
        email = patient.email if patient is not None else ""
        request.summary = patient_erase(patient) if patient is not None else {}
        request.patient = None  # the account is gone; the pseudonymous public id stays
        request.status = ErasureRequest.Status.COMPLETED
        request.completed_at = timezone.now()
        request.save(update_fields=["summary", "status", "completed_at", "patient"])
        audit_record(actor=None, action="erasure.complete", obj=request, patient=request.patient_public_id)
        if email:
            # Sent directly (not queued), so the address is not kept in the task table afterwards.
            transaction.on_commit(
                lambda: _mail_patient(
                    email,
                    "Your MediJourney data has been erased",
                    "As you asked, we have erased your account, cases, messages and documents. Hospitals that "
                    "received your data have been asked to erase it too. Our security log keeps only anonymous "
                    "records that no longer lead back to you.",
                )
            )
        return request


def _mail_patient(to: str, subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=True)
