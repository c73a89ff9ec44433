"""GET /api/v1/search: the document's shape, filters and what each excluded, empty results, bad
parameters (422 naming the field), paging, demo and synthetic rows, and who appears at all."""

import datetime

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import timezone

from medijourney.catalog.models import ImportRun
from medijourney.catalog.tests.factories import ProcedureFactory, visa_rule
from medijourney.discovery.models import SyntheticHospital
from medijourney.discovery.schemas import SearchOut
from medijourney.discovery.tests.world import add_hospital, build_world, standard_world
from medijourney.network.models import Hospital
from medijourney.network.tests.factories import HospitalFactory, in_network_hospital

pytestmark = pytest.mark.django_db
URL = "/api/v1/search"


def get(client, **params):
    params.setdefault("procedure", "knee-replacement")
    return client.get(URL, params)


def ok(client, **params):
    response = get(client, **params)
    assert response.status_code == 200, response.content
    body = response.json()
    SearchOut.model_validate(body)  # the documented shape
    return body


def test_each_result_carries_everything_the_issue_lists(client):
    standard_world()
    body = ok(client, origin="GB", origin_airport="LHR", currency="GBP", language="en")
    assert body["count"] == 3 and body["candidates"] == 3 and len(body["items"]) == 3
    item = body["items"][0]
    assert set(item) >= {
        "hospital",
        "offer",
        "trip_estimate",
        "savings",
        "visa",
        "travel",
        "wait",
        "languages",
        "score",
    }
    assert {"id", "name", "city", "country", "accreditations"} <= set(item["hospital"])
    acc = item["hospital"]["accreditations"][0]
    assert {"body", "valid_from", "valid_to", "status"} <= set(acc) and acc["status"] == "current"
    assert {"price_min", "price_max", "currency", "source", "as_of"} <= set(item["offer"])
    trip = item["trip_estimate"]
    assert trip["currency"] == "GBP" and [line["key"] for line in trip["lines"]] == [
        "procedure", "hospital_nights", "lodging", "flights", "visa", "companion",
    ]  # fmt: skip
    assert all({"amount", "currency", "source", "method"} <= set(line) for line in trip["lines"])
    assert {"status", "amount", "reference", "explanation"} <= set(item["savings"])
    assert {"requirement", "data_date"} <= set(item["visa"])
    assert {"distance_km", "flight_hours", "method"} <= set(item["travel"])
    assert item["score"]["terms"] and {"name", "weight", "value", "explanation"} <= set(item["score"]["terms"][0])
    assert body["weights"]["effective"] == {"cost": 0.4, "wait": 0.2, "travel": 0.2, "quality": 0.2}
    assert "No hospital can pay" in body["ranking"]
    assert item["is_demo"] is False


def test_free_text_is_routed_through_triage(client):
    standard_world()
    body = ok(client, procedure="", q="my knee is worn out, the surgeon suggests a new knee", origin="GB")
    assert body["routing"]["procedure"] == "knee-replacement" and body["routing"]["chosen_by"] == "triage"
    assert body["routing"]["triage"]["specialties"][0]["id"] == "orthopedics"
    assert "not a diagnosis" in body["routing"]["triage"]["notice"]
    assert body["count"] == 3
    chosen = ok(client, procedure="cataract-surgery", q="my knee is worn out")
    assert chosen["routing"]["chosen_by"] == "patient" and chosen["procedure"]["slug"] == "cataract-surgery"


def test_text_that_names_no_procedure_answers_with_routing_and_no_results(client):
    standard_world()
    body = ok(client, procedure="", q="hello there")
    assert body["items"] == [] and body["procedure"] is None
    assert body["routing"]["triage"]["confident"] is False


def test_a_condition_alone_is_not_searched_and_offers_choices(client):
    standard_world()
    body = ok(client, procedure="", q="knee pain", origin="GB")
    assert body["items"] == [] and body["procedure"] is None and body["routing"]["procedure"] is None
    answer = body["routing"]["answer"]
    assert answer["kind"] == "specialty" and "knee-replacement" in [c["slug"] for c in answer["choices"]]
    assert body["emergency"]["detected"] is False


