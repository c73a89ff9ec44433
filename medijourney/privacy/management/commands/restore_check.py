from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from medijourney.privacy.backup import BackupError, restore_check, restored_verify


class Command(BaseCommand):
    help = (
        "Restore a backup (manage.py backup) into a fresh database and check it: migrations current, "
        "audit chain verifies, every vault file decrypts with the configured keys, row counts match. "
        "Exit 1 on any problem. The restored database is dropped afterwards unless --keep."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("source", help="A backup directory.")
        parser.add_argument("--target-url", help="Restore into this (new, empty) database instead of a fresh one.")
        parser.add_argument("--keep", action="store_true", help="Keep the restored database.")
        parser.add_argument("--verify-restored", action="store_true", help="(internal) check this process's database")
        parser.add_argument("--media-root", help="(internal) the restored vault's root, with --verify-restored")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["source"])
        try:
            if options["verify_restored"]:
                if options.get("media_root"):
                    settings.PRIVATE_MEDIA_ROOT = Path(options["media_root"])
                report = restored_verify(source=source)
                for line in report.lines:
                    self.stdout.write(f"ok: {line}")
                for problem in report.problems:
                    self.stdout.write(f"PROBLEM: {problem}")
                if not report.ok:
                    raise SystemExit(1)
                return
            code, text = restore_check(source=source, target_url=options.get("target_url"), keep=options["keep"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(text.rstrip())
        if code != 0:
            self.stdout.write(self.style.ERROR("restore check FAILED"))
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS("restore check passed"))
