import base64
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from medijourney.privacy.vault import (
    VaultError,
    generate_key_entry,
    vault_delete,
    vault_key_id,
    vault_read,
    vault_store,
)

SECRET = b"Passport P1234567; report: severe osteoarthritis right knee"


def _raw_files() -> list[bytes]:
    root = Path(settings.PRIVATE_MEDIA_ROOT) / "vault"
    return [p.read_bytes() for p in root.rglob("*") if p.is_file()]


def test_store_and_read_round_trip_and_nothing_plain_on_disk():
    key = vault_store(data=SECRET, purpose="documents")
    assert key.startswith("documents/")
    assert vault_read(key) == SECRET
    assert all(b"P1234567" not in raw and b"osteoarthritis" not in raw for raw in _raw_files())


def test_swapped_ciphertexts_fail_instead_of_showing_the_wrong_document():
    a = vault_store(data=b"document A", purpose="documents")
    b = vault_store(data=b"document B", purpose="documents")
    root = Path(settings.PRIVATE_MEDIA_ROOT) / "vault"
    (root / b).write_bytes((root / a).read_bytes())
    with pytest.raises(VaultError, match="integrity"):
        vault_read(b)


def test_tampered_file_fails_its_integrity_check():
    key = vault_store(data=b"document", purpose="documents")
    path = Path(settings.PRIVATE_MEDIA_ROOT) / "vault" / key
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 0x01
    path.write_bytes(bytes(blob))
    with pytest.raises(VaultError):
        vault_read(key)


def test_malformed_keys_cannot_escape_the_vault():
    for bad in ["../../etc/passwd", "documents/../../x", "documents/zz/" + "0" * 32]:
        with pytest.raises(VaultError):
            vault_read(bad)


def test_rotation_reencrypts_and_resumes(capsys):
    old = generate_key_entry("k1")
    new = generate_key_entry("k2")
    with override_settings(VAULT_KEYS=[old]):
        keys = [vault_store(data=f"doc {i}".encode(), purpose="documents") for i in range(3)]
    with override_settings(VAULT_KEYS=[new, old]):
        from medijourney.privacy.vault import vault_rotate

        assert vault_rotate(keys[0]) is True  # a run "killed" after one file
        call_command("rotate_keys")
        out = capsys.readouterr().out
        assert "rotated 2" in out and "failed 0" in out
        assert {vault_key_id(k) for k in keys} == {"k2"}
        call_command("rotate_keys")
        assert "rotated 0" in capsys.readouterr().out
    with override_settings(VAULT_KEYS=[new]):  # the old key can now be retired
        assert [vault_read(k) for k in keys] == [b"doc 0", b"doc 1", b"doc 2"]


def test_unknown_key_is_reported():
    with override_settings(VAULT_KEYS=[generate_key_entry("gone")]):
        key = vault_store(data=b"x", purpose="documents")
    with override_settings(VAULT_KEYS=[generate_key_entry("other")]), pytest.raises(VaultError, match="not configured"):
        vault_read(key)


def test_delete():
    key = vault_store(data=b"x", purpose="documents")
    vault_delete(key)
    with pytest.raises(VaultError, match="missing"):
        vault_read(key)


def test_key_entries_are_32_bytes():
    entry = generate_key_entry("k9")
    encoded = entry.split(":", 1)[1]
    assert len(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))) == 32
