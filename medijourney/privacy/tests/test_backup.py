"""manage.py backup → destroy → manage.py restore_check on a small data set: people, audit events
(sealed into the hash chain) and encrypted vault files. The restore goes into a fresh database of
its own name (mj_restore_<random> on PostgreSQL, a temporary file on SQLite), dropped afterwards."""

import json
import shutil
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from medijourney.accounts.models import User
from medijourney.core.audit import audit_record
from medijourney.privacy.chain import audit_seal
from medijourney.privacy.vault import vault_read, vault_store

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump and the child process see committed rows only


@pytest.fixture
def data(make_user, settings):
    people = [make_user(), make_user(), make_user(role="case_manager")]
    for person in people:
        audit_record(actor=people[2], action="case.view", obj=person, patient=person)
    assert audit_seal(settle=timedelta(0)) == 3
    keys = [vault_store(data=f"report {i}".encode() * 100, purpose="documents") for i in range(3)]
    return people, keys


def run(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command(*args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_backup_destroy_restore_check(data, tmp_path, settings):
    _people, keys = data
    target = tmp_path / "backup"
    code, out = run("backup", str(target))
    assert code == 0, out
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["tables"]["accounts_user"] == 3
    assert manifest["tables"]["privacy_auditevent"] >= 3
    assert sorted(manifest["vault"]["files"]) == sorted(keys)
    assert manifest["vault"]["key_ids"] == ["dev"]
    assert "VAULT_KEYS" not in (target / "manifest.json").read_text()

    # Destroy: the people go, the vault folder goes.
    User.objects.all().delete()
    shutil.rmtree(Path(settings.PRIVATE_MEDIA_ROOT) / "vault")
    with pytest.raises(Exception, match="missing"):
        vault_read(keys[0])

    code, out = run("restore_check", str(target))
    assert code == 0, out
    assert "ok: migrations current" in out
    assert "ok: audit chain verifies (3 sealed rows" in out
    assert "ok: 3 of 3 vault files decrypt (keys dev)" in out
    assert "ok: row counts match" in out
    assert "restore check passed" in out


def test_restore_check_finds_a_damaged_vault_file_and_wrong_counts(data, tmp_path):
    _, keys = data
    target = tmp_path / "backup"
    assert run("backup", str(target))[0] == 0
    damaged = target / "vault" / keys[1]
    blob = bytearray(damaged.read_bytes())
    blob[-1] ^= 0xFF
    damaged.write_bytes(bytes(blob))
    manifest = json.loads((target / "manifest.json").read_text())
    manifest["tables"]["accounts_user"] = 4
    (target / "manifest.json").write_text(json.dumps(manifest))

    code, out = run("restore_check", str(target))
    assert code == 1
    assert f"PROBLEM: vault file differs from the backup manifest: {keys[1]}" in out
    assert "PROBLEM: row count: accounts_user: 3 rows, backup had 4" in out
    assert "restore check FAILED" in out


def test_restore_check_without_the_key_fails(data, tmp_path, settings):
    target = tmp_path / "backup"
    assert run("backup", str(target))[0] == 0
    from medijourney.privacy.vault import generate_key_entry

    settings.VAULT_KEYS = [generate_key_entry("other")]  # the key the files were encrypted under is gone
    code, out = run("restore_check", str(target))
    assert code == 1
    assert "does not decrypt" in out and "'dev'" in out


def test_bad_input_is_a_clear_error(data, tmp_path):
    target = tmp_path / "backup"
    target.mkdir()
    (target / "something").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(target))
    with pytest.raises(CommandError, match="no readable manifest"):
        call_command("restore_check", str(tmp_path))
    assert run("backup", str(tmp_path / "ok"))[0] == 0
    dump = json.loads((tmp_path / "ok" / "manifest.json").read_text())["dump"]
    (tmp_path / "ok" / dump).write_bytes(b"garbage")
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("restore_check", str(tmp_path / "ok"))
