"""Background tasks shared by every app. Tasks take plain values, call one service, and are
safe to run twice."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from .dbstats import statistics_refresh
from .ratelimit import purge_old_counters
from .scheduling import register_job, schedule_run_due, tasks_requeue_stale, tick_pending

TICK_EVERY = timedelta(minutes=1)  # settings.SCHEDULER_TICK_SECONDS overrides


def tick_every() -> timedelta:
    seconds = getattr(settings, "SCHEDULER_TICK_SECONDS", None)
    return timedelta(seconds=float(seconds)) if seconds else TICK_EVERY


@task()
def send_email(*, to: list[str], subject: str, body: str) -> int:
    """Send one plain-text email. Callers never put health data in ``body``: notifications say
    that something is waiting and link to the signed-in page. For exactly-once delivery, callers
    record what they sent (an outbox row) and skip it on a retry."""
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)


@task()
def scheduler_tick() -> list[str]:
    """Run due recurring jobs, recover tasks orphaned by a killed worker, and queue the next tick."""
    tasks_requeue_stale()
    enqueued = schedule_run_due()
    if not tick_pending_other():
        scheduler_tick.using(run_after=timezone.now() + tick_every()).enqueue()
    return enqueued


def tick_pending_other() -> bool:
    # The running tick itself is RUNNING; another READY tick means one is already queued.
    return DBTaskResult.objects.filter(task_path="medijourney.core.tasks.scheduler_tick", status="READY").exists()


def ensure_scheduler() -> bool:
    """Queue a tick if none is queued or running. Returns True if one was queued."""
    if tick_pending():
        return False
    scheduler_tick.enqueue()
    return True


@task()
def purge_rate_limit_counters() -> int:
    return purge_old_counters()


register_job("core.purge_rate_limit_counters", purge_rate_limit_counters, every=timedelta(hours=6))


@task()
def refresh_planner_statistics() -> bool:
    return statistics_refresh(only_sqlite=True)


register_job("core.refresh_planner_statistics", refresh_planner_statistics, every=timedelta(days=1))
