"""Red-flag escalations: opened at submission for the case manager (or the leads when nobody is
assigned) and the hospital's partner desk, with a 1-hour acknowledgement clock; unacknowledged,
the leads are told once (``leads_told_at``), from a delayed task and the sweep."""

import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from medijourney.aftercare import tasks as aftercare_tasks
from medijourney.cases.notifications import absolute
from medijourney.cases.services import case_event_add, leads_active, notification_queue, staff_notify
from medijourney.privacy.services import audit_record
from medijourney.quotes.selectors import hospital_partners

from ..models import CheckIn, Escalation
from ..rules import ACK_HOURS

ACK_WITHIN = datetime.timedelta(hours=ACK_HOURS)


def _desk_notify(escalation: Escalation) -> None:
    """The hospital's partner desk: told that an escalation waits (no name, no answers)."""
    url = absolute(reverse("aftercare:escalation", args=[escalation.public_id]))
    for person in hospital_partners(escalation.hospital):
        notification_queue(
            key=f"red_flag_desk:{escalation.public_id}:{person.public_id}",
            kind="red_flag_hospital",
            to_email=person.email,
            case=None,
            context={"audience": "partner", "hospital": escalation.hospital.name, "escalation_url": url},
        )


def escalation_open(*, check_in: CheckIn, flags: list[str]) -> Escalation:
    """Inside the submission's transaction."""
    case = check_in.follow_up.case
    assert case is not None
    now = timezone.now()
    escalation = Escalation.objects.create(
        check_in=check_in, case=case, hospital=check_in.follow_up.hospital, flags=flags, due_at=now + ACK_WITHIN
    )
    team = [case.assigned_to] if case.assigned_to is not None and case.assigned_to.is_active else leads_active()
    staff_notify(case=case, kind="red_flag", key=f"red_flag:{escalation.public_id}", people=team)
    _desk_notify(escalation)
    aftercare_tasks.check_escalation.using(run_after=escalation.due_at).enqueue(escalation_id=escalation.pk)
    case_event_add(case=case, kind="red_flag_escalated", day=check_in.day, flags=flags)
    return escalation


def escalation_acknowledge(*, escalation: Escalation, actor: Any) -> Escalation:
    with transaction.atomic():
        escalation = (
            Escalation.objects.select_for_update(of=("self",)).select_related("case__patient").get(pk=escalation.pk)
        )
        if escalation.acknowledged_at is not None:
            return escalation
        escalation.acknowledged_at = timezone.now()
        escalation.acknowledged_by = actor
        escalation.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
        late = escalation.acknowledged_at > escalation.due_at
        case_event_add(case=escalation.case, kind="red_flag_acknowledged", actor=actor, late=late)
        audit_record(actor=actor, action="escalation.acknowledge", obj=escalation, patient=escalation.case.patient)
    return escalation


def escalation_check(*, escalation_id: int, now: datetime.datetime | None = None) -> bool:
    """At the deadline: if nobody acknowledged, tell the leads (once)."""
    now = now or timezone.now()
    with transaction.atomic():
        escalation = (
            Escalation.objects.select_for_update(of=("self",)).select_related("case").filter(pk=escalation_id).first()
        )
        if escalation is None or escalation.acknowledged_at is not None or escalation.leads_told_at is not None:
            return False
        if now < escalation.due_at:
            return False
        escalation.leads_told_at = now
        escalation.save(update_fields=["leads_told_at", "updated_at"])
        staff_notify(
            case=escalation.case,
            kind="red_flag_unacknowledged",
            key=f"red_flag_leads:{escalation.public_id}",
            people=leads_active(),
        )
        case_event_add(case=escalation.case, kind="red_flag_to_leads")
    return True