@pytest.mark.parametrize("text", ["hello", "asdfgh", "😀"])
def test_no_evidence_is_could_not_tell(client, text):
    standard_world()
    body = ok(client, procedure="", q=text)
    assert body["routing"]["answer"]["kind"] == "unclear" and body["routing"]["answer"]["specialties"] == []
    assert body["items"] == []


def test_emergency_text_searches_nothing_and_answers_the_message(client):
    standard_world()
    body = ok(client, q="my husband collapsed and is not breathing", origin="TH")  # a procedure is given too
    assert body["items"] == [] and body["count"] == 0 and body["procedure"] is None
    assert body["emergency"]["detected"] is True and body["emergency"]["number"]["call"] == "1669"
    assert body["message"].startswith("This may be an emergency. Call 1669 now")
    assert body["routing"]["answer"]["kind"] == "emergency" and body["routing"]["answer"]["choices"] == []
    # The number follows the browser's region when no country is given (and is not memoised across).
    de = client.get(URL, {"q": "my husband collapsed"}, headers={"Accept-Language": "de-DE"}).json()
    us = client.get(URL, {"q": "my husband collapsed"}, headers={"Accept-Language": "en-US"}).json()
    assert de["emergency"]["number"]["call"] == "112" and us["emergency"]["number"]["call"] == "911"


def test_filters_say_how_many_each_excluded(client):
    standard_world()
    body = ok(client, origin="GB", origin_airport="LHR", currency="USD", budget="9000", max_flight_hours="8")
    excluded = {e["filter"]: e["excluded"] for e in body["excluded"]}
    # Bangkok and Istanbul cost more than USD 9,000; Delhi and Bangkok are more than 8 hours away.
    assert excluded["budget"] == 2 and excluded["max_flight_hours"] == 2
    assert body["count"] == 0 and body["excluded_total"] == 3
    assert "budget excluded 2" in body["message"] and "maximum flight hours excluded 2" in body["message"]
    only_turkey = ok(client, destination="TR")
    assert [i["hospital"]["country"] for i in only_turkey["items"]] == ["TR"]
    assert {e["filter"]: e["excluded"] for e in only_turkey["excluded"]}["destination"] == 2
    nabh = ok(client, accreditation=["NABH"])
    assert {i["hospital"]["name"] for i in nabh["items"]} == {"Delhi Hospital", "Istanbul Hospital"}


def test_a_passport_that_is_not_admitted_excludes_the_destination(client):
    standard_world()
    visa_rule("US", "TR", "no_admission")
    body = ok(client, passport="US")
    assert "Istanbul Hospital" not in {i["hospital"]["name"] for i in body["items"]}
    assert {e["filter"]: e["excluded"] for e in body["excluded"]}["visa"] == 1


def test_the_travel_window_says_whether_the_wait_fits(client):
    standard_world()
    today = datetime.date.today()
    body = ok(
        client, travel_from=str(today + datetime.timedelta(days=1)), travel_to=str(today + datetime.timedelta(days=30))
    )
    fits = {i["hospital"]["name"]: i["wait"]["fits_travel_window"] for i in body["items"]}
    # 7 days of waiting + 15 days away fits in 30 days; 21 + 15 and 30 + 15 do not.
    assert fits == {"Delhi Hospital": True, "Bangkok Hospital": False, "Istanbul Hospital": False}


def test_empty_result_counts_accredited_hospitals_without_a_price(client):
    standard_world()
    in_network_hospital(name="No price here")
    body = ok(client, procedure="cataract-surgery")
    assert body["count"] == 0 and body["without_price"] == 4
    assert "4 accredited hospitals in the network have not published a price" in body["message"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"procedure": "no-such-thing"}, "procedure"),
        ({"procedure": ""}, "procedure"),
        ({"origin": "XX"}, "origin"),
        ({"origin": "GBR"}, "origin"),
        ({"passport": "QQ"}, "passport"),
        ({"origin_airport": "ZZZ"}, "origin_airport"),
        ({"origin": "GB", "origin_airport": "JFK"}, "origin_airport"),
        ({"origin_city": "Leeds"}, "origin_city"),
        ({"currency": "XYZ"}, "currency"),
        ({"currency": "dollars"}, "currency"),
        ({"budget": "-5"}, "budget"),
        ({"budget": "lots"}, "budget"),
        ({"travel_from": "2001-01-01"}, "travel_from"),
        ({"travel_from": "2099-02-01", "travel_to": "2099-01-01"}, "travel_to"),
        ({"travel_to": "not a date"}, "travel_to"),
        ({"language": "klingon!"}, "language"),
        ({"language": "qx"}, "language"),
        ({"accreditation": ["ACME"]}, "accreditation"),
        ({"max_flight_hours": "100"}, "max_flight_hours"),
        ({"max_flight_hours": "0.2"}, "max_flight_hours"),
        ({"w_cost": "11"}, "w_cost"),
        ({"w_cost": 0, "w_wait": 0, "w_travel": 0, "w_quality": 0}, "w_cost"),
        ({"limit": "0"}, "limit"),
        ({"offset": "-1"}, "offset"),
    ],
)
def test_bad_parameters_are_422_naming_the_field(client, params, field):
    standard_world()
    response = get(client, **params)
    assert response.status_code == 422, response.content
    body = response.json()
    assert field in [e["field"] for e in body["errors"]], body


