from datetime import timedelta

from django_tasks import task

from medijourney.core.scheduling import register_job

from . import services
from .chain import audit_seal


@task()
def seal_audit_log() -> int:
    """Seal new audit rows into the hash chain. Idempotent: only unsealed rows are touched."""
    return audit_seal()


register_job("privacy.seal_audit_log", seal_audit_log, every=timedelta(minutes=1))


@task()
def erasure_carry_out_task(*, request_id: int) -> str:
    """Carry out an approved erasure (idempotent: a completed request is skipped)."""
    return services.erasure_carry_out(request_id=request_id).status
