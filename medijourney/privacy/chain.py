"""The audit log's hash chain: sealing new rows and verifying the whole chain.

Rows are written without a lock (audit_record must never slow a request); a recurring job
seals them a few seconds later, in id order, under a row lock on the chain head. Each sealed row
gets the next sequence number and hash = SHA-256(previous hash | canonical content). Editing a
sealed row breaks its hash; deleting one leaves a gap in the sequence or a broken link;
removing the newest rows disagrees with the chain head."""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent

SETTLE = timedelta(seconds=5)


def canonical(event: AuditEvent) -> str:
    occurred = event.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return json.dumps(
        [
            event.pk,
            occurred,
            str(event.actor_id or ""),
            event.actor_role,
            event.action,
            event.object_type,
            event.object_id,
            str(event.patient_id or ""),
            event.outcome,
            event.request_id,
            str(event.client_ip or ""),
            event.detail,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )


def link_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256(f"{prev_hash}|{canonical(event)}".encode()).hexdigest()


def audit_seal(*, limit: int = 5000, settle: timedelta = SETTLE) -> int:
    """Seal unsealed rows older than ``settle`` (so slower transactions with lower ids have
    committed). Returns how many rows were sealed."""
    cutoff = timezone.now() - settle
    with transaction.atomic():
        head, _ = AuditChainHead.objects.get_or_create(pk=1)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
        rows = list(AuditEvent.objects.filter(seq__isnull=True, occurred_at__lt=cutoff).order_by("id")[:limit])
        for event in rows:
            seq = head.seq + 1
            digest = link_hash(head.hash, event)
            AuditEvent.objects.seal_row(event.pk, seq=seq, prev_hash=head.hash, hash=digest)
            head.seq, head.hash = seq, digest
        if rows:
            head.save(update_fields=["seq", "hash"])
    return len(rows)


@dataclass
class ChainReport:
    checked: int = 0
    unsealed: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def audit_verify() -> ChainReport:
    report = ChainReport()
    expected_seq, prev_hash = 1, ""
    for event in AuditEvent.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=2000):
        report.checked += 1
        assert event.seq is not None  # filtered above
        if event.seq != expected_seq:
            report.problems.append(f"rows {expected_seq}–{event.seq - 1} are missing (deleted)")
        elif event.prev_hash != prev_hash:
            report.problems.append(f"row {event.seq} does not link to the row before it")
        if link_hash(event.prev_hash, event) != event.hash:
            report.problems.append(f"row {event.seq} (id {event.pk}) was changed after it was sealed")
        expected_seq, prev_hash = event.seq + 1, event.hash
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev_hash):
        report.problems.append(f"the chain ends at row {expected_seq - 1} but was sealed up to row {head.seq}")
    report.unsealed = AuditEvent.objects.filter(seq__isnull=True).count()
    return report
