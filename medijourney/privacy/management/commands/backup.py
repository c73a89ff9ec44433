from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from medijourney.privacy.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write a consistent backup into an empty directory: the database dump (pg_dump of one "
        "snapshot, or SQLite's backup API), the encrypted vault files, and manifest.json (row counts "
        "from the same snapshot, migrations, vault file hashes and the key ids in use; never the keys)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("target", help="Directory to write (created; must be empty).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_create(target=Path(options["target"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        vault = manifest["vault"]
        self.stdout.write(
            f"backup written to {options['target']}: {manifest['dump']} ({manifest['vendor']}), "
            f"{len(manifest['tables'])} tables, {sum(manifest['tables'].values())} rows, "
            f"{len(vault['files'])} vault files under keys {', '.join(vault['key_ids']) or '-'}"
        )
