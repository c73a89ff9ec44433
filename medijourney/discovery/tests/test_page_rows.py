"""The page's rows kept per index version (``discovery/search/pagerows.py``): a repeated search
reads only the change log, and every write to a row a page shows (however it was made) shows on
the next search, as it did when every search read the page from the database."""

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from medijourney.catalog.models import Country
from medijourney.discovery.search import pagerows
from medijourney.discovery.tests.world import add_hospital, build_world
from medijourney.network.models import Accreditation, AccreditationBody, Doctor, Hospital, Offer

pytestmark = pytest.mark.django_db


def search(client: Any, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/search", {"procedure": "knee-replacement", "limit": 10, **params})
    assert response.status_code == 200
    return response.json()


def queries(client: Any, **params: Any) -> tuple[int, dict[str, Any]]:
    with CaptureQueriesContext(connection) as ctx:
        body = search(client, **params)
    return len(ctx.captured_queries), body


def two_hospitals(client: Any) -> Any:
    world = build_world()
    add_hospital(world, "one", country_code="IN", city="New Delhi", airport_code="DEL", doctors=1,
                 languages=["hi"])  # fmt: skip
    add_hospital(world, "two", country_code="TH", city="Bangkok", airport_code="BKK", doctors=1)
    search(client)  # the indexes and the reference snapshot are read; the page's rows are kept
    return world


def item(body: dict[str, Any], name: str) -> dict[str, Any]:
    return next(i for i in body["items"] if i["hospital"]["name"] == name)


def quality_text(row: dict[str, Any]) -> str:
    return next(t["explanation"] for t in row["score"]["terms"] if t["name"] == "quality")


def test_a_repeated_search_does_not_read_the_page_again(client, settings):
    two_hospitals(client)
    kept, first = queries(client)
    settings.DISCOVERY_PAGE_ROWS = False
    read, second = queries(client)
    assert read == kept + 1  # the page query, and nothing else, is what the kept rows save
    assert second == first  # the same document either way
    assert pagerows.size() > 0


def test_a_search_with_other_quality_questions_reads_the_page(client):
    """The quality columns depend on the language and the bodies asked about: not shared."""
    two_hospitals(client)
    kept, _ = queries(client)
    other, body = queries(client, language="hi")
    assert other == kept + 1
    assert "speaks hi" in quality_text(item(body, "One Hospital"))
    assert queries(client, language="hi")[0] == kept


def test_every_write_a_page_shows_is_seen_on_the_next_search(client):
    world = two_hospitals(client)
    one = world.hospitals["one"]
    # the hospital's name, by a queryset update (no save(), no signal)
    Hospital.objects.filter(pk=one.pk).update(name="Renamed Hospital")
    assert item(search(client), "Renamed Hospital")["hospital"]["city"] == "New Delhi"
    # the offer's waiting time
    Offer.objects.filter(pk=world.offers["one"].pk).update(wait_days=40)
    assert item(search(client), "Renamed Hospital")["offer"]["wait_days"] == 40
    # the country's name (reference data: the index reloads)
    Country.objects.filter(code="TH").update(name="Kingdom of Thailand")
    assert item(search(client), "Two Hospital")["hospital"]["country_name"] == "Kingdom of Thailand"
    # an accreditation body's name (a detail row of the page)
    accreditation = Accreditation.objects.filter(hospital=one).first()
    assert accreditation is not None
    AccreditationBody.objects.filter(pk=accreditation.body_id).update(name="Renamed Body")
    hospital = item(search(client), "Renamed Hospital")["hospital"]
    assert hospital["accreditations"][0]["body_name"] == "Renamed Body"
    # a doctor's languages (a detail row of the page)
    assert "speaks ar" not in quality_text(item(search(client, language="ar"), "Renamed Hospital"))
    Doctor.objects.filter(hospital=one).update(languages=["ar"])
    assert "speaks ar" in quality_text(item(search(client, language="ar"), "Renamed Hospital"))
    # a price
    Offer.objects.filter(pk=world.offers["two"].pk).update(price_min=Decimal("100"), price_max=Decimal("100"))
    assert Decimal(item(search(client), "Two Hospital")["offer"]["price_point"]) == Decimal("100.00")


def test_a_hospital_leaving_the_network_is_gone_on_the_next_search(client):
    world = two_hospitals(client)
    search(client)
    Hospital.objects.filter(pk=world.hospitals["one"].pk).update(status=Hospital.Status.SUSPENDED)
    assert [i["hospital"]["name"] for i in search(client)["items"]] == ["Two Hospital"]


def test_the_kept_rows_stay_bounded(client, monkeypatch):
    monkeypatch.setattr(pagerows, "SIZE", 3)
    two_hospitals(client)
    search(client, language="hi")
    search(client, language="en")
    assert pagerows.size() <= 3