def test_paging_with_limit_and_offset(client):
    world = build_world()
    for i in range(7):
        add_hospital(
            world, f"h{i}", country_code="TH", city="Bangkok", airport_code="BKK", price=(str(5000 + i * 100), "7000")
        )
    first = ok(client, limit=3)
    second = ok(client, limit=3, offset=3)
    last = ok(client, limit=3, offset=6)
    assert first["count"] == second["count"] == 7
    assert [i["rank"] for i in first["items"]] == [1, 2, 3] and [i["rank"] for i in second["items"]] == [4, 5, 6]
    assert len(last["items"]) == 1
    ids = [i["offer"]["id"] for r in (first, second, last) for i in r["items"]]
    assert len(set(ids)) == 7


def test_demo_rows_say_so(client):
    world = build_world()
    add_hospital(world, "demo", country_code="TH", city="Bangkok", airport_code="BKK", is_demo=True)
    item = ok(client)["items"][0]
    assert item["is_demo"] is True and item["offer"]["is_demo"] is True and item["hospital"]["is_demo"] is True


def test_only_hospitals_in_the_network_appear(client):
    world = standard_world()
    suspended = world.hospitals["bangkok"]
    suspended.status = Hospital.Status.SUSPENDED
    suspended.save()
    names = {i["hospital"]["name"] for i in ok(client)["items"]}
    assert names == {"Delhi Hospital", "Istanbul Hospital"}
    HospitalFactory(name="Not accredited")  # no accreditation, and no offer either
    assert {i["hospital"]["name"] for i in ok(client)["items"]} == names


def test_an_accreditation_passing_its_end_date_drops_the_result():
    world = standard_world()
    acc = world.hospitals["delhi"].accreditations.get()
    acc.valid_to = datetime.date(2030, 6, 30)
    acc.valid_from = datetime.date(2025, 1, 1)
    acc.save()

    def names_on(moment):
        with time_machine.travel(moment, tick=False):
            body = Client().get(URL, {"procedure": "knee-replacement"}).json()
            return {i["hospital"]["name"] for i in body["items"]}

    assert "Delhi Hospital" in names_on(datetime.datetime(2030, 6, 30, 12, tzinfo=datetime.UTC))
    assert "Delhi Hospital" not in names_on(datetime.datetime(2030, 7, 1, 0, 1, tzinfo=datetime.UTC))


def test_synthetic_rows_only_with_the_bench_setting_and_never_in_demo_mode(client):
    world = standard_world()
    synthetic = add_hospital(world, "synthetic", country_code="TH", city="Bangkok", airport_code="BKK")
    SyntheticHospital.objects.create(hospital=synthetic.hospital, batch="test")
    assert "Synthetic Hospital" not in {i["hospital"]["name"] for i in ok(client)["items"]}
    with override_settings(DISCOVERY_INCLUDE_SYNTHETIC=True):
        assert "Synthetic Hospital" in {i["hospital"]["name"] for i in ok(client)["items"]}
        with override_settings(DEMO_MODE=True):
            assert "Synthetic Hospital" not in {i["hospital"]["name"] for i in ok(client)["items"]}


