import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from medijourney.core import scheduling
from medijourney.core.tasks import ensure_scheduler
from medijourney.testing.tasks import ping

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def ping_job():
    scheduling.register_job("test.ping", ping, every=dt.timedelta(days=1))
    yield
    scheduling._JOBS.pop("test.ping", None)


def pings() -> int:
    return DBTaskResult.objects.filter(task_path="medijourney.testing.tasks.ping").count()


def test_a_job_is_enqueued_once_per_interval(ping_job):
    with time_machine.travel(START, tick=False) as clock:
        assert "test.ping" in scheduling.schedule_run_due()
        assert "test.ping" not in scheduling.schedule_run_due()
        clock.shift(dt.timedelta(hours=23))
        scheduling.schedule_run_due()
        assert pings() == 1
        clock.shift(dt.timedelta(hours=2))
        scheduling.schedule_run_due()
        assert pings() == 2


def test_tick_runs_jobs_and_queues_exactly_one_next_tick(ping_job, run_tasks):
    assert ensure_scheduler() is True
    assert ensure_scheduler() is False
    with time_machine.travel(START, tick=False):
        ran = run_tasks()
    assert ran == 1 + len(scheduling.registered_jobs())  # the tick, then every job it enqueued
    assert DBTaskResult.objects.get(task_path="medijourney.testing.tasks.ping").status == "SUCCESSFUL"
    ready_ticks = DBTaskResult.objects.filter(task_path="medijourney.core.tasks.scheduler_tick", status="READY")
    assert ready_ticks.count() == 1
    assert ready_ticks.get().run_after > START


def test_tasks_orphaned_by_a_killed_worker_are_requeued_and_run(run_tasks):
    result = ping.enqueue()
    row = DBTaskResult.objects.get(id=result.id)
    row.claim("worker-that-died")  # RUNNING, then the process was killed
    DBTaskResult.objects.filter(id=row.id).update(started_at=timezone.now() - dt.timedelta(hours=1))
    assert run_tasks() == 0  # a RUNNING task is not picked up by itself
    assert scheduling.tasks_requeue_stale() == 1
    assert run_tasks() == 1
    assert DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"


def test_recent_running_tasks_are_left_alone():
    result = ping.enqueue()
    DBTaskResult.objects.get(id=result.id).claim("busy-worker")
    assert scheduling.tasks_requeue_stale() == 0
