"""Backups that restore: ``manage.py backup <dir>`` and ``manage.py restore_check <dir>``.

A backup directory holds

* ``database.dump`` (PostgreSQL, ``pg_dump -Fc``) or ``database.sqlite3`` (SQLite backup API);
* ``vault/``: the encrypted document files, copied as they are (still encrypted);
* ``manifest.json``: when, the database vendor, the dump's SHA-256, the row count of every table,
  the last applied migration of every app, and the vault: file count, SHA-256 of each file and the
  ids of the keys they are encrypted under (the keys themselves are never written to a backup).

On PostgreSQL the row counts and the dump read the same snapshot: a REPEATABLE READ transaction
exports its snapshot (``pg_export_snapshot``), counts the rows, and ``pg_dump --snapshot`` dumps
exactly that state while the transaction stays open, so the counts match the dump under live
writes. The vault is copied after the dump; a file written in between belongs to no row in the
dump and is harmless, and files are never changed in place (rotation replaces them atomically).

``restore_check`` restores the dump into a fresh database (``mj_restore_<random>`` on the same
server unless ``--target-url``), copies the vault into a temporary folder, and then, in a child
process pointed at the restored copy (the same code as production, no special paths), checks:
migrations current (nothing to apply), the audit chain verifies, every vault file decrypts with the
configured keys and matches its recorded SHA-256, and every table has the row count of the
manifest. It drops the restored database afterwards unless ``--keep``.
"""

import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess  # nosec B404: pg_dump and pg_restore, fixed arguments, no shell
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

