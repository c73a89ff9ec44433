"""The incomplete-total rule: an offer whose price leaves out something the procedure needs (the
implant of a knee replacement …) says so beside its total, is marked incomplete, and can never win
on cost by leaving it out. The per-procedure list is shipped data with its sources."""

import csv
import datetime
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from medijourney.catalog.needed import NEEDED_FILE, all_needed, excludes_text, missing_items, needed_items
from medijourney.discovery.params import RawSearch, Weights, resolve_search
from medijourney.discovery.schemas import TripEstimateOut
from medijourney.discovery.selectors import compare, search
from medijourney.discovery.tests.world import NO_IMPLANT, ROOM, add_hospital, build_world, standard_world
from medijourney.network.offer_items import OFFER_ITEM_IDS

pytestmark = pytest.mark.django_db

LONDON: dict[str, Any] = {"procedure": "knee-replacement", "origin": "GB", "origin_airport": "LHR"}


def _search(**kw):
    return search(resolve_search(RawSearch(**{**LONDON, **kw})))


def _row(result, name):
    return next(r for r in result.rows if r.cand.name == name)


# --- The data ----------------------------------------------------------------------------------


def test_every_row_names_a_catalogue_procedure_a_standard_item_and_a_source():
    procedures = Path(settings.BASE_DIR) / "medijourney" / "data" / "procedures" / "procedures.csv"
    slugs = {r["slug"] for r in csv.DictReader(procedures.open(encoding="utf-8"))}
    rows = list(csv.DictReader(NEEDED_FILE.open(encoding="utf-8")))
    assert len(rows) >= 20
    for row in rows:
        assert row["procedure"] in slugs, row
        assert row["item"] in OFFER_ITEM_IDS, row
        assert row["what"] and row["reason"] and row["source"], row
        assert datetime.date.fromisoformat(row["checked"])
        if not row["source"].startswith("Definition of the procedure"):
            assert row["source_url"].startswith("http"), row  # a clinical claim links to its source
    assert (NEEDED_FILE.parent / "PROVENANCE.md").read_text().count("needed_items.csv") >= 1


def test_the_list_covers_what_the_issue_names():
    assert {n.item for n in needed_items("knee-replacement")} == {"implant", "physiotherapy"}
    assert {n.item for n in needed_items("hip-replacement")} == {"implant", "physiotherapy"}
    assert [n.what for n in needed_items("angioplasty")] == ["the stent"]
    assert [n.item for n in needed_items("cabg")] == ["icu"]
    assert needed_items("lasik") == ()  # nothing listed: nothing can be "missing"
    assert set(all_needed()) >= {"knee-replacement", "angioplasty", "cabg", "cataract-surgery", "dental-implant"}


def test_missing_items_and_the_words_beside_the_total():
    missing = missing_items("knee-replacement", {"implant": False, "physiotherapy": True})
    assert [n.item for n in missing] == ["implant"]
    assert excludes_text(missing) == "Excludes the implant (knee prosthesis) — ask the hospital."
    both = missing_items("knee-replacement", {})
    assert excludes_text(both) == "Excludes the implant (knee prosthesis) and physiotherapy — ask the hospital."
    assert excludes_text(()) == ""


# --- The estimate ------------------------------------------------------------------------------


def test_an_offer_without_the_implant_says_so_beside_its_total():
    world = build_world()
    add_hospital(world, "charite", country_code="DE", city="Berlin", airport_code="IST", inclusions=NO_IMPLANT)
    row = _row(_search(), "Charite Hospital")
    est = row.estimate
    assert not est.complete and not est.price_complete
    assert [n.item for n in est.price_missing] == ["implant"]
    assert est.excludes == "Excludes the implant (knee prosthesis) — ask the hospital."
    assert "Excludes the implant" in est.line("procedure").method
    doc = TripEstimateOut.of(est).model_dump()
    assert doc["complete"] is False
    assert [e["item"] for e in doc["price_excludes"]] == ["implant"]
    assert doc["price_excludes"][0]["source"]


def test_a_whole_price_is_complete_when_no_line_is_left_out():
    world = build_world()
    add_hospital(world, "istanbul", country_code="TR", city="Istanbul", airport_code="IST", inclusions=dict(ROOM))
    est = _row(_search(passport="GB"), "Istanbul Hospital").estimate
    assert est.price_complete and est.price_missing == () and est.excludes == ""
    assert est.complete  # visa free for GB passports to TR in the test world: nothing left out


def test_a_procedure_with_nothing_listed_is_never_incomplete_for_a_missing_item():
    world = build_world()
    add_hospital(world, "eye", country_code="TR", city="Istanbul", airport_code="IST", inclusions={"surgeon": True})
    world.offers["eye"].procedure.slug = "lasik"
    world.offers["eye"].procedure.save(update_fields=["slug"])
    est = _row(_search(procedure="lasik"), "Eye Hospital").estimate
    assert est.price_missing == ()


