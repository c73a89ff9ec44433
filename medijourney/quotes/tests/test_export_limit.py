"""The partner's CSV export is rate-limited per person (issue 11, item 6)."""

import pytest
from django.test import Client
from django.urls import reverse

from .factories import partner_hospital

pytestmark = pytest.mark.django_db


def test_the_partner_csv_export_is_limited_per_person(settings):
    settings.RATE_LIMITS_ENABLED = True  # the quotes tests turn limits off; this one is about them
    limit = settings.RATE_LIMITS["partner_export"][0]
    _hospital, partner = partner_hospital()
    client = Client()
    client.force_login(partner)
    statuses = [client.get(reverse("quotes:partner_export")).status_code for _ in range(limit + 1)]
    assert statuses[:limit] == [200] * limit
    refused = client.get(reverse("quotes:partner_export"))
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert statuses[-1] == 429
    # the limit counts per person: another partner has their own allowance
    _other_hospital, colleague = partner_hospital()
    other = Client()
    other.force_login(colleague)
    assert other.get(reverse("quotes:partner_export")).status_code == 200
