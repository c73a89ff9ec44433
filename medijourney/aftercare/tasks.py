"""Aftercare's background work. Thin: each task takes ids and calls one service; every service
re-checks the row under a lock and records what it did, so a task run twice (after a killed
worker's task is put back in the queue) sends nothing twice."""

from datetime import timedelta

from django_tasks import task

from medijourney.core.scheduling import register_job

from . import services


@task()
def send_check_in(*, check_in_id: int) -> bool:
    return services.check_in_send(check_in_id=check_in_id)


@task()
def remind_check_in(*, check_in_id: int) -> bool:
    return services.check_in_remind(check_in_id=check_in_id)


@task()
def overdue_check_in(*, check_in_id: int) -> bool:
    return services.check_in_overdue(check_in_id=check_in_id)


@task()
def check_escalation(*, escalation_id: int) -> bool:
    return services.escalation_check(escalation_id=escalation_id)


@task()
def sweep_follow_ups() -> int:
    return services.follow_ups_sweep()


register_job("aftercare.sweep_follow_ups", sweep_follow_ups, every=timedelta(minutes=15))
