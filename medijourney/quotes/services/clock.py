"""The deadline clock of a request: reminder, escalation, alternatives after 72 hours."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from medijourney.cases.services import case_event_add
from medijourney.quotes import tasks as quote_tasks
from medijourney.quotes.models import (
    QuoteRequest,
    RequestStatus,
)
from medijourney.quotes.selectors import (
    ALTERNATIVES_AFTER,
)

from .notify import case_team_notify, hospital_notify


def default_response_hours() -> int:
    return int(getattr(settings, "QUOTES_RESPONSE_HOURS", 48))


def reminder_before() -> datetime.timedelta:
    return datetime.timedelta(hours=int(getattr(settings, "QUOTES_REMINDER_HOURS_BEFORE", 12)))


# --- Recipients and emails --------------------------------------------------------------------------


def request_clock_schedule(request: QuoteRequest) -> None:
    reminder = request.respond_by - reminder_before()
    if reminder > request.sent_at:
        quote_tasks.check_request_clock.using(run_after=reminder).enqueue(request_id=request.pk)
    quote_tasks.check_request_clock.using(run_after=request.respond_by).enqueue(request_id=request.pk)
    quote_tasks.check_request_clock.using(run_after=request.sent_at + ALTERNATIVES_AFTER).enqueue(request_id=request.pk)


def request_clock_check(*, request_id: int, now: datetime.datetime | None = None) -> list[str]:
    """Re-check a request's clock under a row lock and do what is due, each at most once: the
    reminder to the hospital before the deadline, the escalation to the case manager at the
    deadline, and after 72 hours without an answer the offer of other hospitals."""
    now = now or timezone.now()
    done: list[str] = []
    with transaction.atomic():
        # Lock the request row only (its case link is nullable: no outer join under FOR UPDATE).
        request = QuoteRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None or request.status != RequestStatus.SENT or request.case is None:
            return done
        case = request.case
        if request.reminder_sent_at is None and request.respond_by - reminder_before() <= now < request.respond_by:
            request.reminder_sent_at = now
            request.save(update_fields=["reminder_sent_at", "updated_at"])
            hospital_notify(request, "quote_reminder", f"quote-reminder:{request.public_id}")
            done.append("reminded")
        if request.escalated_at is None and now >= request.respond_by:
            request.escalated_at = now
            request.save(update_fields=["escalated_at", "updated_at"])
            case_event_add(case=case, kind="quote_overdue", hospital=request.hospital.name[:120], request=request.code)
            case_team_notify(
                case, "quote_overdue", f"quote-overdue:{request.public_id}", hospital=request.hospital.name
            )
            done.append("escalated")
        if request.alternatives_offered_at is None and now >= request.sent_at + ALTERNATIVES_AFTER:
            request.alternatives_offered_at = now
            request.save(update_fields=["alternatives_offered_at", "updated_at"])
            case_event_add(
                case=case, kind="quote_alternatives", hospital=request.hospital.name[:120], request=request.code
            )
            case_team_notify(
                case, "quote_alternatives", f"quote-alternatives:{request.public_id}", hospital=request.hospital.name
            )
            done.append("alternatives")
    return done


def request_clocks_sweep(*, now: datetime.datetime | None = None) -> int:
    """Safety net for the delayed clock tasks (recurring job)."""
    now = now or timezone.now()
    due = QuoteRequest.objects.filter(status=RequestStatus.SENT).filter(
        Q(reminder_sent_at__isnull=True, respond_by__lte=now + reminder_before(), respond_by__gt=now)
        | Q(escalated_at__isnull=True, respond_by__lte=now)
        | Q(alternatives_offered_at__isnull=True, sent_at__lte=now - ALTERNATIVES_AFTER)
    )
    return sum(bool(request_clock_check(request_id=pk, now=now)) for pk in due.values_list("pk", flat=True)[:500])
