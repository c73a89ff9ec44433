from typing import Any

from django.core.management.base import BaseCommand

from medijourney.core.scheduling import registered_jobs
from medijourney.core.tasks import ensure_scheduler


class Command(BaseCommand):
    help = "Queue the scheduler tick (recurring jobs, recovery of orphaned tasks) if none is queued."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = ensure_scheduler()
        jobs = ", ".join(sorted(registered_jobs())) or "none"
        self.stdout.write(f"Scheduler {'started' if queued else 'already queued'}; recurring jobs: {jobs}")
