import pytest
from django.core import mail
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from medijourney.core.tasks import send_email

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def test_task_enqueued_in_a_rolled_back_transaction_never_runs(run_tasks):
    with pytest.raises(Boom), transaction.atomic():
        send_email.enqueue(to=["a@example.test"], subject="Rolled back", body="never")
        raise Boom
    send_email.enqueue(to=["b@example.test"], subject="Committed", body="once")
    run_tasks()
    assert [m.subject for m in mail.outbox] == ["Committed"]
    assert DBTaskResult.objects.count() == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_tasks_are_durable_rows_until_a_worker_runs_them(run_tasks):
    send_email.enqueue(to=["c@example.test"], subject="Queued", body="waiting")
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert mail.outbox == []
    run_tasks()
    assert len(mail.outbox) == 1
