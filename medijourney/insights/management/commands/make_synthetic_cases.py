"""Add N synthetic cases over the last two years for the insights benchmark (bench/insights).

Bench only: refused in demo mode and under production settings. Every row is invented and
marked (references ``SYN-``, ``@synthetic.invalid`` people, unaccredited "Synthetic benchmark
hospital" rows that are never in the network).

    manage.py make_synthetic_cases 100000
    manage.py make_synthetic_cases 0 --remove"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from medijourney.insights import synthetic


class Command(BaseCommand):
    help = "Add N synthetic cases for the insights benchmark (never in a demo or production database)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("n", type=int)
        parser.add_argument("--seed", type=int, default=19)
        parser.add_argument("--remove", action="store_true", help="Delete every synthetic row first.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.DEMO_MODE:
            raise CommandError("Refused in demo mode: synthetic benchmark cases must never appear in a demo.")
        if (settings.SETTINGS_MODULE or "").endswith("production"):
            raise CommandError("Refused under production settings: this command is for benchmarks only.")
        if options["remove"]:
            self.stdout.write(f"Removed {synthetic.remove()} synthetic cases.")
        if options["n"] <= 0:
            return
        made = synthetic.build(options["n"], seed=options["seed"])
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in ("cases_case", "cases_caseevent", "quotes_quoterequest", "quotes_quote"):
                    # VACUUM too (outside a transaction): the figures' index-only scans need the
                    # visibility map that autovacuum keeps on a live database.
                    cursor.execute(f"{'' if connection.in_atomic_block else 'VACUUM '}ANALYZE {table}")
        self.stdout.write(f"Added {made} synthetic cases.")
