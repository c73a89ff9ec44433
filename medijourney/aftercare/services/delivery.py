"""Sending check-ins, the reminder after 24 h and the case manager's task after 72 h. Each step
re-checks the row under a lock and records when it happened (``sent_at``, ``reminded_at``,
``task_at``), and every email goes through cases' outbox with a unique key, so a task run twice
(a killed worker's task put back in the queue) sends nothing twice. ``sweep.follow_ups_sweep`` is the
safety net run every 15 minutes."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from medijourney.aftercare import tasks as aftercare_tasks
from medijourney.cases.models import Stage
from medijourney.cases.notifications import absolute
from medijourney.cases.services import case_event_add, case_transition, notification_queue, task_add

from ..models import CheckIn, Status
from ..rules import REMIND_AFTER_HOURS, TASK_AFTER_HOURS
from .schedule import send_at

REMIND_AFTER = datetime.timedelta(hours=REMIND_AFTER_HOURS)
TASK_AFTER = datetime.timedelta(hours=TASK_AFTER_HOURS)


def _locked(check_in_id: int) -> CheckIn | None:
    return (
        CheckIn.objects.select_for_update(of=("self",))
        .select_related("follow_up", "follow_up__case", "follow_up__case__patient", "follow_up__case__assigned_to")
        .filter(pk=check_in_id)
        .first()
    )


def _email(check_in: CheckIn, kind: str, key: str) -> None:
    case = check_in.follow_up.case
    if case is None:
        return
    notification_queue(
        key=key,
        kind=kind,
        to_email=case.patient.email,
        case=case,
        context={
            "audience": "patient",
            "check_in_url": absolute(reverse("aftercare:check_in", args=[check_in.public_id])),
        },
    )


def check_in_send(*, check_in_id: int, now: datetime.datetime | None = None) -> bool:
    """Send a check-in on its day (email + the item on the patient's page); once."""
    now = now or timezone.now()
    with transaction.atomic():
        check_in = _locked(check_in_id)
        if check_in is None or check_in.status != Status.SCHEDULED or check_in.follow_up.case is None:
            return False
        if now < send_at(check_in):
            return False
        case = check_in.follow_up.case
        check_in.status = Status.SENT
        check_in.sent_at = now
        check_in.save(update_fields=["status", "sent_at", "updated_at"])
        _email(check_in, "check_in_due", f"check_in:{check_in.public_id}")
        aftercare_tasks.remind_check_in.using(run_after=now + REMIND_AFTER).enqueue(check_in_id=check_in.pk)
        aftercare_tasks.overdue_check_in.using(run_after=now + TASK_AFTER).enqueue(check_in_id=check_in.pk)
        case_event_add(case=case, kind="check_in_sent", day=check_in.day)
        if case.stage == Stage.RETURNED_HOME:
            case_transition(case=case, to=Stage.FOLLOW_UP, actor=None)
    return True


def check_in_remind(*, check_in_id: int, now: datetime.datetime | None = None) -> bool:
    """One reminder 24 h after sending, if still unanswered."""
    now = now or timezone.now()
    with transaction.atomic():
        check_in = _locked(check_in_id)
        if check_in is None or check_in.status != Status.SENT or check_in.reminded_at is not None:
            return False
        if check_in.sent_at is None or now < check_in.sent_at + REMIND_AFTER or check_in.follow_up.case is None:
            return False
        check_in.reminded_at = now
        check_in.save(update_fields=["reminded_at", "updated_at"])
        _email(check_in, "check_in_reminder", f"check_in_reminder:{check_in.public_id}")
        case_event_add(case=check_in.follow_up.case, kind="check_in_reminded", day=check_in.day)
    return True


def check_in_overdue(*, check_in_id: int, now: datetime.datetime | None = None) -> bool:
    """72 h after sending without an answer: a task for the case manager; once."""
    now = now or timezone.now()
    with transaction.atomic():
        check_in = _locked(check_in_id)
        if check_in is None or check_in.status != Status.SENT or check_in.task_at is not None:
            return False
        case = check_in.follow_up.case
        if check_in.sent_at is None or now < check_in.sent_at + TASK_AFTER or case is None:
            return False
        check_in.task_at = now
        check_in.save(update_fields=["task_at", "updated_at"])
        title = _("Call the patient: the day-%(d)s check-in is unanswered after 3 days") % {"d": check_in.day}
        task_add(case=case, actor=None, title=title[:200], assignee=case.assigned_to, due_on=timezone.localdate())  # type: ignore[arg-type]
        case_event_add(case=case, kind="check_in_overdue", day=check_in.day)
    return True
