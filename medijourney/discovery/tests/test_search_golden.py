"""Search and compare give the same documents before and after the engine's redesign.

``search_golden.json`` was captured from the engine as it was before ``discovery/search/`` existed
(``MJ_WRITE_GOLDEN=1`` rewrites it: only do that on purpose). The network is fixed: a frozen day,
eighteen hospitals in three countries built in a fixed order, fixed public ids, ties on purpose.
Only what factories number by process-wide sequences (accreditation and licence numbers, doctors'
names) is normalised; order, totals, scores, explanations and trip lines are compared verbatim."""

import datetime
import json
import os
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from medijourney.discovery.models import SyntheticHospital
from medijourney.discovery.tests.world import NO_IMPLANT, NO_ROOM, WHOLE, World, add_hospital, build_world
from medijourney.network.models import Doctor, Hospital, Offer

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "data" / "search_golden.json"
MOMENT = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)

# (key, country, city, airport, price, currency, wait, inclusions, bodies, doctors, languages)
HOSPITALS: list[tuple[Any, ...]] = [
    ("delhi", "IN", "New Delhi", "DEL", ("3000", "4000"), "USD", 7, None, ("NABH",), 1, None),
    ("bangkok", "TH", "Bangkok", "BKK", ("6000", "8000"), "USD", 21, None, ("JCI",), 2, None),
    ("istanbul", "TR", "Istanbul", "IST", ("9000", "11000"), "USD", 30, None, ("JCI", "NABH"), 3, ["en", "ar"]),
    ("agra", "IN", "Agra", "DEL", ("250000", "320000"), "INR", 10, None, ("NABH",), 0, ["hi"]),
    ("pune", "IN", "New Delhi", "DEL", ("3000", "4000"), "USD", 7, None, ("NABH",), 1, None),  # ties delhi
    ("noida", "IN", "Noida", "DEL", ("3000", "4000"), "USD", 7, NO_IMPLANT, ("NABH",), 1, None),
    ("jaipur", "IN", "Jaipur", "DEL", ("2800", "5200"), "USD", None, None, ("JCI",), 0, ["en"]),
    ("phuket", "TH", "Phuket", "BKK", ("180000", "240000"), "THB", 14, NO_ROOM, ("JCI",), 1, ["en"]),
    ("chiang", "TH", "Bangkok", "BKK", ("6000", "8000"), "USD", 21, None, ("JCI",), 2, None),  # ties bangkok
    ("pattaya", "TH", "Pattaya", "BKK", ("5500", "9000"), "USD", 45, WHOLE, ("JCI", "NABH"), 0, None),
    ("hua", "TH", "Hua Hin", "BKK", ("7000", "7000"), "USD", 3, None, ("JCI",), 4, ["en", "th"]),
    ("ankara", "TR", "Ankara", "IST", ("8000", "10000"), "USD", 12, None, ("JCI",), 1, ["tr"]),
    ("izmir", "TR", "Izmir", "IST", ("7500", "9500"), "EUR", 20, None, ("JCI",), 2, ["en"]),
    ("antalya", "TR", "Antalya", "IST", ("6500", "8500"), "GBP", 60, NO_IMPLANT, ("JCI",), 0, None),
    ("bursa", "TR", "Bursa", "IST", ("9000", "11000"), "USD", 30, None, ("JCI", "NABH"), 3, ["en", "ar"]),
    ("kochi", "IN", "Kochi", "DEL", ("4100", "4300"), "USD", 25, None, ("NABH", "JCI"), 2, ["en", "ml"]),
    ("mumbai", "IN", "Mumbai", "DEL", ("3900", "6100"), "USD", 5, None, ("JCI",), 3, ["en", "hi"]),
    ("krabi", "TH", "Krabi", "BKK", ("4000", "4500"), "USD", 90, None, ("JCI",), 0, None),
]

SEARCHES: list[dict[str, Any]] = [
    {},
    {"origin": "GB", "origin_airport": "LHR", "currency": "GBP", "language": "en"},
    {"origin": "GB", "origin_city": "Manchester", "currency": "GBP", "companion": "true"},
    {"origin": "US", "currency": "USD", "w_cost": 10, "w_wait": 0, "w_travel": 0, "w_quality": 0},
    {"origin": "GB", "currency": "EUR", "w_cost": 0, "w_wait": 10, "w_travel": 0, "w_quality": 0},
    {"origin": "GB", "currency": "GBP", "w_cost": 0, "w_wait": 0, "w_travel": 0, "w_quality": 10},
    {"origin": "GB", "currency": "GBP", "budget": "9000"},
    {"origin": "GB", "currency": "GBP", "destination": "TH", "accreditation": ["JCI"]},
    {"origin": "GB", "currency": "GBP", "accreditation": ["NABH"], "language": "ar"},
    {"origin": "GB", "origin_airport": "LHR", "max_flight_hours": "6"},
    {"origin": "GB", "passport": "IN", "currency": "INR", "travel_from": "2026-04-01", "travel_to": "2026-04-20"},
    {"origin": "GB", "currency": "GBP", "offset": 5, "limit": 4},
    {"origin": "GB", "currency": "GBP", "offset": 16, "limit": 10},
    {"origin": "GB", "currency": "GBP", "budget": "10"},
    {"procedure": "cataract-surgery", "origin": "GB"},
]