FORMAT = 1


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = {**os.environ}
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _tables(connection: Any) -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def _count_rows(cursor: Any, connection: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608  # nosec B608
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _migrations(connection: Any) -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        latest[app] = max(latest.get(app, ""), name)
    return latest


def _vault_manifest(vault_dir: Path) -> dict[str, Any]:
    from .vault import MAGIC

    files: dict[str, str] = {}
    key_ids: set[str] = set()
    if vault_dir.exists():
        for path in sorted(vault_dir.rglob("*")):
            if path.is_file() and not path.name.startswith(".tmp-"):
                rel = path.relative_to(vault_dir).as_posix()
                files[rel] = _sha256(path)
                head = path.read_bytes()[:64]
                if head.startswith(MAGIC):
                    n = head[len(MAGIC)]
                    key_ids.add(head[len(MAGIC) + 1 : len(MAGIC) + 1 + n].decode())
    return {"files": files, "key_ids": sorted(key_ids)}


def backup_create(*, target: Path, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Write a consistent backup into ``target`` (created; must be empty). Returns the manifest."""
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise BackupError(f"{target} is not empty")
    connection = connections[using]
    tables = _tables(connection)
    if connection.vendor == "postgresql":
        dump, counts = _pg_dump(connection, tables, target / "database.dump")
    elif connection.vendor == "sqlite":
        dump, counts = _sqlite_dump(connection, tables, target / "database.sqlite3")
    else:
        raise BackupError(f"backups support PostgreSQL and SQLite, not {connection.vendor}")
    vault_src = Path(settings.PRIVATE_MEDIA_ROOT) / "vault"
    if vault_src.exists():
        shutil.copytree(vault_src, target / "vault", ignore=shutil.ignore_patterns(".tmp-*"))
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "dump": dump.name,
        "dump_sha256": _sha256(dump),
        "tables": counts,
        "migrations": _migrations(connection),
        "vault": _vault_manifest(target / "vault"),
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def _pg_dump(connection: Any, tables: list[str], out: Path) -> tuple[Path, dict[str, int]]:
    import psycopg

    db = connection.settings_dict
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    with psycopg.connect(**params, autocommit=False) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]
        with conn.cursor() as cursor:
            counts = _count_rows(cursor, connection, tables)
        result = subprocess.run(  # noqa: S603  # nosec B603
            ["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--no-owner", f"--file={out}", db["NAME"]],  # noqa: S607
            env=_pg_env(db),
            capture_output=True,
            text=True,
            timeout=3600,
        )
        conn.rollback()
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()[-500:]}")
    return out, counts


def _sqlite_dump(connection: Any, tables: list[str], out: Path) -> tuple[Path, dict[str, int]]:
    connection.ensure_connection()
    source = connection.connection
    dest = sqlite3.connect(out)
    try:
        source.backup(dest)  # a consistent copy, page by page, under SQLite's own locking
    finally:
        dest.close()
    copy = sqlite3.connect(out)
    try:
        counts = {t: int(copy.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]) for t in tables}  # noqa: S608  # nosec B608
    finally:
        copy.close()
    return out, counts


# --- restore and check ---------------------------------------------------------------------------


@dataclass
class CheckReport:
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def manifest_load(source: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((source / "manifest.json").read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source}: no readable manifest.json ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source}: unknown backup format {manifest.get('format')!r}")
    return manifest


def restore_into(*, source: Path, target_url: str | None = None) -> tuple[str, Any]:
    """Restore the dump into a fresh database; returns (its DATABASE_URL, a drop callback)."""
    manifest = manifest_load(source)
    dump = source / manifest["dump"]
    if not dump.exists() or _sha256(dump) != manifest["dump_sha256"]:
        raise BackupError(f"{dump.name} is missing or does not match its SHA-256 in the manifest")
    if manifest["vendor"] == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="mj-restore-"))
        copy = folder / "restored.sqlite3"
        shutil.copyfile(dump, copy)
        return f"sqlite:///{copy}", lambda: shutil.rmtree(folder, ignore_errors=True)
    import environ
    import psycopg

    base = connections[DEFAULT_DB_ALIAS].settings_dict
    if target_url:
        target = environ.Env.db_url_config(target_url)
    else:
        target = {**base, "NAME": f"mj_restore_{secrets.token_hex(4)}"}
    host, port, user = target.get("HOST") or "127.0.0.1", target.get("PORT") or 5432, target.get("USER") or "postgres"
    password = target.get("PASSWORD") or ""
    admin = {"host": host, "port": port, "user": user, "dbname": "postgres", "autocommit": True}
    if password:
        admin["password"] = password
    with psycopg.connect(**admin) as conn:  # type: ignore[arg-type]
        conn.execute(f'CREATE DATABASE "{target["NAME"]}"')

    def drop() -> None:
        with psycopg.connect(**admin) as conn:  # type: ignore[arg-type]
            conn.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}" WITH (FORCE)')

    result = subprocess.run(  # noqa: S603  # nosec B603
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target['NAME']}", str(dump)],  # noqa: S607
        env=_pg_env({"HOST": host, "PORT": port, "USER": user, "PASSWORD": password}),
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if result.returncode != 0:
        drop()
        raise BackupError(f"pg_restore failed: {result.stderr.strip()[-500:]}")
    auth = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{auth}{host}:{port}/{target['NAME']}", drop


def restore_check(*, source: Path, target_url: str | None = None, keep: bool = False) -> tuple[int, str]:
    """Restore ``source`` and check the copy in a child process. Returns (exit code, its report)."""
    manifest_load(source)
    url, drop = restore_into(source=source, target_url=target_url)
    media = Path(tempfile.mkdtemp(prefix="mj-restore-media-"))
    try:
        if (source / "vault").exists():
            shutil.copytree(source / "vault", media / "vault")
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "PRIVATE_MEDIA_ROOT": str(media),
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.base"),
            "VAULT_KEYS": ",".join(getattr(settings, "VAULT_KEYS", []) or []),
        }
        env.pop("DATABASE_REPLICA_URL", None)
        manage = Path(settings.BASE_DIR) / "manage.py"
        result = subprocess.run(  # noqa: S603  # nosec B603
            [sys.executable, str(manage), "restore_check", str(source), "--verify-restored", f"--media-root={media}"],
            env=env,
            capture_output=True,
            text=True,
            timeout=3600,
            cwd=settings.BASE_DIR,
        )
        report = result.stdout + (result.stderr if result.returncode else "")
        if keep:
            report += f"restored copy kept: {url}\n"
        return result.returncode, report
    finally:
        shutil.rmtree(media, ignore_errors=True)
        if not keep:
            drop()


def restored_verify(*, source: Path) -> CheckReport:
    """Run inside the process whose DATABASE_URL and PRIVATE_MEDIA_ROOT point at the restored copy."""
    from django.db.migrations.executor import MigrationExecutor

    from .chain import audit_verify
    from .vault import VaultError, vault_keys_stored, vault_read

    manifest = manifest_load(source)
    report = CheckReport()
    connection = connections[DEFAULT_DB_ALIAS]

    plan = MigrationExecutor(connection).migration_plan(MigrationExecutor(connection).loader.graph.leaf_nodes())
    if plan:
        report.problems.append(f"migrations not current: {len(plan)} to apply, first {plan[0][0]}")
    else:
        report.lines.append("migrations current")

    chain = audit_verify()
    if chain.ok:
        report.lines.append(f"audit chain verifies ({chain.checked} sealed rows, {chain.unsealed} not yet sealed)")
    else:
        report.problems.extend(f"audit chain: {p}" for p in chain.problems)

    expected = manifest["vault"]["files"]
    vault_dir = Path(settings.PRIVATE_MEDIA_ROOT) / "vault"
    present = set(vault_keys_stored())
    decrypted = 0
    for key in sorted(set(expected) | present):
        if key not in present:
            report.problems.append(f"vault file missing: {key}")
            continue
        if key in expected and _sha256(vault_dir / key) != expected[key]:
            report.problems.append(f"vault file differs from the backup manifest: {key}")
            continue
        try:
            vault_read(key)
            decrypted += 1
        except VaultError as exc:
            report.problems.append(f"vault file does not decrypt: {key}: {exc}")
    if not report.problems or decrypted:
        report.lines.append(
            f"{decrypted} of {len(expected)} vault files decrypt (keys {', '.join(manifest['vault']['key_ids']) or '-'})"
        )

    with connection.cursor() as cursor:
        tables = _tables(connection)
        counted = _count_rows(cursor, connection, [t for t in tables if t in manifest["tables"]])
    wrong = [
        f"{t}: {counted.get(t, 'missing')} rows, backup had {n}"
        for t, n in sorted(manifest["tables"].items())
        if counted.get(t) != n
    ]
    if wrong:
        report.problems.extend(f"row count: {w}" for w in wrong)
    else:
        report.lines.append(f"row counts match in all {len(manifest['tables'])} tables ({sum(counted.values())} rows)")
    return report
