import pytest

from medijourney.discovery.tests.world import standard_world

pytestmark = pytest.mark.django_db


def test_smoke(client):
    standard_world()
    r = client.get("/api/v1/search", {"procedure": "knee-replacement", "origin": "GB", "currency": "GBP"})
    assert r.status_code == 200, r.content
    body = r.json()
    print([(i["hospital"]["name"], i["trip_estimate"]["total"], i["score"]["total"]) for i in body["items"]])
    assert body["count"] == 3
