"""The search index (``discovery/search/index.py`` and ``vector.py``): the same results as ranking
every candidate in Python (the engine before the index, ``search.rank``), and never stale: every
kind of write to the network shows on the next search, however it was made."""

import datetime
import random
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from medijourney.discovery.models import SearchChange
from medijourney.discovery.params import RawSearch, Weights, resolve_search
from medijourney.discovery.schemas import ExclusionOut
from medijourney.discovery.search import engine
from medijourney.discovery.search.candidates import search_candidates
from medijourney.discovery.search.index import INDEXES, ChangeFeed
from medijourney.discovery.search.rank import rank
from medijourney.discovery.tests.world import NO_IMPLANT, NO_ROOM, ROOM, WHOLE, World, add_hospital, build_world
from medijourney.network.models import Accreditation, Doctor, DoctorLicence, Hospital, Offer

pytestmark = pytest.mark.django_db

PLACES = [
    ("IN", "New Delhi", "DEL"),
    ("TH", "Bangkok", "BKK"),
    ("TR", "Istanbul", "IST"),
    ("IN", "Agra", "DEL"),
    ("IN", "Mumbai", "DEL"),
]  # Mumbai: a lodging rate with seasons (the waiting time moves the first night)
PRICES = [(("3000", "4000"), "USD"), (("2800", "5200"), "USD"), (("250000", "320000"), "INR"),
          (("7500", "9500"), "EUR"), (("6500", "8500"), "GBP"), (("180000", "240000"), "THB"),
          (("7000", "7000"), "USD")]  # fmt: skip
INCLUSIONS = [None, WHOLE, ROOM, NO_ROOM, NO_IMPLANT]


def random_network(world: World, n: int, seed: int) -> None:
    rng = random.Random(seed)
    for i in range(n):
        code, city, airport = rng.choice(PLACES)
        price, currency = rng.choice(PRICES)
        inclusions = rng.choice(INCLUSIONS)
        add_hospital(
            world,
            f"r{i}",
            name=rng.choice(["Alpha", "beta", "Gamma", "Delta"]) + f" {i % 7} Hospital",  # ties on purpose
            country_code=code,
            city=city,
            airport_code=airport,
            price=price,
            currency=currency,
            wait_days=rng.choice([None, 3, 7, 14, 30]),
            inclusions=dict(inclusions) if inclusions else None,
            bodies=rng.choice([("JCI",), ("NABH",), ("JCI", "NABH")]),
            doctors=rng.choice([0, 1, 2, 4]),
            languages=rng.choice([None, ["en"], ["en", "ar"], ["hi"], ["EN-gb"]]),
        )


def random_raw(rng: random.Random) -> RawSearch:
    w = rng.choice([(4, 2, 2, 2), (10, 0, 0, 0), (0, 0, 0, 10), (0, 10, 0, 0), (2, 5, 5, 2), (0, 0, 10, 0)])
    return RawSearch(
        procedure="knee-replacement",
        origin=rng.choice(["GB", "US", "DE", ""]),
        currency=rng.choice(["USD", "GBP", "EUR", "INR"]),
        passport=rng.choice(["", "", "IN", "GB"]),
        destination=rng.choice(["", "", "", "TH", "IN"]),
        budget=rng.choice([None, None, Decimal("9000"), Decimal("12000.50"), Decimal("100")]),
        language=rng.choice(["", "", "en", "ar"]),
        accreditation=rng.choice([(), (), ("JCI",), ("NABH",)]),
        max_flight_hours=rng.choice([None, None, Decimal("6"), Decimal("11.5")]),
        companion=rng.random() < 0.2,
        weights=Weights(*w),
    )


def oracle(raw: RawSearch, offset: int, limit: int) -> dict[str, Any]:
    """Every candidate ranked in Python, as the engine did before the index."""
    query = resolve_search(raw)
    assert query.procedure is not None and query.procedure_pk is not None
    cands = search_candidates(
        procedure_pk=query.procedure_pk,
        specialty=query.procedure.specialty,
        today=query.today,
        language=query.language,
        bodies=query.bodies,
    )
    ranked = rank(query, cands)
    return {
        "count": len(ranked.scored),
        "candidates": ranked.candidates,
        "exclusions": [ExclusionOut.of(e).model_dump() for e in ranked.exclusions],
        "page": [(str(c.offer_id), float(t.total)) for _f, c, t in ranked.scored[offset : offset + limit]],
        "bounds": ranked.bounds,
    }


