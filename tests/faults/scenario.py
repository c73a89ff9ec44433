"""Set-up steps the fault tests run in a subprocess against their own database (python -m
tests.faults.scenario <step>); each prints one JSON line."""

import json
import sys
from datetime import timedelta

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


def main() -> None:
    django.setup()
    step, *args = sys.argv[1:]
    out = {"seed_case": seed_case, "clock_due_now": lambda: clock_due_now(int(args[0]))}[step]()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
