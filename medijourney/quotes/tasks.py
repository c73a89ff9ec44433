"""Background work for quotes: the clock of each request (reminder, escalation, alternatives).
Thin and idempotent: the service re-checks the request under a row lock and records what it did."""

from datetime import timedelta

from django_tasks import task

from medijourney.core.scheduling import register_job

from . import services


@task()
def check_request_clock(*, request_id: int) -> list[str]:
    return services.request_clock_check(request_id=request_id)


@task()
def sweep_request_clocks() -> int:
    return services.request_clocks_sweep()


register_job("quotes.sweep_request_clocks", sweep_request_clocks, every=timedelta(minutes=15))
