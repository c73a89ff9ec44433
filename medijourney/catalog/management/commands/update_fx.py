"""Load ECB euro reference rates from a file or URL (CSV history, its zip, or the XML feeds)."""

from typing import Any
from urllib.error import URLError

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medijourney.catalog import ecb
from medijourney.catalog.importers import store_rates
from medijourney.catalog.importing import ImportStats, MalformedFileError


class Command(BaseCommand):
    help = (
        "Add or update ECB exchange rates from a file or URL, e.g. "
        "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml or eurofxref-hist.zip."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="A path or http(s) URL of an ECB CSV, zip or XML file.")

    def handle(self, *args: Any, **options: Any) -> None:
        source = options["source"]
        try:
            data, name = ecb.fetch(source)
            parsed = ecb.parse(data, name)
        except (OSError, URLError) as exc:
            raise CommandError(f"Could not read {source}: {exc}") from exc
        except MalformedFileError as exc:
            raise CommandError(f"{exc}. No rates were changed.") from exc
        if not parsed.rates:
            raise CommandError(f"{source}: no rates found. No rates were changed.")
        stats = ImportStats()
        store_rates(parsed, name=name, stats=stats, ctx=None)
        days = sorted({day for _c, day, _r in parsed.rates})
        self.stdout.write(f"ECB rates {days[0]} to {days[-1]}: {stats.summary()}")
        for problem in stats.problems[:20]:
            self.stdout.write(self.style.WARNING(f"    {problem}"))
