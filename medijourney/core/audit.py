"""Writing the audit log: the one function every app calls (``audit_record``), and
``audit_record_many`` for list pages (one INSERT for every row shown).

The ``privacy.AuditEvent`` model (append-only, hash-chained, sealed by ``privacy.chain``) is
looked up by its label, as foreign keys to other apps are written by string: this module sits
below ``accounts`` and ``privacy`` so both can audit without importing each other."""

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.utils import timezone

from .context import get_context

if TYPE_CHECKING:
    from medijourney.privacy.models import AuditEvent

# Logged under the name the log pipeline already knows.
logger = logging.getLogger("medijourney.privacy.services")

ALLOWED = "allowed"
DENIED = "denied"


def _model() -> "type[AuditEvent]":
    return apps.get_model("privacy", "AuditEvent")


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


def _event(
    *, actor: Any, action: str, obj: Any, patient: Any, outcome: str, detail: dict[str, Any] | None
) -> "AuditEvent":
    ctx = get_context()
    object_type, object_id = _object_ref(obj)
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    return _model()(
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


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: Any = None,
    patient: Any = None,
    outcome: str = ALLOWED,
    detail: dict[str, Any] | None = None,
) -> "AuditEvent":
    """Append one audit event.

    ``actor`` is a user (or None/anonymous); ``action`` a dotted verb such as ``case.view``;
    ``obj`` a model instance or a ``(type, id)`` pair; ``patient`` the patient user (or their
    public id) whose data was touched. Request id and client IP come from the request context.
    ``detail`` must never hold health data: reason codes and counts only.
    """
    event = _event(actor=actor, action=action, obj=obj, patient=patient, outcome=outcome, detail=detail)
    event.save(force_insert=True)
    if outcome == DENIED:
        logger.warning("access denied", extra={"action": action, "object_type": object_type_of(obj)})
    return event


def audit_record_many(*, actor: Any, action: str, rows: Iterable[tuple[Any, Any]]) -> int:
    """Append one allowed read per ``(obj, patient)`` pair in a single INSERT: a list page writes
    its audit rows in one query however many rows it shows. Returns how many were written."""
    events = [
        _event(actor=actor, action=action, obj=obj, patient=patient, outcome=ALLOWED, detail=None)
        for obj, patient in rows
    ]
    if events:
        _model().objects.bulk_create(events)
    return len(events)


def object_type_of(obj: Any) -> str:
    return _object_ref(obj)[0]
