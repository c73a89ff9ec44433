from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Everything `make run` does before serving, in one process: migrate, import the reference "
        "data (unchanged files are skipped), create the demo accounts and data, start the scheduler."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("import_reference_data", stdout=self.stdout, stderr=self.stderr)
        call_command("setup_demo", stdout=self.stdout, stderr=self.stderr)
        call_command("ensure_scheduler", stdout=self.stdout, stderr=self.stderr)