_SEQUENCED = [
    (re.compile(r"H-2024-\d+"), "H-2024-#"),
    (re.compile(r"NMC-\d+"), "NMC-#"),
    (re.compile(r"Dr Test \d+"), "Dr Test #"),
]


def golden_network() -> World:
    world = build_world()
    for n, (key, code, city, airport, price, currency, wait, inclusions, bodies, doctors, languages) in enumerate(
        HOSPITALS, start=1
    ):
        add_hospital(
            world,
            key,
            country_code=code,
            city=city,
            airport_code=airport,
            price=price,
            currency=currency,
            wait_days=wait,
            inclusions=dict(inclusions) if inclusions is not None else None,
            bodies=bodies,
            doctors=doctors,
            languages=languages,
        )
        Hospital.objects.filter(pk=world.hospitals[key].pk).update(public_id=uuid.UUID(int=1000 + n))
        Offer.objects.filter(pk=world.offers[key].pk).update(public_id=uuid.UUID(int=2000 + n))
    for i, pk in enumerate(Doctor.objects.order_by("pk").values_list("pk", flat=True)):
        Doctor.objects.filter(pk=pk).update(public_id=uuid.UUID(int=3000 + i), full_name=f"Dr Golden {i:02d}")
    # A hospital outside the network (suspended) and a synthetic one never appear.
    add_hospital(world, "closed", country_code="IN", city="Goa", airport_code="DEL", price=("100", "200"))
    Hospital.objects.filter(pk=world.hospitals["closed"].pk).update(
        status=Hospital.Status.SUSPENDED, suspended_at=MOMENT, public_id=uuid.UUID(int=999)
    )
    add_hospital(world, "synthetic", country_code="TH", city="Bangkok", airport_code="BKK", price=("100", "200"))
    SyntheticHospital.objects.create(hospital=world.hospitals["synthetic"], batch="golden")
    return world


def normalise(body: Any) -> Any:
    text = json.dumps(body, sort_keys=True)
    for pattern, replacement in _SEQUENCED:
        text = pattern.sub(replacement, text)
    return json.loads(text)


def documents(client: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i, params in enumerate(SEARCHES):
        response = client.get("/api/v1/search", {"procedure": "knee-replacement", **params})
        assert response.status_code == 200, response.content
        out[f"search {i}: {json.dumps(params, sort_keys=True)}"] = normalise(response.json())
    offers = [str(uuid.UUID(int=2000 + n)) for n in (3, 1, 8, 14)]
    for params in ({"origin": "GB", "currency": "GBP"}, {"origin": "US", "companion": "true"}):
        response = client.get("/api/v1/compare", {"procedure": "knee-replacement", "offers": offers, **params})
        assert response.status_code == 200, response.content
        out[f"compare: {json.dumps(params, sort_keys=True)}"] = normalise(response.json())
    return out


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(MOMENT, tick=False):
        yield


def test_search_and_compare_documents_are_unchanged_on_a_fixed_network(client, frozen):
    golden_network()
    got = documents(client)
    if os.environ.get("MJ_WRITE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(got, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    expected = json.loads(GOLDEN.read_text())
    assert sorted(got) == sorted(expected)
    for name, document in expected.items():
        assert got[name] == document, name


def test_the_golden_network_shows_ties_and_leaves_out_who_is_not_in_the_network(client, frozen):
    """The fixed network exercises what it claims to (a guard on the golden file itself)."""
    golden_network()
    body = client.get("/api/v1/search", {"procedure": "knee-replacement", "limit": 50}).json()
    names = [i["hospital"]["name"] for i in body["items"]]
    assert body["count"] == len(HOSPITALS) == len(names)
    assert "Closed Hospital" not in names and "Synthetic Hospital" not in names
    totals = {i["hospital"]["name"]: i["score"]["total"] for i in body["items"]}
    assert totals["Delhi Hospital"] == totals["Pune Hospital"]  # a tie, broken by name
    assert names.index("Delhi Hospital") < names.index("Pune Hospital")
    assert totals["Bangkok Hospital"] == totals["Chiang Hospital"]
    assert names.index("Bangkok Hospital") < names.index("Chiang Hospital")


@pytest.mark.parametrize("page_rows", [True, False])
def test_queries_per_search_do_not_grow_with_the_network(client, frozen, settings, page_rows):
    """At 1x and at 10x the fixed network's offers, a search costs the same number of queries
    (with the page's rows kept per index version, and reading them every time)."""
    settings.DISCOVERY_PAGE_ROWS = page_rows
    world = golden_network()

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/v1/search", {"procedure": "knee-replacement", "origin": "GB", "limit": 20})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    count()  # warm the per-process reference snapshot
    at_1x = count()
    base = len(HOSPITALS)
    for n in range(base * 9):
        key, code, city, airport, price, currency, wait, inclusions, bodies, doctors, languages = HOSPITALS[n % base]
        add_hospital(
            world,
            f"{key}{n}",
            name=f"{key.title()} {n} Hospital",
            country_code=code,
            city=city,
            airport_code=airport,
            price=price,
            currency=currency,
            wait_days=wait,
            inclusions=dict(inclusions) if inclusions is not None else None,
            bodies=bodies,
            doctors=min(doctors, 1),
            languages=languages,
        )
    assert client.get("/api/v1/search", {"procedure": "knee-replacement", "limit": 1}).json()["count"] == base * 10
    count()
    at_10x = count()
    assert at_10x == at_1x