def indexed(raw: RawSearch, offset: int, limit: int) -> dict[str, Any]:
    query = resolve_search(raw)
    result = engine.search(query, offset=offset, limit=limit)
    _key, found = engine._found(query, offset + limit)
    return {
        "count": result.count,
        "candidates": result.candidates,
        "exclusions": [ExclusionOut.of(e).model_dump() for e in result.exclusions],
        "page": [(str(r.cand.offer_id), float(r.estimate.total)) for r in result.rows],
        "bounds": found.selection.bounds,
    }


def test_the_index_ranks_exactly_as_every_candidate_in_python(settings):
    settings.DISCOVERY_RESULT_MEMO = False
    world = build_world()
    random_network(world, 60, seed=7)
    rng = random.Random(3)
    checked = 0
    for _ in range(60):
        raw = random_raw(rng)
        offset, limit = rng.choice([(0, 10), (0, 20), (5, 4), (12, 10), (0, 1), (40, 30)])
        expected, got = oracle(raw, offset, limit), indexed(raw, offset, limit)
        assert got == expected, raw
        checked += bool(expected["page"])
    assert checked >= 15  # enough of the searches had results to compare


def test_ties_by_name_and_id_are_kept_across_the_page_boundary(settings):
    """Many offers identical in everything but the name: the page boundary falls inside the tie."""
    settings.DISCOVERY_RESULT_MEMO = False
    world = build_world()
    for i in range(30):
        add_hospital(world, f"t{i}", name=f"{'ZYXWVUTSRQ'[i % 10]} Twin {i} Hospital", country_code="IN",
                     city="New Delhi", airport_code="DEL", inclusions=dict(WHOLE))  # fmt: skip
    raw = RawSearch(procedure="knee-replacement", origin="GB", weights=Weights(0, 0, 0, 10))
    for offset, limit in [(0, 7), (7, 7), (25, 10)]:
        assert indexed(raw, offset, limit)["page"] == oracle(raw, offset, limit)["page"]


def search_ids(client: Any, **params: Any) -> list[str]:
    body = client.get("/api/v1/search", {"procedure": "knee-replacement", "limit": 50, **params}).json()
    return [item["hospital"]["name"] for item in body["items"]]


def test_every_kind_of_write_shows_on_the_next_search(client):
    world = build_world()
    for key in ("one", "two", "three"):
        add_hospital(world, key, country_code="IN", city="New Delhi", airport_code="DEL", doctors=1)
    assert sorted(search_ids(client)) == ["One Hospital", "Three Hospital", "Two Hospital"]
    # a queryset update (no signal, no save()): suspension
    Hospital.objects.filter(pk=world.hospitals["one"].pk).update(status=Hospital.Status.SUSPENDED)
    assert "One Hospital" not in search_ids(client)
    # a bulk update of prices
    Offer.objects.filter(pk=world.offers["two"].pk).update(price_min=Decimal("100"), price_max=Decimal("100"))
    body = client.get("/api/v1/search", {"procedure": "knee-replacement", "destination": "IN"}).json()
    two = next(i for i in body["items"] if i["hospital"]["name"] == "Two Hospital")
    assert Decimal(two["offer"]["price_point"]) == Decimal("100.00")
    # a withdrawn accreditation takes the hospital out of the network
    Accreditation.objects.filter(hospital=world.hospitals["three"]).update(withdrawn_by_body=True)
    assert search_ids(client) == ["Two Hospital"]
    # a deleted offer, and a new hospital made with bulk_create
    Offer.objects.filter(pk=world.offers["two"].pk).delete()
    assert search_ids(client) == []
    add_hospital(world, "four", country_code="TH", city="Bangkok", airport_code="BKK")
    assert search_ids(client) == ["Four Hospital"]
    # a licence lost changes the verified doctors of the quality signal
    Hospital.objects.filter(pk=world.hospitals["one"].pk).update(status=Hospital.Status.ACTIVE)
    before = client.get("/api/v1/search", {"procedure": "knee-replacement", "destination": "IN"}).json()
    assert before["items"][0]["hospital"]["verified_doctors"] == 1
    DoctorLicence.objects.filter(doctor__hospital=world.hospitals["one"]).delete()
    after = client.get("/api/v1/search", {"procedure": "knee-replacement", "destination": "IN"}).json()
    assert after["items"][0]["hospital"]["verified_doctors"] == 0
    assert after["items"][0]["score"] != before["items"][0]["score"]


def test_expiry_takes_effect_on_the_day_without_any_write(client):
    world = build_world()
    add_hospital(world, "lasting", country_code="IN", city="New Delhi", airport_code="DEL")
    add_hospital(world, "ending", country_code="IN", city="New Delhi", airport_code="DEL")
    today = timezone.localdate()
    Accreditation.objects.filter(hospital=world.hospitals["ending"]).update(valid_to=today + datetime.timedelta(days=2))
    assert len(search_ids(client)) == 2
    SearchChange.objects.all().delete()  # no change row can tell the index: only the date can
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3)):
        assert search_ids(client) == ["Lasting Hospital"]


