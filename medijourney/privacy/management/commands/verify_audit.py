from typing import Any

from django.core.management.base import BaseCommand

from medijourney.privacy.chain import audit_seal, audit_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain: report edited, deleted or truncated rows. Exit 1 on a problem."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seal", action="store_true", help="Seal pending rows first (as the recurring job does).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["seal"]:
            self.stdout.write(f"sealed {audit_seal()} new rows")
        report = audit_verify()
        for problem in report.problems:
            self.stdout.write(self.style.ERROR(f"PROBLEM: {problem}"))
        summary = f"checked {report.checked} sealed rows; {report.unsealed} not yet sealed"
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"audit chain intact: {summary}"))
        else:
            self.stdout.write(summary)
            raise SystemExit(1)
