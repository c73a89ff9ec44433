"""Background work for cases. Thin: each task takes ids and calls one service, and every service
it calls is idempotent (it re-checks state and records what it did), so a task run twice — for
example after a killed worker's task is put back in the queue — does no harm."""

from datetime import timedelta

from django_tasks import task

from medijourney.core.scheduling import register_job

from . import services


@task()
def deliver_notification(*, notification_id: int) -> bool:
    return services.notification_deliver(notification_id=notification_id)


@task()
def check_clock(*, case_id: int) -> str:
    return services.case_clock_check(case_id=case_id)


@task()
def scan_document(*, document_id: int) -> str:
    return services.document_scan(document_id=document_id)


@task()
def sweep_clocks() -> int:
    return services.case_clocks_sweep()


@task()
def assign_waiting_cases() -> int:
    return services.cases_assign_waiting()


@task()
def rescan_pending_documents() -> int:
    return services.documents_rescan_pending()


register_job("cases.sweep_clocks", sweep_clocks, every=timedelta(minutes=5))
register_job("cases.assign_waiting", assign_waiting_cases, every=timedelta(minutes=5))
register_job("cases.rescan_pending_documents", rescan_pending_documents, every=timedelta(minutes=30))
