from typing import Any

from django.core.management.base import BaseCommand, CommandError

from medijourney.accounts.services import DemoRefusedError
from medijourney.core.dbstats import statistics_refresh
from medijourney.demo.services import demo_setup


class Command(BaseCommand):
    help = "Create the demo accounts (one per role) and demo data. Refused unless DEMO_MODE is on."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = demo_setup()
        except DemoRefusedError as exc:
            raise CommandError(str(exc)) from exc
        statistics_refresh()  # the planner's statistics of what was just loaded
        self.stdout.write(self.style.SUCCESS(f"Demo accounts ready (password: {summary.password}):"))
        for role, email in summary.logins:
            self.stdout.write(f"  {role:<28} {email}")
        for note in summary.notes:
            self.stdout.write(f"  {note}")
