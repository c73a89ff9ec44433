import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.accounts.services import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_demo_accounts_refused_without_demo_mode():
    with override_settings(DEMO_MODE=False), pytest.raises(CommandError, match="refused"):
        call_command("setup_demo")
    assert not User.objects.filter(is_demo=True).exists()


def test_demo_accounts_refused_under_production_flag():
    with override_settings(DEMO_MODE=True, IS_PRODUCTION=True), pytest.raises(CommandError):
        call_command("setup_demo")
    assert not User.objects.exists()


@override_settings(DEMO_MODE=True)
def test_demo_accounts_one_per_role_and_idempotent(client):
    out = io.StringIO()
    call_command("setup_demo", stdout=out)
    call_command("setup_demo", stdout=out)
    assert "case_manager@demo.medijourney.test" in out.getvalue()
    demo = User.objects.filter(is_demo=True, email__endswith="@demo.medijourney.test")
    logins = demo.filter(email__in=[f"{role}@demo.medijourney.test" for role in Role])
    assert sorted(logins.values_list("role", flat=True)) == sorted(Role.values)
    # demo patients behind the demo cases exist too; every demo person is flagged
    assert not User.objects.filter(email__endswith="@demo.medijourney.test", is_demo=False).exists()
    for role in Role:
        user = demo.get(email=f"{role}@demo.medijourney.test")
        assert user.check_password(DEMO_PASSWORD)


@override_settings(DEMO_MODE=True)
def test_demo_banner_and_logins_shown_in_demo_mode(client):
    page = client.get("/accounts/login/").content.decode()
    assert "demo-banner" in page
    assert "case_manager@demo.medijourney.test" in page
    # The banner says exactly what is invented and what is real.
    assert "every hospital whose name starts with “Demo”" in page
    assert "Nothing invented is shown on a real hospital." in page


def test_no_demo_banner_outside_demo_mode(client):
    assert "demo-banner" not in client.get("/accounts/login/").content.decode()


def test_setup_demo_refused_by_production_settings_process():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "k" * 64,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
        "ALLOWED_HOSTS": "example.org",
        "VAULT_KEYS": "k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "DEMO_MODE": "1",
    }
    proc = subprocess.run(
        [sys.executable, "manage.py", "setup_demo"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert proc.returncode != 0
    assert "DEMO_MODE is on" in proc.stderr
