"""The checklist (uploads through the safe upload and the vault, checks by the case manager, tasks
for overdue items), the private calendar feed and the companion's read-only links."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medijourney.accounts.models import User
from medijourney.cases.services import case_event_add, documents_add, task_add
from medijourney.core.dates import day_text
from medijourney.core.uploads import CleanUpload
from medijourney.privacy.services import audit_record

from ..models import ChecklistItem, CompanionLink, ItemStatus, Journey

MAX_COMPANION_LINKS = 2


def token_digest(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def checklist_upload(*, item: ChecklistItem, upload: CleanUpload, actor: User) -> ChecklistItem:
    """Attach a file to a checklist item: stored as a case document (validated upload, encrypted
    in the vault, scanned when a scanner is configured, downloads audited)."""
    with transaction.atomic():
        item = ChecklistItem.objects.select_for_update().select_related("journey__case").get(pk=item.pk)
        case = item.journey.case
        document = documents_add(case=case, uploads=[upload], actor=actor)[0]
        item.document = document
        item.status = ItemStatus.UPLOADED
        item.checked_at = None
        item.checked_by = None
        item.save(update_fields=["document", "status", "checked_at", "checked_by", "updated_at"])
        case_event_add(case=case, kind="checklist_uploaded", actor=actor, item=item.kind)
    return item


def checklist_check(*, item: ChecklistItem, actor: User, checked: bool = True) -> ChecklistItem:
    with transaction.atomic():
        item = ChecklistItem.objects.select_for_update().select_related("journey__case").get(pk=item.pk)
        if checked and item.status == ItemStatus.MISSING:
            raise ValidationError({"status": _("Nothing to check yet: the document is missing.")})
        item.status = ItemStatus.CHECKED if checked else ItemStatus.UPLOADED
        item.checked_at = timezone.now() if checked else None
        item.checked_by = actor if checked else None
        item.save(update_fields=["status", "checked_at", "checked_by", "updated_at"])
        case_event_add(case=item.journey.case, kind="checklist_checked", actor=actor, item=item.kind, ok=checked)
    return item


def checklist_overdue_run() -> int:
    """One task for the case manager per checklist item past its due date and still missing."""
    today = timezone.localdate()
    count = 0
    overdue = ChecklistItem.objects.filter(
        status=ItemStatus.MISSING, due_on__lt=today, overdue_task__isnull=True, journey__case__closed_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(overdue):
        with transaction.atomic():
            item = ChecklistItem.objects.select_for_update().select_related("journey__case").get(pk=pk)
            if item.overdue_task_id is not None or item.status != ItemStatus.MISSING:
                continue
            case = item.journey.case
            title = _("Overdue document: %(item)s (due %(d)s)") % {
                "item": item.get_kind_display(),
                "d": day_text(item.due_on),
            }
            task = task_add(case=case, actor=None, title=title[:200], assignee=case.assigned_to, due_on=today)  # type: ignore[arg-type]
            item.overdue_task = task
            item.save(update_fields=["overdue_task", "updated_at"])
            count += 1
    return count


# --- The calendar feed and the companion's links ---------------------------------------------------------


def feed_create(*, journey: Journey, actor: User) -> str:
    """A new private subscription address for the patient's calendar (any older one stops
    working). Returns the token, shown once."""
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        Journey.objects.filter(pk=journey.pk).update(
            feed_digest=token_digest(token), feed_created_at=timezone.now(), updated_at=timezone.now()
        )
        audit_record(actor=actor, action="journey.feed_create", obj=journey, patient=journey.case.patient)
    return token


def feed_revoke(*, journey: Journey, actor: User) -> None:
    with transaction.atomic():
        Journey.objects.filter(pk=journey.pk).update(feed_digest="", feed_created_at=None, updated_at=timezone.now())
        audit_record(actor=actor, action="journey.feed_revoke", obj=journey, patient=journey.case.patient)


def companion_link_create(*, journey: Journey, name: str, actor: User) -> tuple[CompanionLink, str]:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Enter your companion's name.")})
    with transaction.atomic():
        Journey.objects.select_for_update().get(pk=journey.pk)
        if CompanionLink.objects.filter(journey=journey, revoked_at__isnull=True).count() >= MAX_COMPANION_LINKS:
            raise ValidationError({"name": _("At most two companion links at a time: revoke one first.")})
        token = secrets.token_urlsafe(24)
        link = CompanionLink(journey=journey, name=name[:120], digest=token_digest(token), created_by=actor)
        link.full_clean()
        link.save()
        case_event_add(case=journey.case, kind="companion_link", actor=actor)
        audit_record(actor=actor, action="journey.companion_link", obj=journey, patient=journey.case.patient)
    return link, token


def companion_link_revoke(*, link: CompanionLink, actor: User) -> None:
    with transaction.atomic():
        CompanionLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit_record(
            actor=actor, action="journey.companion_revoke", obj=link.journey, patient=link.journey.case.patient
        )
