"""The audit log: one append-only row for every access to health data and every denied access.

Rows hold pseudonymous identifiers only (public UUIDs of the actor and of the patient, never
names, emails or health data), so erasing a person later leaves the log intact and meaningless
to anyone without the erased record. The ORM refuses to update or delete a row."""

import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditImmutableError(Exception):
    """Raised on any attempt to change or remove an audit row through the ORM."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def seal_row(self, pk: int, *, seq: int, prev_hash: str, hash: str) -> None:
        """The only write allowed on an existing row: filling in its chain fields, once."""
        models.QuerySet.update(self.filter(pk=pk, seq__isnull=True), seq=seq, prev_hash=prev_hash, hash=hash)

    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError("Audit events are append-only; they cannot be updated.")

    def delete(self) -> NoReturn:
        raise AuditImmutableError("Audit events are append-only; they cannot be deleted.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError("Audit events are append-only; they cannot be updated.")

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError("Audit events are append-only; they cannot be updated.")


class AuditEvent(models.Model):
    class Outcome(models.TextChoices):
        ALLOWED = "allowed", _("allowed")
        DENIED = "denied", _("denied")

    occurred_at = models.DateTimeField(db_index=True)
    actor_id = models.UUIDField(null=True, blank=True, db_index=True, help_text=_("Public id of the user who acted."))
    actor_role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    patient_id = models.UUIDField(
        null=True, blank=True, db_index=True, help_text=_("Public id of the patient concerned.")
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    request_id = models.CharField(max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True, help_text=_("Non-sensitive context, e.g. a reason code."))
    # Tamper evidence: the sealer (privacy.services.audit_seal) numbers rows in a chain and stores
    # hash = SHA-256(previous hash + this row's content). verify_audit recomputes it.
    seq = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.action} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditImmutableError("Audit events are append-only; they cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError("Audit events are append-only; they cannot be deleted.")


class AuditChainHead(models.Model):
    """One row: the last sealed position of the audit chain (locked while sealing)."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"audit chain at {self.seq}"


class ErasureRequest(models.Model):
    """A patient's request to erase their data. A lead approves or rejects it; once carried out,
    only this row (with the pseudonymous public id and counts) and the audit log remain."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for a lead")
        APPROVED = "approved", _("Approved: being carried out")
        REJECTED = "rejected", _("Rejected")
        COMPLETED = "completed", _("Completed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="erasure_requests"
    )
    patient_public_id = models.UUIDField(db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)
    reason = models.TextField(blank=True, max_length=2000, help_text=_("Optional: why the patient asks."))
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, max_length=2000)
    completed_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True, help_text=_("What was removed, as counts per source."))

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(status__in=["requested", "approved"]),
                name="privacy_one_open_erasure_per_patient",
            )
        ]

    def __str__(self) -> str:
        return f"erasure {self.public_id} ({self.status})"