@pytest.mark.parametrize("page_rows", [False, True])
def test_reading_changes_costs_the_same_whether_none_one_or_many_hospitals_changed(client, settings, page_rows):
    settings.DISCOVERY_PAGE_ROWS = page_rows  # the page's rows kept per index version (pagerows.py), or not
    world = build_world()
    add_hospital(world, "base", country_code="IN", city="New Delhi", airport_code="DEL")
    search_ids(client)

    def next_search_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            search_ids(client)
        return len(ctx.captured_queries)

    add_hospital(world, "more0", country_code="TH", city="Bangkok", airport_code="BKK", doctors=1)
    after_one = next_search_queries()
    for i in range(1, 10):
        add_hospital(world, f"more{i}", country_code="TH", city="Bangkok", airport_code="BKK", doctors=1)
    after_nine = next_search_queries()
    quiet = next_search_queries()
    assert after_one == after_nine  # one sync query whether 1 or 9 hospitals changed
    # nothing changed: the change log's next id is all it reads of the network (and, with the
    # page's rows kept for this index version, not the page either)
    assert quiet == after_one - (2 if page_rows else 1)
    assert len(search_ids(client)) == 11


def test_other_procedures_indexes_hear_of_the_changes_too(client):
    world = build_world()
    add_hospital(world, "one", country_code="IN", city="New Delhi", airport_code="DEL")
    search_ids(client)
    assert len(INDEXES.by_key) == 1
    Doctor.objects.create(hospital=world.hospitals["one"], full_name="Dr New", languages=["ar"])
    body = client.get("/api/v1/search", {"procedure": "knee-replacement", "language": "ar"}).json()
    assert body["items"][0]["score"]["terms"][3]["explanation"].startswith("1 current accreditation")
    assert "speaks ar" in body["items"][0]["score"]["terms"][3]["explanation"]


def test_the_change_feed_waits_for_ids_committed_late(monkeypatch):
    """PostgreSQL can commit id 11 before id 10: the log is read again from 9 until 10 appears,
    and a hole that never fills (a rolled-back transaction) is given up after a while."""
    feed = ChangeFeed()
    feed.floor = 9
    clock = [100.0]
    monkeypatch.setattr("medijourney.discovery.search.index.time.monotonic", lambda: clock[0])
    # (latest change id, hospital, changes counted) per hospital
    assert feed.advance([(11, 5, 1)]) == ({5}, False)
    assert feed.floor == 9  # id 10 is not visible yet
    assert feed.advance([(10, 6, 1), (11, 5, 1)]) == ({5, 6}, False)
    assert feed.floor == 11
    feed.advance([(13, 7, 1)])
    assert feed.floor == 11
    clock[0] += 31
    feed.advance([(13, 7, 1)])
    assert feed.floor == 13  # 12 never came
    assert feed.advance([(14, None, 1)]) == (set(), True)  # a change with no hospital: reload everything
    assert feed.floor == 14


def test_the_change_log_is_pruned_after_a_week_and_an_idle_process_reads_afresh(client, monkeypatch):
    from medijourney.discovery.search import index as index_module
    from medijourney.discovery.services import search_changes_prune

    world = build_world()
    add_hospital(world, "one", country_code="IN", city="New Delhi", airport_code="DEL")
    assert search_ids(client) == ["One Hospital"]
    written = SearchChange.objects.count()
    assert written > 0  # the triggers wrote the hospital, its accreditation and its offer
    assert search_changes_prune(timezone.now()) == 0  # nothing is a week old
    assert search_changes_prune(timezone.now() + datetime.timedelta(days=8)) == written
    # A process idle for longer than MAX_IDLE may have missed pruned changes: it reads afresh.
    Offer.objects.filter(pk=world.offers["one"].pk).update(price_min=Decimal("10"), price_max=Decimal("10"))
    SearchChange.objects.all().delete()  # as if pruned before this process read it
    clock = [index_module.time.monotonic() + index_module.MAX_IDLE + 1]
    monkeypatch.setattr(index_module.time, "monotonic", lambda: clock[0])
    body = client.get("/api/v1/search", {"procedure": "knee-replacement"}).json()
    assert Decimal(body["items"][0]["offer"]["price_point"]) == Decimal("10.00")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's row triggers log every row")
