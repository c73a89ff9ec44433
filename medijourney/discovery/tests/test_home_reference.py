"""Savings against real home-country figures (issue 18): a US patient's knee replacement is compared
with Medicare's average payment (FY2011), a UK patient's with the average NHS cost per case; the
label and the year are in every savings explanation, in the API and on the page."""

import pytest
from django.urls import reverse

from medijourney.catalog.importing import registered_importers, run_importer
from medijourney.catalog.models import ReferencePrice
from medijourney.discovery.tests.world import standard_world

pytestmark = pytest.mark.django_db


def import_reference_prices() -> None:
    """As ``import_reference_data`` does it (recorded, so the search's reference snapshot is renewed)."""
    outcome = run_importer(next(i for i in registered_importers() if i.name == "reference_prices"))
    assert outcome.status not in ("failed", "missing"), outcome


def savings(client, **params):
    body = client.get("/api/v1/search", {"procedure": "knee-replacement", **params}).json()
    return [item["savings"] for item in body["items"]]


def test_a_us_patient_sees_savings_against_the_medicare_payment_with_its_year(client):
    standard_world()
    assert {s["status"] for s in savings(client, origin="US", currency="USD")} == {"no_reference"}
    import_reference_prices()
    found = savings(client, origin="US", currency="USD")
    assert found and all(s["reference"]["dataset"] == "cms_drg" for s in found)
    first = found[0]
    assert (
        first["reference"]["price"] == "14328.81" and first["reference"]["data_year"] == "US federal fiscal year 2011"
    )
    assert "average Medicare payment per stay in 2011, not what an uninsured patient pays" in first["explanation"]
    assert "US federal fiscal year 2011" in first["explanation"]
    page = client.get(reverse("discovery:search"), {"procedure": "knee-replacement", "origin": "US", "currency": "USD"})
    text = page.content.decode()
    assert "not what an uninsured patient pays" in text and "2011" in text


def test_a_uk_patient_is_compared_with_the_lowest_figure_which_is_the_nhs_cost_labelled_as_such(client):
    standard_world()
    import_reference_prices()  # the world's factory figure is pruned: what is imported is what there is
    nhs = ReferencePrice.objects.filter(procedure__slug="knee-replacement", dataset="nhs_ncc")
    assert nhs.count() == 2
    found = savings(client, origin="GB", currency="GBP")
    ref = found[0]["reference"]
    assert ref["dataset"] == "nhs_ncc" and ref["other_figures"] == 1  # the other NHS year
    assert ref["price"] == str(
        min(r.price for r in nhs if r.price is not None)
    )  # the lowest: savings are never overstated
    assert "average NHS cost per case in England, not a private price" in found[0]["explanation"]
    assert ref["data_year"] in found[0]["explanation"]
