"""Production settings refuse unsafe configurations at start-up, each with a one-line reason,
and pass `manage.py check --deploy` when configured properly."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

GOOD = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "t3Zq9-vN8wLr2pXc7hYb4KdJm6sAe1Gu0oFi5RkWnTyQ_zHgVxBlCaMjE",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
    "ALLOWED_HOSTS": "medijourney.example.org",
    "VAULT_KEYS": "k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
}


def run_manage(*args: str, **overrides: str | None) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "DEMO_MODE", "ALLOW_SQLITE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(GOOD)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"DEBUG": "1"}, "DEBUG is on"),
        ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too short"),
        ({"DATABASE_URL": "sqlite:////tmp/prod.sqlite3"}, "points to SQLite"),
        ({"VAULT_KEYS": None}, "VAULT_KEYS is not set"),
    ],
)
def test_production_refuses_unsafe_configuration(overrides, reason):
    proc = run_manage("check", **overrides)
    assert proc.returncode != 0
    assert reason in proc.stderr
    assert "Traceback" not in proc.stderr  # one clear line, not a stack trace


def test_sqlite_allowed_when_explicitly_asked():
    proc = run_manage("check", DATABASE_URL="sqlite:////tmp/prod-allowed.sqlite3", ALLOW_SQLITE="1")
    assert proc.returncode == 0, proc.stderr


def test_production_passes_check_deploy():
    proc = run_manage("check", "--deploy", "--fail-level", "WARNING")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no issues" in proc.stdout
