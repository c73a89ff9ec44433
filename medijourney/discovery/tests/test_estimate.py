"""The trip estimate, line by line: each line's amount, source, as-of date and method; unknown
lines and what the total leaves out; conversion with the ECB rate (and no guess without one);
savings against the patient's home country."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest

from medijourney.catalog.geo import haversine_km
from medijourney.catalog.models import Procedure
from medijourney.catalog.selectors import fx_convert
from medijourney.catalog.tests.factories import (
    FitToFlyFactory,
    ProcedureFactory,
    ReferencePriceFactory,
    country,
    rate,
    specialty,
)
from medijourney.discovery import travel
from medijourney.discovery.estimate import LINE_KEYS, trip_estimate, trip_totals
from medijourney.discovery.params import RawSearch, resolve_search
from medijourney.discovery.schemas import SavingsOut
from medijourney.discovery.selectors import _context, search, search_candidates
from medijourney.discovery.tests.world import NO_ROOM, add_hospital, build_world, standard_world

pytestmark = pytest.mark.django_db
CENT = Decimal("0.01")


def run(**kw):
    kw.setdefault("procedure", "knee-replacement")
    return search(resolve_search(RawSearch(**kw)))


def row_of(result, name):
    return next(r for r in result.rows if r.cand.name == name)


def to_gbp(usd: Decimal) -> Decimal:
    return (usd / Decimal("1.10") * Decimal("0.85")).quantize(CENT, ROUND_HALF_UP)


def test_every_line_has_amount_currency_source_date_and_method():
    world = standard_world()
    result = run(origin="GB", origin_airport="LHR", currency="GBP")
    delhi = row_of(result, "Delhi Hospital").estimate
    assert tuple(line.key for line in delhi.lines) == LINE_KEYS
    proc, nights, lodging, flights, visa, companion = delhi.lines

    assert proc.amount == Decimal("3500.00") and proc.currency == "USD"
    assert proc.converted == to_gbp(Decimal(3500))
    assert "Midpoint of the offer's price range USD 3,000 – USD 4,000" in proc.method
    assert proc.source == "Submitted by the hospital" and proc.as_of == world.offer("delhi").as_of
    assert proc.fx_date == datetime.date.today() - datetime.timedelta(days=3)

    assert nights.status == "included" and nights.converted == 0
    assert "4 nights; the hospital room is included" in nights.method

    # 14 typical days − 4 nights in hospital = 10 nights at the New Delhi rate (USD 196).
    assert lodging.amount == Decimal("1960.00") and lodging.currency == "USD"
    assert lodging.source == (
        "U.S. State Dept foreign per diem lodging ceiling, April 2026 — an allowance ceiling, not a market price"
    )
    assert lodging.as_of == datetime.date(2026, 4, 1)
    assert "New Delhi rate" in lodging.method and "editorial estimate" in lodging.method

    lhr, dele = world.airports["LHR"], world.airports["DEL"]
    km = round(haversine_km(lhr.latitude, lhr.longitude, dele.latitude, dele.longitude), 1)
    assert flights.amount == 2 * travel.sifl_one_way_usd(km)
    assert "SIFL" in flights.source and "upper estimate" in flights.source
    assert "upper estimate" in flights.method and "USD 374" in flights.method

    assert visa.status == "unknown" and visa.amount is None
    assert "fee not in our data — check the official site" in visa.method
    assert visa.as_of == datetime.date(2025, 1, 12)

    assert companion.status == "not_applicable" and not companion.left_out

    assert delhi.complete is False and delhi.leaves_out == ("Visa",)
    assert delhi.total == sum(line.converted for line in delhi.lines if line.counted)
    assert delhi.travel.flight_hours == travel.flight_hours(km)


def test_visa_free_is_zero_and_the_total_complete():
    standard_world()
    bangkok = row_of(run(origin="GB", origin_airport="LHR"), "Bangkok Hospital").estimate
    visa = bangkok.line("visa")
    assert visa.status == "known" and visa.converted == 0
    assert "Visa free for up to 30 days: no visa fee" in visa.method
    assert bangkok.complete and bangkok.leaves_out == ()


def test_room_not_included_makes_hospital_nights_unknown():
    world = build_world()
    add_hospital(world, "noroom", country_code="TH", city="Bangkok", airport_code="BKK", inclusions=NO_ROOM)
    est = run(origin="GB").rows[0].estimate
    nights = est.line("hospital_nights")
    assert nights.status == "unknown" and nights.amount is None
    assert "not included in the offer and no room rate is known" in nights.method
    assert "Hospital nights" in est.leaves_out


def test_accommodation_in_the_offer_makes_lodging_included():
    world = build_world()
    add_hospital(
        world, "all", country_code="TH", city="Bangkok", airport_code="BKK",
        inclusions={"room_per_night": True, "accommodation": True},
    )  # fmt: skip
    lodging = run(origin="GB").rows[0].estimate.line("lodging")
    assert lodging.status == "included" and lodging.converted == 0
    assert "included in the offer price" in lodging.method


def test_lodging_nights_reach_the_fit_to_fly_interval():
    world = build_world()
    ProcedureFactory(
        slug="cabg",
        name="Coronary bypass",
        specialty=specialty("cardiology"),
        inpatient_nights=7,
        total_days=10,
        fit_to_fly=FitToFlyFactory(condition="CABG", min_days_before_flying=21, authority="UK CAA"),
        min_days_before_flying=21,
    )
    world.procedure = Procedure.objects.get(slug="cabg")
    add_hospital(world, "heart", country_code="TH", city="Bangkok", airport_code="BKK")
    est = run(procedure="cabg", origin="GB").rows[0].estimate
    assert est.stay.lodging_nights == 14  # 21 days before flying − 7 in hospital (10 − 7 = 3 is too few)
    assert est.stay.days_away == 7 + 14 + 1
    assert "raised to 14" in est.line("lodging").method and "UK CAA" in est.line("lodging").method
    assert est.line("lodging").amount == 14 * Decimal(259)


def test_an_offer_currency_without_an_ecb_rate_is_never_guessed():
    world = build_world()
    add_hospital(world, "xyz", country_code="TH", city="Bangkok", airport_code="BKK", currency="XYZ")
    add_hospital(world, "usd", country_code="TH", city="Bangkok", airport_code="BKK")
    result = run(origin="GB", currency="GBP")
    est = row_of(result, "Xyz Hospital").estimate
    proc = est.line("procedure")
    assert proc.amount == Decimal("6000.00") and proc.currency == "XYZ"
    assert proc.converted is None
    assert "No ECB exchange rate for XYZ" in proc.method
    assert "Procedure" in est.leaves_out
    # The room is included at 0 XYZ: also not convertible, so also left out rather than guessed.
    assert est.line("hospital_nights").converted is None
    cost = row_of(result, "Xyz Hospital").score.terms[0]
    assert cost.name == "cost" and cost.value == 0 and "could not be worked out" in cost.explanation
    assert row_of(result, "Usd Hospital").rank == 1


def test_companion_adds_their_flights():
    standard_world()
    est = row_of(run(origin="GB", origin_airport="LHR", companion=True), "Bangkok Hospital").estimate
    companion, flights = est.line("companion"), est.line("flights")
    assert companion.status == "known" and companion.amount == flights.amount
    assert "share the patient's room" in companion.method
    alone = row_of(run(origin="GB", origin_airport="LHR"), "Bangkok Hospital").estimate
    assert est.total == alone.total + companion.converted


def test_same_country_passport_needs_no_visa_and_domestic_flight():
    standard_world()
    est = row_of(run(origin="IN", origin_airport="DEL"), "Delhi Hospital").estimate
    assert est.line("visa").converted == 0 and "your passport's country" in est.line("visa").method
    assert est.line("flights").converted == 0  # the hospital's airport is the patient's airport
    assert est.complete


def test_without_origin_flights_and_visa_are_unknown():
    standard_world()
    est = run().rows[0].estimate
    assert est.line("flights").status == "unknown" and "Give your country" in est.line("flights").method
    assert est.line("visa").status == "unknown" and "passport" in est.line("visa").method
    assert {"Flights (round trip)", "Visa"} <= set(est.leaves_out)


def test_fast_totals_equal_the_full_estimate_for_every_candidate():
    world = standard_world()
    add_hospital(
        world, "noroom", country_code="IN", city="Mumbai", airport_code="DEL", inclusions=NO_ROOM, wait_days=None
    )
    query = resolve_search(RawSearch(procedure="knee-replacement", origin="GB", currency="INR", companion=True))
    ctx = _context(query)
    assert query.procedure_pk is not None
    cands = search_candidates(procedure_pk=query.procedure_pk, specialty="orthopedics", today=query.today)
    assert len(cands) == 4
    for cand in cands:
        full, fast = trip_estimate(ctx, cand), trip_totals(ctx, cand)
        assert fast.total == full.total and fast.complete == full.complete
        assert fast.flight_hours == full.travel.flight_hours


def test_conversion_matches_the_catalogue_fx_convert():
    build_world()
    rate("USD", datetime.date.today() - datetime.timedelta(days=40), "1.20")  # older: not used
    query = resolve_search(RawSearch(procedure="knee-replacement", currency="GBP"))
    fx = query.snapshot.fx(query.today)
    for amount, src, dst in [
        (Decimal("3500"), "USD", "GBP"),
        (Decimal("99000"), "INR", "GBP"),
        (Decimal(10), "EUR", "THB"),
    ]:
        assert fx.convert(amount, src, dst) == fx_convert(amount, src, dst)
    assert fx.convert(Decimal(1), "XYZ", "GBP") is None


# --- Savings -------------------------------------------------------------------------------------


def test_savings_against_the_home_reference_with_source_and_year():
    standard_world()
    result = run(origin="GB", origin_airport="LHR", currency="GBP")
    bangkok = row_of(result, "Bangkok Hospital")
    s = bangkok.savings
    assert s.status == "saving" and s.amount == Decimal("14000.00") - bangkok.estimate.total
    assert "Example UK self-pay survey" in s.explanation and "2024" in s.explanation
    assert "not adjusted for inflation" in s.explanation
    assert SavingsOut.of(s).model_dump()["reference"]["price_type"] == "self-pay price (as published)"
    delhi = row_of(result, "Delhi Hospital").savings  # its total leaves out the visa fee
    assert delhi.explanation.startswith("At most ") and "leaves out visa" in delhi.explanation


def test_no_reference_in_the_home_country():
    standard_world()
    s = run(origin="US").rows[0].savings
    assert s.status == "no_reference" and s.amount is None and "No reference" in s.explanation


def test_costs_more_than_a_low_reference():
    world = standard_world()
    ReferencePriceFactory(procedure=world.procedure, country=country("IN"), currency="INR", price=Decimal("100000"),
                          price_type="CGHS government ceiling package rate", data_year="2024", source="CGHS")  # fmt: skip
    s = row_of(run(origin="IN", origin_airport="DEL", currency="INR"), "Istanbul Hospital").savings
    assert s.status == "costs_more" and s.amount < 0 and "more than" in s.explanation


def test_reference_for_the_patients_city_first_else_the_lowest():
    world = standard_world()
    us = country("US")
    ReferencePriceFactory(
        procedure=world.procedure, country=us, city="New York City", price=Decimal("60000"), source="NYC figure"
    )
    ReferencePriceFactory(
        procedure=world.procedure, country=us, city="Nashville", price=Decimal("30000"), source="Nashville figure"
    )
    ReferencePriceFactory(procedure=world.procedure, country=us, price=Decimal("45000"), source="National figure")
    assert run(origin="US").rows[0].savings.reference.source == "Nashville figure"  # lowest: never overstated
    assert run(origin="US", origin_city="New York City").rows[0].savings.reference.source == "NYC figure"
    assert run(origin="US").rows[0].savings.others == 2


def test_two_countries_with_the_same_lodging_row_name_are_priced_apart():
    world = build_world()
    add_hospital(world, "in", country_code="IN", city="Nowhere", airport_code="DEL", name="India Other")
    add_hospital(world, "th", country_code="TH", city="Nowhere", airport_code="BKK", name="Thailand Other")
    result = run(origin="GB")
    lodging = {r.cand.name: r.estimate.line("lodging") for r in result.rows}
    assert lodging["India Other"].amount == 10 * Decimal(196)  # India [Other]
    assert lodging["Thailand Other"].amount == 10 * Decimal(99)  # Thailand [Other]
