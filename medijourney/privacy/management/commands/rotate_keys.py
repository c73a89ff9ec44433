from typing import Any

from django.core.management.base import BaseCommand

from medijourney.privacy.vault import VaultError, generate_key_entry, vault_keys_stored, vault_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored document under the active key (the first entry of VAULT_KEYS). "
        "Safe to interrupt and run again: each file is replaced atomically and files already under "
        "the active key are skipped. Use --new-key-id to print a fresh key entry to prepend."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--new-key-id", help="Print a new VAULT_KEYS entry with this id and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("new_key_id"):
            self.stdout.write(generate_key_entry(options["new_key_id"]))
            return
        rotated = unchanged = failed = 0
        for key in vault_keys_stored():
            try:
                if vault_rotate(key):
                    rotated += 1
                else:
                    unchanged += 1
            except VaultError as exc:
                failed += 1
                self.stderr.write(f"{key}: {exc}")
        self.stdout.write(f"rotated {rotated}, already current {unchanged}, failed {failed}")
        if failed:
            raise SystemExit(1)
