import datetime as dt

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from medijourney.accounts.roles import Role
from medijourney.accounts.services import api_token_issue
from medijourney.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def code_for(device: TOTPDevice) -> str:
    """The code an authenticator app shows now (time is frozen by the tests)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def password_login(client: Client, user, password: str):
    return client.post(reverse("accounts:login"), {"username": user.email, "password": password})


def test_staff_must_set_up_a_second_factor_before_anything_else(client, make_user, password):
    manager = make_user(Role.CASE_MANAGER)
    password_login(client, manager, password)
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:2fa_setup"))
    api = client.get("/api/v1/me")
    assert api.status_code == 403 and "Two-step" in api.json()["detail"]
    setup_page = client.get(response["Location"])
    assert setup_page.status_code == 200 and setup_page.context["nav_items"] == []


def test_setup_confirms_with_a_code_and_shows_ten_recovery_codes_once(client, make_user, password):
    manager = make_user(Role.CASE_MANAGER)
    with time_machine.travel(NOW, tick=False) as clock:
        password_login(client, manager, password)
        page = client.get(reverse("accounts:2fa_setup"))
        assert page.status_code == 200 and "<svg" in page.content.decode()
        device = TOTPDevice.objects.get(user=manager, confirmed=False)
        wrong = client.post(reverse("accounts:2fa_setup"), {"code": "000000"})
        assert "did not match" in wrong.content.decode()
        clock.shift(dt.timedelta(seconds=3))  # django-otp slows down retries after a wrong code
        device.refresh_from_db()
        done = client.post(reverse("accounts:2fa_setup"), {"code": code_for(device)})
        assert done.status_code == 200
        assert len(done.context["codes"]) == 10
        device.refresh_from_db()
        assert device.confirmed
        assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_verify_accepts_a_code_once_only(make_user, password):
    manager = make_user(Role.QUALITY_LEAD)
    device = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    with time_machine.travel(NOW, tick=False):
        code = code_for(device)
        first = Client()
        password_login(first, manager, password)
        assert first.get(reverse("accounts:dashboard"))["Location"].startswith(reverse("accounts:2fa_verify"))
        ok = first.post(reverse("accounts:2fa_verify"), {"code": code, "next": "/accounts/dashboard/"})
        assert ok.status_code == 302 and ok["Location"] == "/accounts/dashboard/"
        assert first.get(reverse("accounts:dashboard")).status_code == 200
        second = Client()
        password_login(second, manager, password)
        replay = second.post(reverse("accounts:2fa_verify"), {"code": code})
    assert replay.status_code == 200 and "did not work" in replay.content.decode()
    assert AuditEvent.objects.filter(action="2fa.verify", outcome="denied", actor_id=manager.public_id).exists()


def test_recovery_code_works_once(make_user, password):
    manager = make_user(Role.ADMIN)
    TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    client = Client()
    client.force_login(manager)  # a verified session may make recovery codes
    codes = client.post(reverse("accounts:security")).context["codes"]
    assert StaticToken.objects.filter(device__user=manager).count() == 10
    for attempt, expected in ((1, 302), (2, 200)):
        fresh = Client()
        password_login(fresh, manager, password)
        response = fresh.post(reverse("accounts:2fa_verify"), {"code": codes[0]})
        assert response.status_code == expected, attempt
    assert StaticToken.objects.filter(device__user=manager).count() == 9


def test_patients_are_not_asked_for_a_second_factor(client, make_user, password):
    patient = make_user(Role.PATIENT)
    password_login(client, patient, password)
    assert client.get(reverse("accounts:dashboard")).status_code == 200


@override_settings(DEMO_MODE=True)
def test_demo_accounts_skip_the_second_factor_in_demo_mode(client, make_user, password):
    demo_manager = make_user(Role.CASE_MANAGER)
    demo_manager.is_demo = True
    demo_manager.save()
    password_login(client, demo_manager, password)
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    assert "skipped in demo mode" in client.get(reverse("accounts:security")).content.decode()


def test_bearer_tokens_are_not_blocked_by_the_session_second_factor(make_user):
    partner = make_user(Role.PARTNER)
    raw = api_token_issue(user=partner, name="HIS").raw
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200


def test_open_redirects_are_refused_after_verification(make_user, password):
    manager = make_user(Role.SPECIALIST)
    device = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    client = Client()
    with time_machine.travel(NOW, tick=False):
        password_login(client, manager, password)
        response = client.post(
            reverse("accounts:2fa_verify"), {"code": code_for(device), "next": "https://evil.example/"}
        )
    assert response.status_code == 302 and response["Location"] == reverse("accounts:home")


@pytest.mark.django_db(transaction=True)
def test_verify_works_outside_a_test_transaction(make_user, password):
    """Requests are not atomic: the device lock django-otp takes must run in its own transaction
    (a plain test wraps everything in one, which hid a 500 on every staff sign-in on PostgreSQL;
    SQLite has no row locks, so there it passes either way)."""
    manager = make_user(Role.CASE_MANAGER)
    device = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    with time_machine.travel(NOW, tick=False):
        client = Client()
        password_login(client, manager, password)
        ok = client.post(reverse("accounts:2fa_verify"), {"code": code_for(device), "next": "/accounts/dashboard/"})
        assert ok.status_code == 302 and ok["Location"] == "/accounts/dashboard/"
        wrong = Client()
        password_login(wrong, manager, password)
        refused = wrong.post(reverse("accounts:2fa_verify"), {"code": "000000"})
    assert refused.status_code == 200 and "did not work" in refused.content.decode()
    assert AuditEvent.objects.filter(action="2fa.verify", outcome="denied", actor_id=manager.public_id).exists()
