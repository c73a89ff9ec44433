from datetime import timedelta

from django_tasks import task

from medijourney.core.scheduling import register_job

from .chain import audit_seal


@task()
def seal_audit_log() -> int:
    """Seal new audit rows into the hash chain. Idempotent: only unsealed rows are touched."""
    return audit_seal()


register_job("privacy.seal_audit_log", seal_audit_log, every=timedelta(minutes=1))
