"""Compile the interface's translation catalogues (.po → .mo) with Babel: no system gettext needed."""

from typing import Any

from django.core.management.base import BaseCommand

from medijourney.core.catalogues import compile_catalogues


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="rewrite every .mo even if up to date")

    def handle(self, *args: Any, **options: Any) -> None:
        written = compile_catalogues(force=options["force"])
        self.stdout.write(f"compiled {len(written)} catalogue(s)" if written else "catalogues up to date")