def test_savings_say_at_most_when_the_price_leaves_out_the_implant():
    world = standard_world()
    offer = world.offers["delhi"]
    offer.inclusions = NO_IMPLANT
    offer.save(update_fields=["inclusions"])
    from medijourney.catalog.models import ReferencePrice

    ReferencePrice.objects.create(
        procedure=world.procedure,
        country_id="GB",
        dataset=ReferencePrice.Dataset.CITED,
        currency="GBP",
        price=40000,
        price_type="self-pay price (as published)",
        data_year="2024",
        source="Example survey",
    )
    savings = _row(_search(currency="GBP"), "Delhi Hospital").savings
    assert savings.explanation.startswith("At most ")
    assert "the implant (knee prosthesis)" in savings.explanation


# --- Ranking compares like with like -----------------------------------------------------------


def _cheap_without_implant_and_dear_whole():
    world = build_world()
    add_hospital(
        world,
        "cheap",
        country_code="TR",
        city="Istanbul",
        airport_code="IST",
        price=("2000", "2000"),
        inclusions=NO_IMPLANT,
    )
    add_hospital(
        world,
        "dear",
        country_code="TR",
        city="Istanbul",
        airport_code="IST",
        price=("9000", "9000"),
        inclusions=dict(ROOM),
    )
    add_hospital(
        world,
        "middle",
        country_code="TR",
        city="Istanbul",
        airport_code="IST",
        price=("6000", "6000"),
        inclusions=dict(ROOM),
    )
    return world


def test_leaving_out_the_implant_never_wins_on_cost():
    _cheap_without_implant_and_dear_whole()
    result = _search(weights=Weights(10, 0, 0, 0))  # cost only
    assert [r.cand.name for r in result.rows] == ["Middle Hospital", "Dear Hospital", "Cheap Hospital"]
    cheap = _row(result, "Cheap Hospital")
    cost = cheap.score.terms[0]
    assert cost.name == "cost" and cost.raw is None and cost.value == 0
    assert "not comparable: the price excludes the implant (knee prosthesis)" in cost.explanation
    assert "Scored 0 on cost" in cost.explanation


def test_cost_is_normalised_over_the_whole_prices_only():
    _cheap_without_implant_and_dear_whole()
    result = _search(weights=Weights(10, 0, 0, 0))
    dear, middle = _row(result, "Dear Hospital"), _row(result, "Middle Hospital")
    # The dearest whole total is the bound: the dear one scores 0, the middle one its share below it.
    assert dear.score.terms[0].value == 0
    expected = 1 - float(middle.estimate.total) / float(dear.estimate.total)
    assert middle.score.terms[0].value == pytest.approx(expected)
    assert "below the dearest option in these results" in middle.score.terms[0].explanation


def test_at_an_equal_score_a_whole_price_comes_first():
    world = build_world()
    add_hospital(world, "aaa", country_code="TR", city="Istanbul", airport_code="IST", inclusions=NO_IMPLANT)
    add_hospital(world, "zzz", country_code="TR", city="Istanbul", airport_code="IST", inclusions=dict(ROOM))
    # No weight on cost: both score the same on every other term; the name would put "Aaa" first.
    result = _search(weights=Weights(0, 1, 1, 1))
    assert result.rows[0].score.total == pytest.approx(result.rows[1].score.total)
    assert [r.cand.name for r in result.rows] == ["Zzz Hospital", "Aaa Hospital"]


def test_compare_shows_the_same_rule():
    world = _cheap_without_implant_and_dear_whole()
    query = resolve_search(RawSearch(**LONDON))
    result = compare(query, [world.offers["cheap"].public_id, world.offers["dear"].public_id])
    cheap, dear = result.rows
    assert cheap.estimate.excludes.startswith("Excludes the implant")
    assert cheap.score.terms[0].value == 0
    assert dear.estimate.price_complete


def test_the_search_page_shows_the_words_beside_the_figure(client):
    _cheap_without_implant_and_dear_whole()
    page = client.get("/search/", LONDON).content.decode()
    assert "incomplete total" in page
    assert "Excludes the implant (knee prosthesis) — ask the hospital." in page
    assert page.count("Excludes the implant (knee prosthesis) — ask the hospital.") >= 1
    api = client.get("/api/v1/search", LONDON).json()
    cheap = next(i for i in api["items"] if i["hospital"]["name"] == "Cheap Hospital")
    assert cheap["trip_estimate"]["complete"] is False
    assert cheap["trip_estimate"]["price_excludes"][0]["item"] == "implant"
