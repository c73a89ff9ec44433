"""Recurring journey jobs. Thin and idempotent: each service records what it did (``nudged_at``,
``overdue_task``), so a second run does nothing twice."""

from datetime import timedelta

from django_tasks import task

from medijourney.core.scheduling import register_job

from . import services


@task()
def nudge_passed_steps() -> int:
    return services.journey_nudges_run()


@task()
def overdue_checklist() -> int:
    return services.checklist_overdue_run()


register_job("journeys.nudge_passed_steps", nudge_passed_steps, every=timedelta(hours=1))
register_job("journeys.overdue_checklist", overdue_checklist, every=timedelta(hours=6))
