"""Network background tasks: the daily expiry warnings (registered as a recurring job)."""

from datetime import timedelta

from django_tasks import task

from medijourney.core.scheduling import register_job

from .services import expiry_warnings_send


@task()
def send_expiry_warnings() -> int:
    """Idempotent: each warning (item × threshold × end date) is recorded and sent once."""
    return expiry_warnings_send()


register_job("network.expiry_warnings", send_expiry_warnings, every=timedelta(days=1))
