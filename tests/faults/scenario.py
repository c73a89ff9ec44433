"""Set-up steps the fault tests run in a subprocess against their own database (python -m
tests.faults.scenario <step>); each prints one JSON line."""

import json
import sys
from datetime import timedelta
from typing import Any

import django


def seed_case() -> dict:
    """A lead, a case manager and one inquiry (case, acknowledgement email queued, clock tasks)."""
    from medijourney.accounts.roles import Role
    from medijourney.accounts.services import user_create
    from medijourney.cases.services import InquiryData, inquiry_submit

    user_create(email="lead@faults.test", role=Role.QUALITY_LEAD, full_name="Fault Lead")
    user_create(email="cm@faults.test", role=Role.CASE_MANAGER, full_name="Fault Manager", spoken_languages=["en"])
    data = InquiryData(
        full_name="Fault Patient",
        email="patient@faults.test",
        phone="+44 20 7946 0958",
        country_of_residence="GB",
        passport_country="GB",
        preferred_language="en",
        need="I lost two teeth and want dental implants.",
        consent=True,
    )
    case = inquiry_submit(data=data, key="faults:seed", source="api").case
    return {"case_id": case.pk, "reference": case.reference}


def clock_due_now(case_id: int) -> dict:
    """Move the case's first-response deadline into the past and queue its clock check now."""
    from django.utils import timezone

    from medijourney.cases import tasks
    from medijourney.cases.models import Case

    Case.objects.filter(pk=case_id).update(first_response_due_at=timezone.now() - timedelta(minutes=1))
    result = tasks.check_clock.enqueue(case_id=case_id)
    return {"task_id": str(result.id)}


def _send_due_now(follow_up: Any, days_ago: int) -> None:
    """As if the patient had been discharged ``days_ago`` days ago: the follow-up's dates move back,
    and each check-in's queued sending job with them (its run_after is its new sending time)."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from medijourney.aftercare.services import send_at

    shift = follow_up.discharged_on - (timezone.localdate() - timedelta(days=days_ago))
    follow_up.discharged_on -= shift
    follow_up.save(update_fields=["discharged_on"])
    for check_in in follow_up.check_ins.all():
        check_in.due_on -= shift
        check_in.save(update_fields=["due_on"])
        DBTaskResult.objects.filter(
            task_path="medijourney.aftercare.tasks.send_check_in",
            status="READY",
            args_kwargs__kwargs__check_in_id=check_in.pk,
        ).update(run_after=send_at(check_in))


def seed_check_ins() -> dict:
    """Three patients home from a knee replacement (made the real way: accepted journey, discharge,
    return flight), their check-ins scheduled as durable jobs. One was discharged 3 days ago (day 2
    due), two 10 days ago (days 2 and 7 due): five check-ins to send now, the rest later. The
    set-up's own emails count as sent already, so the only mail left is the check-ins'."""
    from django.utils import timezone

    from medijourney.aftercare.services import send_at
    from medijourney.aftercare.tests.factories import knee, returned_home
    from medijourney.cases.models import Notification

    procedure = knee()
    patients = []
    for days_ago in (3, 10, 10):
        follow_up, _manager, _partner = returned_home(procedure=procedure)
        _send_due_now(follow_up, days_ago)
        now = timezone.now()
        due = [c for c in follow_up.check_ins.order_by("day") if send_at(c) <= now]
        patients.append(
            {
                "email": follow_up.case.patient.email,
                "due": {str(c.public_id): c.pk for c in due},
                "later": [c.pk for c in follow_up.check_ins.all() if send_at(c) > now],
            }
        )
    Notification.objects.filter(sent_at__isnull=True).update(sent_at=timezone.now(), attempts=1)
    return {"patients": patients}


def main() -> None:
    django.setup()
    step, *args = sys.argv[1:]
    steps = {
        "seed_case": seed_case,
        "clock_due_now": lambda: clock_due_now(int(args[0])),
        "seed_check_ins": seed_check_ins,
    }
    out = steps[step]()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
