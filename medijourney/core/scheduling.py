"""Recurring background jobs on top of the Django tasks API.

Apps register jobs in their ``tasks.py``::

    from medijourney.core.scheduling import register_job
    register_job("network.expiry_warnings", send_expiry_warnings, every=timedelta(days=1))

A ``scheduler_tick`` task (core.tasks) runs every minute: it enqueues each job that is due
(one row per job in ``ScheduledJob``, locked while deciding, so two workers never both enqueue
it) and puts back in the queue any task left RUNNING by a worker that was killed (tasks are
idempotent, so running one again is safe). ``manage.py ensure_scheduler`` (run by ``make run``)
starts the tick when none is queued.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .models import ScheduledJob

STALE_AFTER = timedelta(minutes=15)  # default orphan timeout; settings.TASKS_ORPHAN_SECONDS overrides


def orphan_timeout() -> timedelta:
    """How long a task may stay RUNNING before it counts as orphaned by a killed worker and is
    queued again. Must exceed the longest task (tasks here take well under a second)."""
    seconds = getattr(settings, "TASKS_ORPHAN_SECONDS", None)
    return timedelta(seconds=float(seconds)) if seconds else STALE_AFTER


@dataclass(frozen=True)
class Job:
    name: str
    task: Any  # a django_tasks Task taking no arguments
    every: timedelta


_JOBS: dict[str, Job] = {}


def register_job(name: str, task: Any, *, every: timedelta) -> None:
    _JOBS[name] = Job(name, task, every)


def registered_jobs() -> dict[str, Job]:
    return dict(_JOBS)


def schedule_run_due(*, now: datetime | None = None) -> list[str]:
    """Enqueue every registered job that is due. Returns the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in _JOBS.values():
        with transaction.atomic():
            row, _ = ScheduledJob.objects.get_or_create(name=job.name, defaults={"next_run_at": now})
            row = ScheduledJob.objects.select_for_update().get(pk=row.pk)
            if row.next_run_at > now:
                continue
            row.last_run_at = now
            row.next_run_at = now + job.every
            row.save(update_fields=["last_run_at", "next_run_at"])
            job.task.enqueue()
            enqueued.append(job.name)
    return enqueued


def tasks_requeue_stale(*, now: datetime | None = None, older_than: timedelta | None = None) -> int:
    """Put tasks left RUNNING by a killed worker back in the queue."""
    cutoff = (now or timezone.now()) - (older_than or orphan_timeout())
    return DBTaskResult.objects.filter(status="RUNNING", started_at__lt=cutoff).update(status="READY", started_at=None)


def tick_pending() -> bool:
    return DBTaskResult.objects.filter(
        task_path="medijourney.core.tasks.scheduler_tick", status__in=["READY", "RUNNING"]
    ).exists()
