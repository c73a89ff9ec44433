import datetime
from decimal import Decimal

import pytest

from medijourney.catalog.selectors import (
    airports_near,
    convert,
    fx_convert,
    nearest_airport,
    procedure_by_slug,
    reference_prices_for,
    visa_requirement,
)
from medijourney.catalog.tests.factories import (
    AirportFactory,
    ProcedureFactory,
    ReferencePriceFactory,
    country,
    rate,
    visa_rule,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def test_visa_requirement_carries_days_date_and_source():
    visa_rule("GB", "TH", "visa_free", 30)
    rule = visa_requirement("gb", "th")
    assert rule is not None
    assert (rule.requirement, rule.days_allowed, rule.data_date) == ("visa_free", 30, D(2025, 1, 12))
    assert rule.label == "visa free" and "Passport Index" in rule.source
    assert visa_requirement("GB", "IN") is None


def test_fx_converts_through_eur_with_the_rate_date():
    rate("USD", D(2026, 10, 29), "1.10")
    rate("USD", D(2026, 10, 30), "1.1172")
    rate("INR", D(2026, 10, 30), "106.084")
    converted = fx_convert(Decimal("1000"), "USD", "INR", on=D(2026, 11, 2))
    assert converted is not None
    amount, day = converted
    assert day == D(2026, 10, 30)
    assert amount == (Decimal("1000") / Decimal("1.1172") * Decimal("106.084")).quantize(Decimal("0.01"))
    # The latest rate on or before the day asked for, never a later one.
    assert fx_convert(Decimal("110"), "USD", "EUR", on=D(2026, 10, 29)) == (Decimal("100.00"), D(2026, 10, 29))
    assert convert(Decimal("100"), "EUR", "EUR") is not None
    assert fx_convert(Decimal("100"), "USD", "INR", on=D(2026, 10, 1)) is None  # no INR rate yet


@pytest.mark.parametrize("currency", ["AED", "COP", "CRC"])
def test_currencies_the_ecb_lacks_have_no_rate_never_a_guess(currency):
    rate("USD", D(2026, 10, 30), "1.1172")
    assert fx_convert(Decimal("1000"), "USD", currency) is None
    assert fx_convert(Decimal("1000"), currency, "USD") is None


def test_airports_near_and_nearest_international():
    bom = AirportFactory(ident="VABB", iata="BOM", latitude=19.0887, longitude=72.8679)
    AirportFactory(ident="VAPO", iata="PNQ", latitude=18.5821, longitude=73.9197, is_international=False)
    AirportFactory(ident="VIDP", iata="DEL", latitude=28.5665, longitude=77.1031)
    pune = (18.5204, 73.8567)
    near = airports_near(*pune, radius_km=200, international_only=False)
    assert [a.airport.iata for a in near] == ["PNQ", "BOM"]
    assert 115 < near[1].km < 130
    found = nearest_airport(*pune)
    assert found is not None and found.airport == bom
    assert nearest_airport(-45.0, 170.0) is not None  # the search widens until it finds one


def test_reference_prices_and_procedure_lookup():
    p = ProcedureFactory(slug="cabg")
    ReferencePriceFactory(procedure=p, country=country("IN"))
    ReferencePriceFactory(procedure=p, country=country("US"), price=Decimal("123000"))
    assert procedure_by_slug("cabg") == p and procedure_by_slug("nope") is None
    assert reference_prices_for("cabg").count() == 2
    assert [r.country_id for r in reference_prices_for(p, "in")] == ["IN"]
