"""Load every reference dataset shipped in medijourney/data/ (catalog and network importers).

Datasets whose inputs have not changed since their last successful import are skipped, so a
second run takes a moment. `--force` re-imports anyway; `--only NAME` picks datasets."""

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medijourney.catalog.importing import Importer, RunOutcome, registered_importers, run_importer
from medijourney.core.dbstats import statistics_refresh


class Command(BaseCommand):
    help = "Import the reference data (countries, airports, visa rules, FX, procedures, prices, hospitals)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--only", nargs="+", metavar="NAME", help="Import only these datasets (see --list).")
        parser.add_argument("--force", action="store_true", help="Import even if the inputs have not changed.")
        parser.add_argument("--list", action="store_true", help="List the datasets and exit.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bars.")

    def handle(self, *args: Any, **options: Any) -> None:
        importers = self._selected(options)
        if importers is None:
            return
        progress = not options["no_progress"] and sys.stderr.isatty()
        started = time.monotonic()
        changed = 0
        for imp in importers:
            outcome = run_importer(imp, force=options["force"], progress=progress, err=sys.stderr)
            changed += self._report(imp, outcome, verbosity=options["verbosity"])
        total = time.monotonic() - started
        if changed:
            statistics_refresh()  # SQLite gathers no planner statistics of its own (core.dbstats)
            self.stdout.write(self.style.SUCCESS(f"Reference data imported in {total:.1f} s."))
        else:
            self.stdout.write(f"Reference data unchanged since the last import ({total:.2f} s).")

    def _selected(self, options: dict[str, Any]) -> list[Importer] | None:
        """The importers to run, or None when ``--list`` printed them."""
        importers = registered_importers()
        if options["list"]:
            for imp in importers:
                self.stdout.write(f"{imp.name:<20} {imp.description}")
            return None
        if options["only"]:
            unknown = set(options["only"]) - {i.name for i in importers}
            if unknown:
                raise CommandError(f"Unknown dataset(s): {', '.join(sorted(unknown))}. Use --list.")
            importers = [i for i in importers if i.name in options["only"]]
        return importers

    def _report(self, imp: Importer, outcome: RunOutcome, *, verbosity: int) -> int:
        """Print one importer's outcome; 1 if it changed the data, else 0."""
        if outcome.status == "failed":
            raise CommandError(f"{imp.name}: {outcome.message}. Nothing was changed for this dataset.")
        if outcome.status == "unchanged":
            if verbosity > 1:
                self.stdout.write(f"{imp.name:<18} unchanged (inputs as at the last import)")
            return 0
        if outcome.status == "missing":
            self.stdout.write(self.style.WARNING(f"{imp.name:<18} skipped: {outcome.message}"))
            return 0
        stats = outcome.stats
        assert stats is not None
        self.stdout.write(f"{imp.name:<18} {stats.summary()}  ({outcome.seconds:.1f} s)")
        shown = len(stats.problems) if verbosity > 1 else 5
        for problem in stats.problems[:shown]:
            self.stdout.write(self.style.WARNING(f"    {problem}"))
        if len(stats.problems) > shown:
            more = len(stats.problems) - shown
            self.stdout.write(self.style.WARNING(f"    … and {more} more (-v 2 lists them; also in admin)"))
        for note in stats.notes:
            self.stdout.write(f"    {note}")
        return 1
