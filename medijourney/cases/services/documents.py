"""Documents: stored encrypted in the vault, virus-scanned when a scanner is configured, and the
upload token that lets an inquiry's sender attach files for 24 hours, only to that inquiry and
only while its account is unclaimed."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from medijourney.accounts.models import User
from medijourney.cases import tasks as case_tasks
from medijourney.cases.models import (
    Case,
    Document,
    EventKind,
    ScanStatus,
)
from medijourney.core.uploads import CleanUpload, ScannerUnavailableError, scan_bytes, scanning_enabled
from medijourney.privacy.services import audit_record
from medijourney.privacy.vault import vault_delete, vault_read, vault_store

from .outbox import case_event_add, leads_active, staff_notify


def uploads_store(uploads: Sequence[CleanUpload], stored: list[str]) -> list[tuple[CleanUpload, str]]:
    pairs = []
    for upload in uploads:
        key = vault_store(data=upload.data, purpose="documents")
        stored.append(key)
        pairs.append((upload, key))
    return pairs


UPLOAD_TOKEN_VALID = timedelta(hours=24)


def upload_token_for(case: Case) -> str:
    """A token that lets the sender of an inquiry attach documents to it for 24 hours without an
    account yet. Derived (HMAC) from the case's and its patient's public ids, so a retry gets the
    same one and a case that moves into another account (an owner confirming it) leaves it dead."""
    message = f"{case.public_id}:{case.patient.public_id}"
    return salted_hmac("medijourney.cases.upload.v2", message, algorithm="sha256").hexdigest()[:40]


def _patient_unclaimed(patient: User) -> bool:
    """Nobody has signed in to the case's account yet: a stand-in patient, or an account made by
    this inquiry whose password has not been set. Once someone owns the account, the token that
    the anonymous sender holds grants nothing in it."""
    return not patient.has_usable_password() and patient.last_login is None


def upload_token_valid(case: Case, token: str, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    if now > case.created_at + UPLOAD_TOKEN_VALID or not case.is_open or not _patient_unclaimed(case.patient):
        return False
    return constant_time_compare(upload_token_for(case), token or "")


def document_create(*, case: Case, upload: CleanUpload, storage_key: str, actor: User, audit_actor: Any) -> Document:
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
            pairs = uploads_store(uploads, stored)
            return [
                document_create(
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
            people = [case.assigned_to] if case.assigned_to else leads_active()
            staff_notify(case=case, kind="document_quarantined", key=f"quarantine:{document.public_id}", people=people)
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
