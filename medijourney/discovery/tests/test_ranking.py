"""The ranking: the patient's weights change the order; each term is normalised over the results
and explained; ties break deterministically; nothing anyone pays for exists anywhere."""

import json
import re

import pytest
from django.apps import apps

from medijourney.discovery.params import RawSearch, Weights, resolve_search
from medijourney.discovery.ranking import bounds_of, normalise
from medijourney.discovery.selectors import search
from medijourney.discovery.tests.world import add_hospital, build_world, standard_world

pytestmark = pytest.mark.django_db


def names(**kw):
    kw.setdefault("procedure", "knee-replacement")
    return [r.cand.name for r in search(resolve_search(RawSearch(**kw))).rows]


def test_weights_change_the_order():
    standard_world()
    cost_only = names(origin="GB", origin_airport="LHR", weights=Weights(10, 0, 0, 0))
    quality_only = names(origin="GB", origin_airport="LHR", weights=Weights(0, 0, 0, 10))
    travel_only = names(origin="GB", origin_airport="LHR", weights=Weights(0, 0, 10, 0))
    wait_only = names(origin="GB", origin_airport="LHR", weights=Weights(0, 10, 0, 0))
    assert cost_only[0] == "Delhi Hospital"  # cheapest trip
    assert quality_only[0] == "Istanbul Hospital"  # JCI + NABH, three verified doctors
    assert travel_only[0] == "Istanbul Hospital"  # shortest flight from London
    assert wait_only == ["Delhi Hospital", "Bangkok Hospital", "Istanbul Hospital"]  # 7, 21, 30 days
    assert cost_only != quality_only


def test_score_is_the_weighted_sum_of_normalised_values():
    standard_world()
    result = search(resolve_search(RawSearch(procedure="knee-replacement", origin="GB", origin_airport="LHR")))
    totals = {r.cand.name: float(r.estimate.total) for r in result.rows}
    dearest = max(totals.values())
    for row in result.rows:
        terms = {t.name: t for t in row.score.terms}
        assert [t.name for t in row.score.terms] == ["cost", "wait", "travel", "quality"]
        assert {t.name: round(t.weight, 2) for t in row.score.terms} == {
            "cost": 0.4,
            "wait": 0.2,
            "travel": 0.2,
            "quality": 0.2,
        }
        assert terms["cost"].value == pytest.approx(1 - totals[row.cand.name] / dearest)
        assert row.cand.wait_days is not None
        assert terms["wait"].value == pytest.approx(1 - row.cand.wait_days / 30)
        assert row.score.total == pytest.approx(sum(t.weight * t.value for t in row.score.terms))
        assert all(t.explanation for t in row.score.terms)
    scores = [row.score.total for row in result.rows]
    assert scores == sorted(scores, reverse=True)  # the order is the score, best first
    delhi = next(r for r in result.rows if r.cand.name == "Delhi Hospital")
    cost = delhi.score.terms[0]
    assert re.fullmatch(
        r"Trip total USD [\d,.]+ is \d+% below the dearest option in these results \(USD [\d,.]+\)\. It leaves out visa\.",
        cost.explanation,
    )
    istanbul = next(r for r in result.rows if r.cand.name == "Istanbul Hospital")
    assert istanbul.score.terms[0].explanation.endswith("is the dearest option in these results.")
    assert "2 current accreditations (JCI, NABH)" in istanbul.score.terms[3].explanation
    assert "no outcome" not in istanbul.score.terms[3].explanation.casefold()


def test_language_is_a_quality_signal():
    world = build_world()
    add_hospital(
        world, "arabic", country_code="TH", city="Bangkok", airport_code="BKK", languages=["ar"], name="A Hospital"
    )
    add_hospital(
        world, "none", country_code="TH", city="Bangkok", airport_code="BKK", languages=["th"], name="B Hospital"
    )
    assert names(language="ar", weights=Weights(0, 0, 0, 10))[0] == "A Hospital"
    rows = search(resolve_search(RawSearch(procedure="knee-replacement", language="ar"))).rows
    quality = {r.cand.name: r.score.terms[3] for r in rows}
    assert "speaks ar" in quality["A Hospital"].explanation
    assert "no listed speaker of ar" in quality["B Hospital"].explanation


def test_ties_break_by_total_then_name_then_offer_id():
    world = build_world()
    for key, name in (("z", "Zeta Clinic"), ("a", "Alpha Clinic"), ("m", "Mid Clinic")):
        add_hospital(world, key, country_code="TH", city="Bangkok", airport_code="BKK", name=name)
    add_hospital(
        world, "cheap", country_code="TH", city="Bangkok", airport_code="BKK", name="Yonder", price=("4999", "7000")
    )
    first = names(origin="GB", weights=Weights(0, 10, 0, 0))  # every wait is equal: a full tie on score
    assert first == ["Yonder", "Alpha Clinic", "Mid Clinic", "Zeta Clinic"]  # lower total first, then by name
    assert names(origin="GB", weights=Weights(0, 10, 0, 0)) == first
    twin = add_hospital(world, "twin", country_code="TH", city="Bangkok", airport_code="BKK", name="Alpha Clinic")
    order = [
        r.cand.offer_id
        for r in search(resolve_search(RawSearch(procedure="knee-replacement", weights=Weights(0, 10, 0, 0)))).rows
    ]
    alphas = [o for o in order if o in {twin.public_id, world.offer("a").public_id}]
    assert alphas == sorted(alphas, key=str)


def test_normalisation_rules():
    figures = [
        {"cost": 100.0, "wait": None, "travel": 5.0, "quality": 0.5},
        {"cost": 200.0, "wait": None, "travel": 5.0, "quality": 1.0},
    ]
    b = bounds_of(figures)
    assert normalise("cost", 100.0, b) == 0.5 and normalise("cost", 200.0, b) == 0.0
    assert normalise("wait", None, b) == 0.0  # unknown scores 0
    assert normalise("travel", 5.0, b) == 1.0  # every result equal: 1
    assert normalise("quality", 0.5, b) == 0.5 and normalise("quality", 1.0, b) == 1.0


def test_unknown_wait_scores_zero_and_says_so():
    world = build_world()
    add_hospital(world, "silent", country_code="TH", city="Bangkok", airport_code="BKK", wait_days=None)
    add_hospital(world, "stated", country_code="TH", city="Bangkok", airport_code="BKK", wait_days=10)
    rows = search(resolve_search(RawSearch(procedure="knee-replacement"))).rows
    silent = next(r for r in rows if r.cand.name == "Silent Hospital")
    wait = silent.score.terms[1]
    assert wait.value == 0 and "not stated" in wait.explanation


PAID = re.compile(r"paid|sponsor|promot|featured|boost|advert|premium|placement_fee|bid", re.I)


def test_no_paid_sponsored_or_promoted_field_exists_in_any_model():
    offending = [
        f"{model._meta.label}.{f.name}"
        for model in apps.get_models()
        for f in model._meta.get_fields()
        if PAID.search(f.name)
    ]
    assert offending == []


def test_no_paid_field_in_the_search_and_compare_api(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/search", "/api/v1/compare"):
        op = schema["paths"][path]["get"]
        assert not [p["name"] for p in op["parameters"] if PAID.search(p["name"])]
    text = json.dumps(
        {
            k: v
            for k, v in schema["components"]["schemas"].items()
            if k.startswith(("Search", "Result", "Compare", "Score", "Term"))
        }
    )
    properties = re.findall(r'"([a-z_]+)": \{', text)
    assert properties and not [p for p in properties if PAID.search(p)]
