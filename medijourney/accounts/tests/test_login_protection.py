import http.server
import threading

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from medijourney.accounts.services import user_create
from medijourney.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db


WRONG = "wrong password 123"


def attempt(client, email, password=WRONG):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_lockout_after_repeated_failures_answers_429_with_retry_after(make_user, password, settings):
    user = make_user()
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, user.email).status_code == 200
    locked = attempt(client, user.email)
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0
    # even the right password is refused while locked
    assert attempt(client, user.email, password).status_code == 429
    assert AuditEvent.objects.filter(action="auth.lockout", outcome="denied").exists()


def test_unknown_email_is_locked_out_the_same_way(settings):
    client = Client()
    responses = [attempt(client, "nobody@example.test").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert responses[-1] == 429 and set(responses[:-1]) == {200}


@override_settings(RATE_LIMITS={**__import__("django.conf").conf.settings.RATE_LIMITS, "login": (3, 300)})
def test_per_address_rate_limit_across_many_emails():
    client = Client()
    statuses = [attempt(client, f"user{i}@example.test").status_code for i in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_long_passphrases_are_accepted_and_common_passwords_refused(client):
    passphrase = "correct horse battery staple " * 8
    user = user_create(email="long@example.test", password=passphrase)
    assert attempt(client, user.email, passphrase).status_code == 302
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("password123")
    validate_password(passphrase)


class _RangeHandler(http.server.BaseHTTPRequestHandler):
    # Answers like api.pwnedpasswords.com/range/<prefix>: SUFFIX:COUNT lines.
    def do_GET(self):
        import hashlib

        breached = hashlib.sha1(b"Tr0ub4dor&3-but-breached", usedforsecurity=False).hexdigest().upper()
        body = (
            f"{breached[5:]}:42\r\n0000000000000000000000000000000000A:0\r\n"
            if self.path.endswith(breached[:5])
            else ""
        )
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


def test_breached_password_check_against_a_range_api():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    server = http.server.HTTPServer(("127.0.0.1", 0), _RangeHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with override_settings(PWNED_PASSWORDS_URL=f"http://127.0.0.1:{server.server_port}/range/"):
            with pytest.raises(ValidationError, match="data breach"):
                validate_password("Tr0ub4dor&3-but-breached")
            validate_password("an unbreached and long passphrase")
        with override_settings(PWNED_PASSWORDS_URL="http://127.0.0.1:1/range/"):
            validate_password("Tr0ub4dor&3-but-breached")  # service down: offline checks only
    finally:
        server.shutdown()
