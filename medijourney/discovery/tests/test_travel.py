"""Reference figures for the trip estimate: State Department lodging (city, alias, [Other],
seasons, zero = unknown), the SIFL fare formula and the flight-time rule. No database."""

import datetime
from decimal import Decimal

import pytest

from medijourney.discovery import travel

D = datetime.date


@pytest.mark.parametrize(
    ("country", "city", "location", "matched_by"),
    [
        ("IN", "New Delhi", "New Delhi", "city"),
        ("IN", "Delhi", "New Delhi", "city"),  # editorial alias
        ("IN", "Bangalore", "Bengaluru", "city"),
        ("IN", "Thiruvananthapuram", "Trivandrum", "city"),
        ("IN", "Thrissur", "[Other]", "country"),  # not listed: the country's [Other] row
        ("IN", "", "[Other]", "country"),
        ("DE", "Düsseldorf", "Duesseldorf", "city"),  # umlaut spelled ue
        ("MX", "Mexico City", "Mexico City, D.F.", "city"),  # the part before the comma
        ("TH", "bangkok", "Bangkok", "city"),
        ("SG", "Anywhere", "Singapore", "country"),  # a single-location country
    ],
)
def test_lodging_rate_matches_city_alias_or_country(country, city, location, matched_by):
    rate = travel.lodging_rate(country, city)
    assert rate is not None
    assert rate.location == location
    assert rate.matched_by == matched_by


def test_no_row_for_the_country_is_none():
    assert travel.lodging_rate("US", "New York") is None  # the U.S. is not in the foreign file
    assert travel.lodging_rate("ZZ", "") is None


def test_lodging_cost_single_rate():
    rate = travel.lodging_rate("TH", "Bangkok")
    assert rate is not None
    cost = travel.lodging_cost(rate, D(2026, 12, 1), 10)
    assert cost is not None
    total, used = cost
    assert total == Decimal(2590)  # 10 × USD 259 (April 2026 file)
    assert used == ((Decimal(259), 10),)


def test_lodging_cost_follows_the_seasons_night_by_night():
    # Mumbai: S1 02-01..03-31 USD 282, S2 04-01..01-31 USD 218.
    rate = travel.lodging_rate("IN", "Mumbai")
    assert rate is not None
    cost = travel.lodging_cost(rate, D(2027, 1, 29), 5)  # Jan 29, 30, 31 (S2) + Feb 1, 2 (S1)
    assert cost is not None
    total, used = cost
    assert total == 3 * 218 + 2 * 282
    assert dict(used) == {Decimal(218): 3, Decimal(282): 2}


def test_a_zero_lodging_allowance_is_unknown_not_free():
    rate = travel.lodging_rate("SO", "Mogadishu")
    assert rate is not None and rate.location == "Mogadishu"
    assert travel.lodging_cost(rate, D(2026, 12, 1), 3) is None


def test_sifl_worked_example_from_the_provenance():
    # 7,500 statute miles: 52.44 + 500×0.2869 + 1000×0.2187 + 6000×0.2103 ≈ USD 1,676 one way.
    km = 7500 * 1.609344
    assert travel.sifl_one_way_usd(km) == Decimal(1676)


def test_sifl_short_flight_uses_only_the_first_band():
    km = 100 * 1.609344
    assert travel.sifl_one_way_usd(km) == (Decimal("52.44") + 100 * Decimal("0.2869")).quantize(Decimal(1))
    assert travel.sifl_one_way_usd(0) == 0


def test_flight_hours_rule():
    assert travel.flight_hours(800) == 1.5  # 800 km ÷ 800 km/h + 0.5 h
    assert travel.flight_hours(8000) == 10.5
    assert travel.flight_hours(0) == 0.0


def test_airfare_figures_are_read_from_the_staged_file():
    figures = travel.airfare_figures()
    assert figures.sifl.terminal == Decimal("52.44")
    assert figures.sifl.band3 == Decimal("0.2103")
    assert figures.iata_avg_return_usd == Decimal(374)
