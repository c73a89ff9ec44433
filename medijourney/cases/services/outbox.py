"""The case timeline and the email outbox: one row per email, delivered by a task that locks the
row, so a retry after a crash never sends twice."""

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from medijourney.accounts.models import User
from medijourney.accounts.permissions import holders_of
from medijourney.accounts.services import PLACEHOLDER_DOMAIN
from medijourney.cases import tasks as case_tasks
from medijourney.cases.models import (
    Case,
    CaseEvent,
    Notification,
)
from medijourney.cases.notifications import render_body, subject_for

logger = logging.getLogger(__name__)


def case_event_add(*, case: Case, kind: str, actor: Any = None, **data: Any) -> CaseEvent:
    """Append one row to the case timeline. ``data`` carries ids, stages and counts only."""
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    return CaseEvent.objects.create(
        case=case, kind=kind, actor=actor if signed_in else None, occurred_at=timezone.now(), data=data
    )


def _recipient_language(to_email: str, case: Case | None) -> str:
    """The interface language of the person the email goes to: their account's, else the case's
    (the patient's language from the inquiry), else the site's default."""
    from medijourney.accounts.middleware import interface_language

    tag = User.objects.filter(email__iexact=to_email).values_list("preferred_language", flat=True).first()
    if tag is None and case is not None and case.email.lower() == to_email.lower():
        tag = case.preferred_language
    return interface_language(tag) or settings.LANGUAGE_CODE


def notification_queue(
    *, key: str, kind: str, to_email: str, case: Case | None = None, context: dict[str, Any] | None = None
) -> Notification | None:
    """Record an email in the outbox and queue its delivery, once per ``key``. Call inside the
    transaction that makes the email necessary: both commit or neither does."""
    if Notification.objects.filter(key=key).exists():
        return None
    if to_email.lower().endswith(f"@{PLACEHOLDER_DOMAIN}"):
        return None  # the stand-in patient of an unconfirmed inquiry: an address that receives nothing
    ctx = dict(context or {})
    if case is not None:
        ctx.setdefault("reference", case.reference)
        ctx.setdefault("due", case.first_response_due_at.isoformat())
    ctx.setdefault("language", _recipient_language(to_email, case))
    try:
        with transaction.atomic(), translation.override(ctx["language"]):
            notification = Notification.objects.create(
                key=key,
                kind=kind,
                case=case,
                to_email=to_email,
                context=ctx,
                subject=subject_for(kind, ctx.get("reference", "")),
            )
    except IntegrityError:
        return None  # queued by a concurrent transaction
    case_tasks.deliver_notification.enqueue(notification_id=notification.pk)
    return notification


MAX_EMAIL_ATTEMPTS = 8


def notification_deliver(*, notification_id: int) -> bool:
    """Send one outbox email unless it was sent already. The row stays locked while sending, so
    two workers never both send it; a retry after a crash finds ``sent_at`` set and does nothing.
    A failed send is retried later with a growing delay."""
    try:
        with transaction.atomic():
            notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
            if notification is None or notification.sent_at is not None:
                return False
            with translation.override(notification.context.get("language") or settings.LANGUAGE_CODE):
                body = render_body(notification)
            send_mail(notification.subject, body, settings.DEFAULT_FROM_EMAIL, [notification.to_email])
            notification.sent_at = timezone.now()
            notification.attempts += 1
            notification.save(update_fields=["sent_at", "attempts"])
            return True
    except Exception:
        logger.warning("email delivery failed; will retry", extra={"notification": notification_id})
        with transaction.atomic():
            notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
            if notification is None or notification.sent_at is not None:
                return False
            notification.attempts += 1
            notification.save(update_fields=["attempts"])
            if notification.attempts < MAX_EMAIL_ATTEMPTS:
                delay = timedelta(minutes=min(2**notification.attempts, 120))
                case_tasks.deliver_notification.using(run_after=timezone.now() + delay).enqueue(
                    notification_id=notification.pk
                )
        return False


def leads_active() -> list[User]:
    return list(holders_of("cases.lead_cases").order_by("pk"))


def staff_notify(*, case: Case, kind: str, key: str, people: Iterable[User]) -> None:
    for person in people:
        notification_queue(
            key=f"{key}:{person.public_id}",
            kind=kind,
            to_email=person.email,
            case=case,
            context={"audience": "staff"},
        )


# --- Intake ----------------------------------------------------------------------------------------
