"""The safety net behind the delayed tasks (every 15 minutes): every step that is due and not yet
done. Each step is idempotent, so running the sweep beside the tasks does nothing twice."""

import datetime

from django.utils import timezone

from ..models import CheckIn, Escalation, Status
from .delivery import REMIND_AFTER, TASK_AFTER, check_in_overdue, check_in_remind, check_in_send
from .escalations import escalation_check


def follow_ups_sweep(*, now: datetime.datetime | None = None) -> int:
    """The safety net behind the delayed tasks: every step that is due and not yet done."""
    now = now or timezone.now()
    done = 0
    horizon = (now + datetime.timedelta(days=1)).date()
    for pk in CheckIn.objects.filter(status=Status.SCHEDULED, due_on__lte=horizon).values_list("pk", flat=True):
        done += check_in_send(check_in_id=pk, now=now)
    late = CheckIn.objects.filter(status=Status.SENT)
    for pk in late.filter(reminded_at__isnull=True, sent_at__lte=now - REMIND_AFTER).values_list("pk", flat=True):
        done += check_in_remind(check_in_id=pk, now=now)
    for pk in late.filter(task_at__isnull=True, sent_at__lte=now - TASK_AFTER).values_list("pk", flat=True):
        done += check_in_overdue(check_in_id=pk, now=now)
    open_escalations = Escalation.objects.filter(
        acknowledged_at__isnull=True, leads_told_at__isnull=True, due_at__lte=now
    )
    for pk in open_escalations.values_list("pk", flat=True):
        done += escalation_check(escalation_id=pk, now=now)
    return done
