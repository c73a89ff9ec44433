"""The one function every app calls to write the audit log."""

import logging
from typing import Any

from django.db import models
from django.utils import timezone

from medijourney.core.context import get_context

from .models import AuditEvent

logger = logging.getLogger(__name__)

ALLOWED = AuditEvent.Outcome.ALLOWED
DENIED = AuditEvent.Outcome.DENIED


def _object_ref(obj: Any) -> tuple[str, str]:
    if obj is None:
        return "", ""
    if isinstance(obj, tuple):
        return str(obj[0]), str(obj[1])
    if isinstance(obj, models.Model):
        ident = getattr(obj, "public_id", None) or obj.pk
        return obj._meta.label_lower, str(ident)
    raise TypeError(f"Cannot audit an object of type {type(obj).__name__}")


def _patient_ref(patient: Any) -> Any:
    if patient is None:
        return None
    return getattr(patient, "public_id", patient)


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: Any = None,
    patient: Any = None,
    outcome: str = ALLOWED,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event.

    ``actor`` is a user (or None/anonymous); ``action`` a dotted verb such as ``case.view``;
    ``obj`` a model instance or a ``(type, id)`` pair; ``patient`` the patient user (or their
    public id) whose data was touched. Request id and client IP come from the request context.
    ``detail`` must never hold health data: reason codes and counts only.
    """
    ctx = get_context()
    object_type, object_id = _object_ref(obj)
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor_id=actor.public_id if signed_in else None,
        actor_role=str(actor.role) if signed_in else "anonymous",
        action=action,
        object_type=object_type,
        object_id=object_id,
        patient_id=_patient_ref(patient),
        outcome=str(outcome),
        request_id=ctx.request_id if ctx else "",
        client_ip=ctx.client_ip if ctx else None,
        detail=detail or {},
    )
    event.save(force_insert=True)
    if outcome == DENIED:
        logger.warning("access denied", extra={"action": action, "object_type": object_type})
    return event
