"""The admin role's home links to /admin/ (issue 10, item 15); demo names carry no role, so pages
that add the role never show it twice (item 14)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.accounts.services import DEMO_PEOPLE, demo_accounts_ensure, demo_email

pytestmark = pytest.mark.django_db


def test_the_admins_home_links_to_the_admin_site(client, make_user):
    client.force_login(make_user(Role.ADMIN))
    page = client.get(reverse("accounts:home"), follow=True).content.decode()
    assert 'href="/admin/"' in page and "Open the administration site" in page


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_no_other_role_is_offered_the_admin_site(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("accounts:dashboard")).content.decode().count('href="/admin/"') == 0


@override_settings(DEMO_MODE=True)
def test_demo_names_carry_no_role_and_old_ones_are_corrected():
    assert all("(" not in name for name, _languages in DEMO_PEOPLE.values())
    demo_accounts_ensure()
    User.objects.filter(email=demo_email(Role.CASE_MANAGER)).update(full_name="Carlos Demo (case manager)")
    demo_accounts_ensure()
    assert User.objects.get(email=demo_email(Role.CASE_MANAGER)).full_name == "Carlos Demo"
