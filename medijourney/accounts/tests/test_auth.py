import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.accounts.services import user_create
from medijourney.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_is_case_insensitive(client, password):
    user = user_create(email="Ana.Silva@Example.TEST", password=password)
    assert user.email == "ana.silva@example.test"
    response = client.post(reverse("accounts:login"), {"username": "ANA.SILVA@example.test", "password": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")


def test_duplicate_email_in_other_case_is_refused(password):
    user_create(email="dup@example.test", password=password)
    with pytest.raises(Exception):  # noqa: B017 - full_clean or the unique constraint, depending on path
        user_create(email="DUP@example.test", password=password)
    assert User.objects.filter(email__iexact="dup@example.test").count() == 1


def test_login_issues_a_new_session_id(client, make_user, password):
    user = make_user(Role.CASE_MANAGER)
    client.get(reverse("accounts:login"))
    session = client.session
    session["probe"] = "before-login"
    session.save()
    before = session.session_key
    client.post(reverse("accounts:login"), {"username": user.email, "password": password})
    assert client.session.session_key != before
    assert AuditEvent.objects.filter(action="auth.login", outcome="allowed", actor_id=user.public_id).exists()


def test_unknown_email_and_wrong_password_get_the_same_answer(client, make_user):
    user = make_user()
    wrong = client.post(reverse("accounts:login"), {"username": user.email, "password": "not the password"})
    unknown = client.post(reverse("accounts:login"), {"username": "nobody@example.test", "password": "x" * 12})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    # what was typed is kept, the password is not echoed back
    assert 'value="nobody@example.test"' in unknown.content.decode()
    assert "x" * 12 not in unknown.content.decode()
    assert AuditEvent.objects.filter(action="auth.login", outcome="denied").count() == 2


def test_idle_session_expires(client, make_user):
    user = make_user()
    with time_machine.travel(dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        client.force_login(user)
        assert client.get(reverse("accounts:dashboard")).status_code == 200
        clock.shift(settings.SESSION_COOKIE_AGE - 60)  # still active: every request extends the session
        assert client.get(reverse("accounts:dashboard")).status_code == 200
        clock.shift(settings.SESSION_COOKIE_AGE + 60)
        response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_logout_is_post_only_and_audited(client, make_user):
    user = make_user()
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("accounts:dashboard")).status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout", actor_id=user.public_id).exists()


def test_password_reset_by_email_round_trip(client, make_user):
    user = make_user(email="reset@example.test")
    response = client.post(reverse("accounts:password_reset"), {"email": "reset@example.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = next(line for line in body.splitlines() if "/accounts/reset/" in line).strip()
    path = link.split("testserver", 1)[1]
    confirm = client.get(path, follow=True)
    assert confirm.status_code == 200 and confirm.context["validlink"]
    new_password = "a long and memorable passphrase"
    done = client.post(confirm.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_password_reset_for_unknown_email_reveals_nothing(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "ghost@example.test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_home_sends_each_role_to_its_home(client, make_user):
    for role in Role:
        user = make_user(role)
        client.force_login(user)
        response = client.get(reverse("accounts:home"))
        assert response.status_code == 302
        landing = client.get(response["Location"])
        assert landing.status_code == 200, role
        assert str(Role(role).label) in landing.content.decode()
