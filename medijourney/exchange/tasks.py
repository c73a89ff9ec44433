"""Background work for exchange: the turnaround clock of each second opinion. Thin and
idempotent: the service re-checks the request under a row lock and records what it did."""

from datetime import timedelta

from django_tasks import task

from medijourney.core.scheduling import register_job

from . import services


@task()
def check_opinion_clock(*, request_id: int) -> list[str]:
    return services.opinion_clock_check(request_id=request_id)


@task()
def sweep_opinion_clocks() -> int:
    return services.opinion_clocks_sweep()


register_job("exchange.sweep_opinion_clocks", sweep_opinion_clocks, every=timedelta(minutes=15))
