"""make_synthetic_network: benchmark rows, flagged and never shown outside the benchmark."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from medijourney.discovery.models import SyntheticHospital
from medijourney.discovery.tests.world import standard_world
from medijourney.network.models import Hospital, Offer

pytestmark = pytest.mark.django_db


def test_adds_flagged_hospitals_with_offers_and_removes_them(client):
    standard_world()
    out = StringIO()
    call_command("make_synthetic_network", "6", "--offer-hospitals", "4", "--offers-per-hospital", "2", stdout=out)
    assert "Added 6 synthetic hospitals (4 with 2 offers each)" in out.getvalue()
    synthetic = Hospital.objects.filter(synthetic_marker__isnull=False)
    assert synthetic.count() == 6 == SyntheticHospital.objects.count()
    assert all(h.is_demo and "Synthetic" in h.name and h.nearest_airport_id for h in synthetic)
    offers = Offer.objects.filter(hospital__in=synthetic)
    assert offers.count() == 4  # the only procedure real offers cover is the knee: one each
    assert all(o.is_demo and "Synthetic benchmark row" in o.source_note for o in offers)

    real = client.get("/api/v1/search", {"procedure": "knee-replacement", "limit": 100}).json()
    assert real["count"] == 3
    with override_settings(DISCOVERY_INCLUDE_SYNTHETIC=True):
        bench = client.get("/api/v1/search", {"procedure": "knee-replacement", "limit": 100}).json()
        assert bench["count"] == 7
        with override_settings(DEMO_MODE=True):
            page = client.get(reverse("discovery:search"), {"procedure": "knee-replacement"}).content.decode()
            assert "Synthetic" not in page

    call_command("make_synthetic_network", "0", "--remove", stdout=out)
    assert not Hospital.objects.filter(name__startswith="Synthetic").exists()
    assert not SyntheticHospital.objects.exists()


def test_refused_in_demo_mode():
    standard_world()
    with override_settings(DEMO_MODE=True), pytest.raises(CommandError, match="demo mode"):
        call_command("make_synthetic_network", "3")
    assert not SyntheticHospital.objects.exists()


def test_needs_a_network_to_copy_places_from():
    with pytest.raises(CommandError, match="No hospital in the network"):
        call_command("make_synthetic_network", "3")