def test_a_change_in_the_network_is_seen_by_the_next_identical_search(client):
    world = standard_world()
    before = ok(client)
    offer = world.offer("delhi")
    offer.price_min, offer.price_max = 20000, 30000
    offer.save()
    after = ok(client)
    assert before["items"][0]["hospital"]["name"] == "Delhi Hospital"
    delhi = next(i for i in after["items"] if i["hospital"]["name"] == "Delhi Hospital")
    assert delhi["offer"]["price_min"] == "20000.00"


def test_query_count_does_not_grow_with_the_results(client, django_assert_max_num_queries):
    world = build_world()
    add_hospital(world, "one", country_code="TH", city="Bangkok", airport_code="BKK", doctors=1)
    ok(client, origin="GB", language="en")  # warm the reference snapshot
    add_hospital(world, "two", country_code="IN", city="Agra", airport_code="DEL", doctors=1)
    with django_assert_max_num_queries(5) as few:  # after one hospital changed, as after twelve
        ok(client, origin="GB", language="en", passport="GB")
    for i in range(12):
        add_hospital(
            world,
            f"more{i}",
            country_code=["IN", "TH", "TR"][i % 3],
            city="X",
            airport_code=["DEL", "BKK", "IST"][i % 3],
            doctors=2,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = ok(client, origin="GB", language="en", passport="GB")
    assert body["count"] == 14
    with django_assert_max_num_queries(len(few.captured_queries) - 1):  # nothing changed: no patch to read
        assert ok(client, origin="GB", language="en", passport="GB") == body


def test_query_count_with_a_cold_reference_snapshot(client, django_assert_max_num_queries):
    standard_world()
    with django_assert_max_num_queries(16):
        ok(client, origin="GB", origin_city="Manchester", currency="GBP", passport="GB")


def test_a_repeated_search_reads_only_the_network(client, settings, django_assert_max_num_queries):
    standard_world()
    settings.DISCOVERY_REFERENCE_CHECK_SECONDS = 60  # as in production: reference data checked every few seconds
    ok(client, origin="GB")
    with django_assert_max_num_queries(2):  # the candidates, and the page's accreditations and languages
        ok(client, origin="GB")


def test_an_import_refreshes_the_reference_snapshot(client):
    world = standard_world()
    ok(client)
    ProcedureFactory(slug="hip-replacement", name="Total hip replacement", specialty=world.procedure.specialty)
    assert get(client, procedure="hip-replacement").status_code == 422  # the snapshot predates it
    ImportRun.objects.create(dataset="procedures", checksum="x", started_at=timezone.now(), status="ok")
    assert ok(client, procedure="hip-replacement")["procedure"]["name"] == "Total hip replacement"


def test_the_empty_result_count_cache_stays_bounded_over_many_days(client, monkeypatch):
    """The count of hospitals without a price is kept a minute per (procedure, day): a process that
    runs for years must not keep one entry per day for ever (found by bench/soak's diagnosis)."""
    from medijourney.discovery.search import candidates

    monkeypatch.setattr(candidates, "WITHOUT_PRICE_MAX", 8)
    standard_world()
    in_network_hospital(name="No price here")
    procedure = ProcedureFactory(slug="no-offers-anywhere")
    start = timezone.localdate()
    counts = set()
    for day in range(20):
        counts.add(candidates.hospitals_without_price(procedure.pk, start + datetime.timedelta(days=day)))
        assert len(candidates._WITHOUT_PRICE) <= 8
    assert counts == {4}  # the same answer before and after it started again
    body = ok(client, procedure="cataract-surgery")
    assert body["count"] == 0 and body["without_price"] == 4


@pytest.mark.parametrize("memo_on", [False, True])
def test_the_json_document_is_memoised_only_with_the_result_memo(client, settings, monkeypatch, memo_on):
    """DISCOVERY_RESULT_MEMO=0 (what bench/search measures by default) builds every document
    afresh: a document kept from the previous identical search would flatter the figures."""
    standard_world()
    settings.DISCOVERY_RESULT_MEMO = memo_on
    built = []
    original = SearchOut.of  # bound to SearchOut

    def counting_of(cls, *args, **kwargs):
        built.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(SearchOut, "of", classmethod(counting_of))
    first = ok(client, origin="GB", currency="GBP")
    second = ok(client, origin="GB", currency="GBP")
    assert first == second and first["count"] == 3
    assert len(built) == (1 if memo_on else 2)
