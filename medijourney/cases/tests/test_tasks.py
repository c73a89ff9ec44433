"""Background tasks lose and duplicate nothing when a worker is killed mid-task."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from medijourney.cases import services
from medijourney.cases.models import Notification
from medijourney.cases.services import notification_deliver
from medijourney.core.scheduling import tasks_requeue_stale

from .factories import case_manager, make_case

pytestmark = pytest.mark.django_db
ACK = "medijourney.cases.tasks.deliver_notification"


def ack_row(case):
    return Notification.objects.get(key=f"ack:{case.public_id}")


def orphan(task_id) -> None:
    """What a worker killed mid-task leaves behind: RUNNING, started long ago."""
    DBTaskResult.objects.filter(id=task_id).update(status="RUNNING", started_at=timezone.now() - dt.timedelta(hours=1))


def test_killed_after_sending_but_before_finishing_the_task_sends_once(run_tasks):
    case = make_case()
    row = ack_row(case)
    task = DBTaskResult.objects.get(task_path=ACK, args_kwargs__kwargs__notification_id=row.pk)
    # The task body ran (email sent, sent_at committed) and the worker died before marking the task done.
    assert notification_deliver(notification_id=row.pk) is True
    orphan(task.id)
    assert tasks_requeue_stale() == 1
    run_tasks()
    acks = [m for m in mail.outbox if m.to == [case.email]]
    assert len(acks) == 1
    assert Notification.objects.filter(key=f"ack:{case.public_id}").count() == 1
    assert DBTaskResult.objects.get(id=task.id).status == "SUCCESSFUL"


def test_killed_before_sending_loses_nothing(run_tasks):
    case = make_case()
    row = ack_row(case)
    task = DBTaskResult.objects.get(task_path=ACK, args_kwargs__kwargs__notification_id=row.pk)
    orphan(task.id)  # claimed, then killed before doing anything
    run_tasks()
    assert not any(m.to == [case.email] for m in mail.outbox)
    tasks_requeue_stale()
    run_tasks()
    assert len([m for m in mail.outbox if m.to == [case.email]]) == 1
    assert ack_row(case).sent_at is not None


def test_killed_while_sending_rolls_back_and_the_retry_sends_once(run_tasks):
    case = make_case()
    row = ack_row(case)

    class Killed(BaseException):
        pass

    with mock.patch.object(services.outbox, "send_mail", side_effect=Killed), pytest.raises(Killed):
        notification_deliver(notification_id=row.pk)
    row.refresh_from_db()
    assert row.sent_at is None
    run_tasks()
    assert len([m for m in mail.outbox if m.to == [case.email]]) == 1


def test_the_task_body_run_twice_sends_once_and_adds_no_rows(run_tasks):
    case_manager()
    case = make_case()
    rows_before = Notification.objects.count()
    run_tasks()
    sent = len(mail.outbox)
    for n in Notification.objects.all():
        assert notification_deliver(notification_id=n.pk) is False
    services.case_clock_check(case_id=case.pk)
    services.case_clock_check(case_id=case.pk)
    run_tasks()
    assert len(mail.outbox) == sent and Notification.objects.count() == rows_before


def test_a_failing_mail_server_is_retried_later_not_lost(run_tasks):
    case = make_case()
    row = ack_row(case)
    with mock.patch.object(services.outbox, "send_mail", side_effect=OSError("smtp down")):
        assert notification_deliver(notification_id=row.pk) is False
    row.refresh_from_db()
    assert row.sent_at is None and row.attempts == 1
    soon = timezone.now() + dt.timedelta(minutes=10)
    retry = DBTaskResult.objects.filter(task_path=ACK, status="READY", run_after__gt=timezone.now(), run_after__lt=soon)
    assert retry.count() == 1  # retried in 2 minutes
    DBTaskResult.objects.filter(pk=retry.get().pk).update(run_after=timezone.now())
    run_tasks()  # the original task and the retry both run: one email
    assert len([m for m in mail.outbox if m.to == [case.email]]) == 1
