"""Secure messages on a case; the first staff answer stops the first-response clock."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medijourney.accounts.models import User
from medijourney.cases.detection import contact_details_detect
from medijourney.cases.models import (
    Case,
    EventKind,
    Message,
    Thread,
)
from medijourney.cases.permissions import is_partner_desk, is_patient_side
from medijourney.privacy.services import audit_record

from .outbox import case_event_add, leads_active, notification_queue, staff_notify


def message_send(
    *, case: Case, author: User, body: str, thread: str = Thread.PATIENT, recipient: User | None = None
) -> Message:
    """Post a message on a case and email the other side that something is waiting. The first
    message from the case team to the patient stops the first-response clock. A message to or
    from a partner hospital with contact or bank details is flagged to the case manager."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message first.")})
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("patient", "assigned_to").get(pk=case.pk)
        from_staff = author.pk != case.patient_id and not is_patient_side(author)
        message = Message(
            case=case,
            thread=thread,
            author=author,
            author_role=str(author.role),
            from_staff=from_staff,
            body=body,
            created_by=author,
        )
        if thread == Thread.PARTNER or is_partner_desk(author) or is_partner_desk(recipient):
            message.flag_reasons = contact_details_detect(body)
            message.flagged = bool(message.flag_reasons)
        message.full_clean()
        message.save()
        case_event_add(
            case=case, kind=EventKind.MESSAGE_SENT, actor=author, message=str(message.public_id), from_staff=from_staff
        )
        audit_record(actor=author, action="message.send", obj=message, patient=case.patient)
        if message.flagged:
            case_event_add(
                case=case, kind=EventKind.MESSAGE_FLAGGED, message=str(message.public_id), reasons=message.flag_reasons
            )
            people = [case.assigned_to] if case.assigned_to else leads_active()
            staff_notify(case=case, kind="message_flagged", key=f"flagged:{message.public_id}", people=people)
        if from_staff and thread == Thread.PATIENT and case.first_responded_at is None and case.is_open:
            case.first_responded_at = message.created_at
            case.first_responder = author
            case.save(update_fields=["first_responded_at", "first_responder", "updated_at"])
            case_event_add(
                case=case,
                kind=EventKind.FIRST_RESPONSE,
                actor=author,
                within=message.created_at <= case.first_response_due_at,
            )
        if thread == Thread.PATIENT:
            if from_staff:
                notification_queue(
                    key=f"message:{message.public_id}:{case.patient.public_id}",
                    kind="message_to_patient",
                    to_email=case.patient.email,
                    case=case,
                    context={"audience": "patient"},
                )
            else:
                people = [case.assigned_to] if case.assigned_to else leads_active()
                staff_notify(case=case, kind="message_to_staff", key=f"message:{message.public_id}", people=people)
    return message


def messages_mark_read(*, messages: Sequence[Message], reader: User) -> int:
    """Record the first read of each message by the other side (not by its author's side)."""
    reader_is_staff = not is_patient_side(reader)
    ids = [m.pk for m in messages if m.read_at is None and m.from_staff != reader_is_staff]
    if not ids:
        return 0
    return Message.objects.filter(pk__in=ids, read_at__isnull=True).update(read_at=timezone.now())


# --- Notes and tasks --------------------------------------------------------------------------------