def test_a_bulk_statement_logs_one_reload_everything_row_on_postgresql(client):
    world = build_world()
    add_hospital(world, "seed", country_code="IN", city="New Delhi", airport_code="DEL")
    assert search_ids(client) == ["Seed Hospital"]
    template = world.hospitals["seed"]
    SearchChange.objects.all().delete()
    Hospital.objects.bulk_create(
        [
            Hospital(name=f"Bulk {i}", city="Agra", country_id=template.country_id, source=template.source,
                     source_key=f"bulk:{i}", languages=[])
            for i in range(1001)
        ]
    )  # fmt: skip
    assert list(SearchChange.objects.values_list("hospital_id", flat=True)) == [None]
    Hospital.objects.filter(pk=template.pk).update(status=Hospital.Status.SUSPENDED)  # one hospital: named
    assert list(SearchChange.objects.values_list("hospital_id", flat=True)) == [None, template.pk]
    assert search_ids(client) == []  # the index reloaded, then read the suspension


def test_a_search_with_nothing_changed_keeps_the_same_version_of_the_index(client):
    world = build_world()
    add_hospital(world, "one", country_code="IN", city="New Delhi", airport_code="DEL")
    search_ids(client)
    (index,) = INDEXES.by_key.values()
    before = index.version
    search_ids(client)
    assert index.version is before  # the day's facts and the memo's key stay valid
    Offer.objects.filter(pk=world.offers["one"].pk).update(wait_days=3)
    search_ids(client)
    assert index.version is not before


def test_a_first_reading_in_many_chunks_ranks_the_same(settings, monkeypatch):
    """Offers become arrays ARRAY_CHUNK rows at a time (2,000 in production): in chunks of 3 the
    index gives the same results as ranking every candidate in Python."""
    from medijourney.discovery.search import index as index_module

    monkeypatch.setattr(index_module, "ARRAY_CHUNK", 3)
    settings.DISCOVERY_RESULT_MEMO = False
    world = build_world()
    random_network(world, 20, seed=11)
    rng = random.Random(5)
    for _ in range(10):
        raw = random_raw(rng)
        assert indexed(raw, 0, 20) == oracle(raw, 0, 20), raw
    (index,) = INDEXES.by_key.values()
    assert len(index.version.offers) == 20


def test_a_selection_larger_than_the_page_query_is_read_in_chunks(settings, monkeypatch):
    """More possible page rows than the largest prepared page shape (a deep tie): read in chunks."""
    from medijourney.discovery.search import candidates

    monkeypatch.setattr(candidates, "PAGE_SIZES", (2, 4))
    settings.DISCOVERY_RESULT_MEMO = False
    world = build_world()
    random_network(world, 15, seed=2)
    raw = RawSearch(procedure="knee-replacement", origin="GB", weights=Weights(0, 0, 0, 10))
    assert indexed(raw, 3, 6) == oracle(raw, 3, 6)


def test_ids_past_the_32_bit_range_are_kept_exactly(settings):
    """The index holds ids as int32 while they fit (less memory at a million offers); a table
    with a larger id (ids are BigAutoField) holds int64, and patches of either kind join."""
    settings.DISCOVERY_RESULT_MEMO = False
    world = build_world()
    random_network(world, 6, seed=4)
    big = add_hospital(world, "big", country_code="IN", city="New Delhi", airport_code="DEL", doctors=2,
                       price=("100", "200"), id=2**31 + 7)  # fmt: skip  # the cheapest: first on cost
    assert big.hospital_id == 2**31 + 7
    raw = RawSearch(procedure="knee-replacement", origin="GB", weights=Weights(10, 0, 0, 0))
    got = indexed(raw, 0, 10)
    assert got == oracle(raw, 0, 10)
    assert got["page"][0][0] == str(big.public_id)
    (index,) = INDEXES.by_key.values()
    assert index.version.offers.cols["hospital"].dtype.itemsize == 8  # widened for the large id
    Offer.objects.filter(pk=world.offers["r0"].pk).update(wait_days=2)  # a patch read as int32
    Hospital.objects.filter(pk=big.hospital_id).update(city="Agra")  # and one as int64
    assert indexed(raw, 0, 10) == oracle(raw, 0, 10)
    assert int(index.version.offers.cols["hospital"].max()) == 2**31 + 7


def test_ids_that_fit_are_held_in_32_bits(settings):
    settings.DISCOVERY_RESULT_MEMO = False
    world = build_world()
    random_network(world, 4, seed=9)
    raw = RawSearch(procedure="knee-replacement", origin="GB")
    assert indexed(raw, 0, 10) == oracle(raw, 0, 10)
    (index,) = INDEXES.by_key.values()
    v = index.version
    widths = {
        name: col.dtype.itemsize for t in (v.offers, v.accreditations, v.licences) for name, col in t.cols.items()
    }
    assert widths["offer"] == widths["hospital"] == widths["doctor"] == 4
    assert widths["start"] == widths["end"] == 4 and widths["bit"] == 1
    assert widths["price"] == 8  # cents of a price in rupiah or won pass 2**31
