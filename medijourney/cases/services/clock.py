"""The 24-hour first-response clock: the warning before the deadline and the breach, each once."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from medijourney.cases.models import (
    OPEN_STAGES,
    Case,
    EventKind,
)
from medijourney.cases.selectors import clock_warning_before

from .outbox import case_event_add, leads_active, staff_notify


def case_clock_check(*, case_id: int, now: datetime | None = None) -> str:
    """Send the 4-hour warning or escalate a breach, each at most once. Re-checks the case when
    it runs, so a late or repeated run does nothing wrong. Returns what it did."""
    now = now or timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or not case.clock_running:
            return "stopped"
        due = case.first_response_due_at
        if now >= due:
            if case.clock_breached_at is not None:
                return "already breached"
            case.clock_breached_at = now
            case.escalated_at = case.escalated_at or now
            case.save(update_fields=["clock_breached_at", "escalated_at", "updated_at"])
            case_event_add(case=case, kind=EventKind.CLOCK_BREACHED)
            people = leads_active()
            if case.assigned_to is not None and case.assigned_to not in people:
                people.append(case.assigned_to)
            staff_notify(case=case, kind="clock_breach", key=f"breach:{case.public_id}", people=people)
            return "breached"
        if now >= due - clock_warning_before():
            if case.clock_warning_sent_at is not None:
                return "already warned"
            case.clock_warning_sent_at = now
            case.save(update_fields=["clock_warning_sent_at", "updated_at"])
            case_event_add(case=case, kind=EventKind.CLOCK_WARNING)
            people = [case.assigned_to] if case.assigned_to is not None else leads_active()
            staff_notify(case=case, kind="clock_warning", key=f"warning:{case.public_id}", people=people)
            return "warned"
        return "early"


def case_clocks_sweep(*, now: datetime | None = None) -> int:
    """Safety net for the delayed clock tasks (recurring job): check every running clock that
    is due for a warning or a breach and has not had it."""
    now = now or timezone.now()
    due_soon = Case.objects.filter(
        first_responded_at__isnull=True,
        stage__in=OPEN_STAGES,
        first_response_due_at__lte=now + clock_warning_before(),
        clock_breached_at__isnull=True,
    ).values_list("pk", "first_response_due_at", "clock_warning_sent_at")
    acted = 0
    for pk, due, warned in due_soon:
        if now >= due or warned is None:
            acted += case_clock_check(case_id=pk, now=now) in ("warned", "breached")
    return acted
