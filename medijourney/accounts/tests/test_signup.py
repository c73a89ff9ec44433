"""A patient account without an inquiry (issue 10, item 8): email confirmation by a signed,
expiring link; nothing exists (so nothing can sign in) until the link is opened and a password
chosen; accepted sign-ups rate limited per address and per email; a known address gets the same
answer as a new one."""

import re
import time

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils.http import urlencode

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.accounts.tokens import SignupClaim, signup_token
from medijourney.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long passphrase for tests 42"


def sign_up(client, email="new.patient@example.org", name="Nadia Example"):
    return client.post(reverse("accounts:signup"), {"full_name": name, "email": email})


def link_from_last_email() -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/signup/confirm/\?token=\S+)", str(mail.outbox[-1].body))
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_sign_up_sends_a_link_and_creates_nothing_until_it_is_opened(client, run_tasks):
    response = sign_up(client, email=" New.Patient@Example.org ")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:signup_sent")
    assert "new.patient@example.org" in client.get(response["Location"]).content.decode()
    assert not User.objects.filter(email__iexact="new.patient@example.org").exists()
    run_tasks()
    assert mail.outbox[-1].to == ["new.patient@example.org"]
    assert "confirm" in mail.outbox[-1].subject.lower()
    # Not confirmed: signing in is refused (there is no account yet).
    login = client.post(reverse("accounts:login"), {"username": "new.patient@example.org", "password": NEW_PASSWORD})
    assert login.status_code == 200 and "do not match an account" in login.content.decode()


def test_the_link_lets_the_patient_choose_a_password_and_signs_them_in(client, run_tasks):
    sign_up(client)
    run_tasks()
    link = link_from_last_email()
    page = client.get(link)
    assert page.status_code == 200 and "new.patient@example.org" in page.content.decode()
    done = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    user = User.objects.get(email="new.patient@example.org")
    assert user.role == Role.PATIENT and user.is_active and user.full_name == "Nadia Example"
    assert user.check_password(NEW_PASSWORD)
    assert client.get(reverse("accounts:home")).status_code == 302  # signed in: sent to the role's home
    assert AuditEvent.objects.filter(action="auth.signup.confirm", outcome="allowed").exists()
    # The link is spent once used.
    again = client.post(link, {"new_password1": "another passphrase 99", "new_password2": "another passphrase 99"})
    assert again.status_code == 409
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_weak_or_mismatched_password_is_refused_by_field_and_nothing_is_created(client, run_tasks):
    sign_up(client)
    run_tasks()
    link = link_from_last_email()
    weak = client.post(link, {"new_password1": "password", "new_password2": "password"})
    assert weak.status_code == 422 and "too common" in weak.content.decode()
    mismatch = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})
    assert mismatch.status_code == 422
    assert not User.objects.filter(email="new.patient@example.org").exists()


def test_a_forged_or_expired_link_is_refused(client, settings, monkeypatch):
    token = signup_token(SignupClaim(email="x@example.org", full_name="X", preferred_language="en"))
    url = reverse("accounts:signup_confirm")
    assert client.get(url, {"token": token[:-2] + "zz"}).status_code == 400
    forged = signing.dumps({"e": "x@example.org", "n": "X", "l": "en"}, salt="another-salt", compress=True)
    assert client.get(url, {"token": forged}).status_code == 400
    assert client.get(url).status_code == 400
    later = time.time() + settings.SIGNUP_CONFIRM_DAYS * 86400 + 60
    monkeypatch.setattr(time, "time", lambda: later)
    expired = client.post(
        f"{url}?{urlencode({'token': token})}", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert expired.status_code == 400
    assert not User.objects.filter(email="x@example.org").exists()


def test_a_known_address_gets_the_same_answer_and_its_account_is_untouched(client, make_user, password, run_tasks):
    existing = make_user(email="known@example.org")
    new = sign_up(client, email="fresh@example.org")
    known = sign_up(client, email="KNOWN@example.org", name="Someone Else")
    assert known.status_code == new.status_code == 302 and known["Location"] == new["Location"]
    run_tasks()
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "/accounts/signup/confirm/?token=" in bodies["fresh@example.org"]
    assert "/accounts/signup/confirm/" not in bodies["known@example.org"]
    assert "already has one" in bodies["known@example.org"]
    existing.refresh_from_db()
    assert existing.full_name != "Someone Else" and existing.check_password(password)


def test_bad_input_keeps_what_was_typed_with_a_message_per_field(client):
    response = client.post(reverse("accounts:signup"), {"full_name": "  ", "email": "not-an-email"})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'value="not-an-email"' in page
    assert "Tell us your name." in page and "Enter a valid email address." in page
    assert len(mail.outbox) == 0


def test_accepted_sign_ups_are_rate_limited_per_address_keeping_what_was_typed(client, settings, run_tasks):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": (2, 3600)}
    for _ in range(3):  # failed validation costs nothing
        client.post(reverse("accounts:signup"), {"full_name": "", "email": "bad"})
    assert sign_up(client, email="one@example.org").status_code == 302
    assert sign_up(client, email="two@example.org").status_code == 302
    limited = sign_up(client, email="three@example.org", name="Third Person")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    page = limited.content.decode()
    assert 'value="three@example.org"' in page and 'value="Third Person"' in page
    run_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == ["one@example.org", "two@example.org"]


def test_one_email_address_is_limited_from_any_client_address(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": (2, 3600)}
    for n in range(2):
        assert (
            client.post(
                reverse("accounts:signup"), {"full_name": "A", "email": "same@example.org"}, REMOTE_ADDR=f"10.0.0.{n}"
            ).status_code
            == 302
        )
    assert (
        client.post(
            reverse("accounts:signup"), {"full_name": "A", "email": "same@example.org"}, REMOTE_ADDR="10.0.0.9"
        ).status_code
        == 429
    )


def test_a_signed_in_person_is_sent_home(client, make_user):
    client.force_login(make_user())
    assert client.get(reverse("accounts:signup")).status_code == 302


def test_the_sign_in_page_offers_sign_up(client):
    assert 'href="/accounts/signup/"' in client.get(reverse("accounts:login")).content.decode()


def test_the_token_never_reaches_the_request_log(client, run_tasks, caplog):
    """The link's token carries the address: it travels in the query string, which the request
    log leaves out."""
    sign_up(client, email="logged@example.org")
    run_tasks()
    link = link_from_last_email()
    assert link.startswith("/accounts/signup/confirm/?token=")
    with caplog.at_level("INFO"):
        client.get(link)
    logged = [r for r in caplog.records if r.name == "medijourney.request"]
    assert [r.path for r in logged] == ["/accounts/signup/confirm/"]  # the request was logged …
    assert not any("logged@example.org" in str(v) or "token" in str(v) for r in logged for v in vars(r).values())
