"""Regression tests for the security review (issue 11): the second factor cannot be skipped with
a header, tokens need a session that passed it, the login lockout counts an address however it
is written, the admin sign-in sits behind the same lockout and limits, and password resets are
limited per address."""

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from medijourney.accounts.models import ApiToken
from medijourney.accounts.roles import STAFF_ROLES, Role
from medijourney.accounts.services import api_token_issue
from medijourney.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db

WRONG = "wrong password 123"
STAFF_PAGES = ["/cases/", "/partner/requests/", "/network/queue/", "/admin/", "/accounts/dashboard/"]


def password_only(user, password) -> Client:
    client = Client(enforce_csrf_checks=False)
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": password})
    assert response.status_code == 302
    return client


# --- 1. the second factor --------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(STAFF_ROLES))
@pytest.mark.parametrize("bearer", ["Bearer x", "Bearer mjt_not-a-token", "bearer x"])
def test_a_bearer_header_does_not_skip_the_second_factor(make_user, password, role, bearer):
    staff = make_user(role)
    client = password_only(staff, password)
    for url in STAFF_PAGES:
        response = client.get(url, headers={"Authorization": bearer})
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/2fa/"), url
    me = client.get("/api/v1/me", headers={"Authorization": bearer})
    assert me.status_code == 403 and "Two-step" in me.json()["detail"]
    minted = client.post(
        "/api/v1/tokens", {"name": "backdoor"}, content_type="application/json", headers={"Authorization": bearer}
    )
    assert minted.status_code == 403
    assert not ApiToken.objects.filter(user=staff).exists()


def test_an_unverified_session_with_its_own_valid_token_still_gets_only_the_second_factor(make_user, password):
    partner = make_user(Role.PARTNER)
    raw = api_token_issue(user=partner, name="HIS").raw
    client = password_only(partner, password)
    assert client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {raw}"}).status_code == 403
    assert client.get("/partner/requests/", headers={"Authorization": f"Bearer {raw}"}).status_code == 302
    # The token on its own (no session) is a token-authenticated request and works.
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200


@override_settings(DEMO_MODE=True)
def test_creating_a_token_needs_a_session_that_passed_the_second_factor(make_user, password):
    demo_partner = make_user(Role.PARTNER)
    demo_partner.is_demo = True  # in demo mode the demo accounts skip the second factor for pages
    demo_partner.save()
    client = password_only(demo_partner, password)
    assert client.get("/partner/requests/").status_code == 200
    refused = client.post("/api/v1/tokens", {"name": "HIS"}, content_type="application/json")
    assert refused.status_code == 403 and "two-step" in refused.json()["detail"].lower()
    assert not ApiToken.objects.filter(user=demo_partner).exists()
    assert AuditEvent.objects.filter(action="api_token.issue", outcome="denied").exists()
    verified = Client()
    verified.force_login(demo_partner)  # password and second factor
    assert verified.post("/api/v1/tokens", {"name": "HIS"}, content_type="application/json").status_code == 201


def test_a_bearer_token_cannot_mint_another_token(make_user):
    partner = make_user(Role.PARTNER)
    raw = api_token_issue(user=partner, name="HIS").raw
    response = Client().post(
        "/api/v1/tokens", {"name": "more"}, content_type="application/json", headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 401
    assert ApiToken.objects.filter(user=partner).count() == 1


# --- 2. the lockout --------------------------------------------------------------------------


def login(client: Client, email: str, password: str = WRONG, url: str = "/accounts/login/"):
    return client.post(url, {"username": email, "password": password})


def test_the_lockout_counts_every_spelling_of_an_address_as_one(make_user, password, settings):
    make_user(email="u@example.org")
    client = Client()
    spellings = ["u@example.org", "U@EXAMPLE.ORG", "U@example.org", " u@Example.Org ", "u@EXAMPLE.org"]
    statuses = [login(client, spelling).status_code for spelling in spellings[: settings.AXES_FAILURE_LIMIT]]
    assert statuses[-1] == 429 and set(statuses[:-1]) == {200}
    for spelling in [*spellings, "U@Example.ORG"]:
        assert login(client, spelling, password).status_code == 429, spelling
    assert "_auth_user_id" not in client.session


def test_a_success_clears_only_its_own_address_and_spelling_does_not_matter(make_user, password, settings):
    user = make_user(email="v@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(Client(REMOTE_ADDR="10.0.0.1"), "V@EXAMPLE.ORG")
    ok = login(Client(REMOTE_ADDR="10.0.0.2"), "V@Example.org", password)
    assert ok.status_code == 302
    # the success from another address did not wipe the failures counted from the first one
    assert login(Client(REMOTE_ADDR="10.0.0.1"), user.email).status_code == 429


def test_the_admin_sign_in_is_the_site_sign_in(make_user, password):
    client = Client()
    response = client.get("/admin/login/?next=/admin/cases/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    posted = client.post("/admin/login/", {"username": "x@example.org", "password": WRONG})
    assert posted.status_code == 302 and posted["Location"].startswith(reverse("accounts:login"))


def test_admin_sign_in_attempts_are_locked_out_and_rate_limited_like_the_site(make_user, settings):
    make_user(Role.ADMIN, email="ops@example.org")
    client = Client()
    entry = client.get("/admin/")
    assert entry.status_code == 302
    sign_in = client.get(entry["Location"], follow=True).redirect_chain[-1][0]
    assert sign_in.startswith(reverse("accounts:login"))
    statuses = [login(client, "OPS@example.org", url=sign_in).status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses[-1] == 429 and set(statuses[:-1]) == {200}
    # /admin/login/ checks no password at all, so it cannot be used to guess around the limit
    limit = settings.RATE_LIMITS["login"][0]
    spray = Client(REMOTE_ADDR="10.9.9.9")
    assert {login(spray, f"guess{i}@example.org", url="/admin/login/").status_code for i in range(limit + 2)} == {302}
    form = [login(spray, f"more{i}@example.org").status_code for i in range(limit + 1)]
    assert form[-1] == 429 and set(form[:-1]) == {200}


def test_a_signed_in_person_without_admin_access_gets_403_not_a_redirect_loop(make_user):
    client = Client()
    client.force_login(make_user(Role.PATIENT))
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="admin.login", outcome="denied").exists()


# --- 6. password reset -----------------------------------------------------------------------


def test_password_reset_for_one_address_is_limited(make_user, settings):
    user = make_user(email="reset@example.org")
    limit = settings.RATE_LIMITS["password_reset_email"][0]
    statuses = []
    for i in range(limit + 2):
        client = Client(REMOTE_ADDR=f"10.1.0.{i + 1}")  # a flood from many addresses
        spelling = user.email.upper() if i % 2 else user.email
        statuses.append(client.post(reverse("accounts:password_reset"), {"email": spelling}).status_code)
    assert statuses[:limit] == [302] * limit
    assert statuses[limit:] == [429, 429]
    assert len(mail.outbox) == limit


def test_password_reset_requests_from_one_client_address_are_limited(settings):
    limit = settings.RATE_LIMITS["password_reset"][0]
    client = Client(REMOTE_ADDR="10.2.0.1")
    statuses = [
        client.post(reverse("accounts:password_reset"), {"email": f"someone{i}@example.org"}).status_code
        for i in range(limit + 1)
    ]
    assert statuses[-1] == 429 and set(statuses[:-1]) == {302}
    assert client.post(reverse("accounts:password_reset"), {"email": "x@example.org"})["Retry-After"]
