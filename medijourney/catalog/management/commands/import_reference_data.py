"""Load every reference dataset shipped in medijourney/data/ (catalog and network importers).

Datasets whose inputs have not changed since their last successful import are skipped, so a
second run takes a moment. `--force` re-imports anyway; `--only NAME` picks datasets."""

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medijourney.catalog.importing import registered_importers, run_importer


class Command(BaseCommand):
    help = "Import the reference data (countries, airports, visa rules, FX, procedures, prices, hospitals)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--only", nargs="+", metavar="NAME", help="Import only these datasets (see --list).")
        parser.add_argument("--force", action="store_true", help="Import even if the inputs have not changed.")
        parser.add_argument("--list", action="store_true", help="List the datasets and exit.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bars.")

    def handle(self, *args: Any, **options: Any) -> None:
        importers = registered_importers()
        if options["list"]:
            for imp in importers:
                self.stdout.write(f"{imp.name:<20} {imp.description}")
            return
        if options["only"]:
            unknown = set(options["only"]) - {i.name for i in importers}
            if unknown:
                raise CommandError(f"Unknown dataset(s): {', '.join(sorted(unknown))}. Use --list.")
            importers = [i for i in importers if i.name in options["only"]]
        progress = not options["no_progress"] and sys.stderr.isatty()
        started = time.monotonic()
        changed = 0
        for imp in importers:
            outcome = run_importer(imp, force=options["force"], progress=progress, err=sys.stderr)
            if outcome.status == "failed":
                raise CommandError(f"{imp.name}: {outcome.message}. Nothing was changed for this dataset.")
            if outcome.status == "unchanged":
                if options["verbosity"] > 1:
                    self.stdout.write(f"{imp.name:<18} unchanged (inputs as at the last import)")
                continue
            if outcome.status == "missing":
                self.stdout.write(self.style.WARNING(f"{imp.name:<18} skipped: {outcome.message}"))
                continue
            changed += 1
            stats = outcome.stats
            assert stats is not None
            self.stdout.write(f"{imp.name:<18} {stats.summary()}  ({outcome.seconds:.1f} s)")
            shown = len(stats.problems) if options["verbosity"] > 1 else 5
            for problem in stats.problems[:shown]:
                self.stdout.write(self.style.WARNING(f"    {problem}"))
            if len(stats.problems) > shown:
                more = len(stats.problems) - shown
                self.stdout.write(self.style.WARNING(f"    … and {more} more (-v 2 lists them; also in admin)"))
            for note in stats.notes:
                self.stdout.write(f"    {note}")
        total = time.monotonic() - started
        if changed:
            self.stdout.write(self.style.SUCCESS(f"Reference data imported in {total:.1f} s."))
        else:
            self.stdout.write(f"Reference data unchanged since the last import ({total:.2f} s).")
