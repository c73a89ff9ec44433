"""A small world for discovery tests: a patient's country (GB) and three destinations (India,
Thailand, Türkiye) with airports, ECB rates, visa rules, a procedure with its stay and fit-to-fly
interval, a reference price in GB, and hospitals in the network with offers."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from medijourney.catalog.models import Airport, Language, Procedure
from medijourney.catalog.tests.factories import (
    AirportFactory,
    FitToFlyFactory,
    ProcedureFactory,
    ReferencePriceFactory,
    country,
    rate,
    specialty,
    visa_rule,
)
from medijourney.network.models import Hospital, Offer
from medijourney.network.tests.factories import (
    AccreditationFactory,
    DoctorFactory,
    LicenceFactory,
    OfferFactory,
    body,
    in_network_hospital,
)

# A whole price for a knee replacement includes the implant and physiotherapy (catalog.needed).
WHOLE = {"surgeon": True, "anaesthesia": True, "implant": True, "physiotherapy": True}
ROOM = {**WHOLE, "room_per_night": True}
NO_ROOM = {**WHOLE, "room_per_night": False}
NO_IMPLANT = {**ROOM, "implant": False}


@dataclass
class World:
    procedure: Procedure
    airports: dict[str, Airport]
    hospitals: dict[str, Hospital] = field(default_factory=dict)
    offers: dict[str, Offer] = field(default_factory=dict)

    def offer(self, key: str) -> Offer:
        return self.offers[key]


def airport(iata: str, code: str, lat: float, lon: float, city: str, size: str = "large_airport") -> Airport:
    return AirportFactory(
        ident=f"X{iata}",
        iata=iata,
        name=f"{city} International Airport",
        city=city,
        country=country(code),
        latitude=lat,
        longitude=lon,
        size=size,
        is_international=True,
    )


def build_world(*, rates_day: datetime.date | None = None) -> World:
    today = timezone.localdate()
    day = rates_day or today - datetime.timedelta(days=3)
    for code in ("GB", "IN", "TH", "TR", "US", "DE"):
        country(code)
    Language.objects.get_or_create(code="en", defaults={"name": "English"})
    Language.objects.get_or_create(code="ar", defaults={"name": "Arabic"})
    Language.objects.get_or_create(code="hi", defaults={"name": "Hindi"})
    airports = {
        "LHR": airport("LHR", "GB", 51.4700, -0.4543, "London"),
        "MAN": airport("MAN", "GB", 53.3537, -2.2750, "Manchester"),
        "DEL": airport("DEL", "IN", 28.5562, 77.1000, "New Delhi"),
        "BKK": airport("BKK", "TH", 13.6900, 100.7501, "Bangkok"),
        "IST": airport("IST", "TR", 41.2753, 28.7519, "Istanbul"),
        "JFK": airport("JFK", "US", 40.6413, -73.7781, "New York"),
    }
    # ECB reference rates: units per EUR.
    rate("USD", day, "1.10")
    rate("GBP", day, "0.85")
    rate("INR", day, "92.00")
    rate("THB", day, "38.00")
    visa_rule("GB", "IN", "e_visa")
    visa_rule("GB", "TH", "visa_free", 30)
    visa_rule("GB", "TR", "visa_free", 90)
    body("JCI")
    body("NABH")
    ortho = specialty("orthopedics", "Orthopaedics")
    procedure = ProcedureFactory(
        slug="knee-replacement",
        name="Total knee replacement",
        specialty=ortho,
        synonyms=["TKR", "new knee"],
        inpatient_nights=4,
        total_days=14,
    )
    ProcedureFactory(
        slug="cataract-surgery",
        name="Cataract surgery",
        specialty=specialty("ophthalmology", "Ophthalmology"),
        inpatient_nights=0,
        total_days=4,
        fit_to_fly=FitToFlyFactory(condition="Cataract surgery", min_days_before_flying=1),
        min_days_before_flying=1,
    )
    ReferencePriceFactory(
        procedure=procedure,
        country=country("GB"),
        currency="GBP",
        price=Decimal("14000"),
        price_type="self-pay price (as published)",
        data_year="2024",
        source="Example UK self-pay survey",
    )
    return World(procedure=procedure, airports=airports)


def add_hospital(
    world: World,
    key: str,
    *,
    country_code: str,
    city: str,
    airport_code: str,
    price: tuple[str, str] = ("5000", "7000"),
    currency: str = "USD",
    wait_days: int | None = 14,
    inclusions: dict[str, bool] | None = None,
    bodies: tuple[str, ...] = ("JCI",),
    doctors: int = 0,
    languages: list[str] | None = None,
    is_demo: bool = False,
    name: str | None = None,
    **hospital: Any,
) -> Offer:
    h = in_network_hospital(
        name=name or f"{key.title()} Hospital",
        city=city,
        country=country(country_code),
        nearest_airport=world.airports[airport_code],
        nearest_airport_km=Decimal("20.0"),
        languages=languages or [],
        is_demo=is_demo,
        acc_body=body(bodies[0]),
        **hospital,
    )
    for extra in bodies[1:]:
        AccreditationFactory(hospital=h, body=body(extra))
    for _i in range(doctors):
        d = DoctorFactory(hospital=h, languages=languages or ["en"])
        d.specialties.add(world.procedure.specialty)
        LicenceFactory(doctor=d, country=country(country_code))
    offer = OfferFactory(
        hospital=h,
        procedure=world.procedure,
        currency=currency,
        price_min=Decimal(price[0]),
        price_max=Decimal(price[1]),
        wait_days=wait_days,
        inclusions=inclusions if inclusions is not None else dict(ROOM),
        is_demo=is_demo,
    )
    world.hospitals[key] = h
    world.offers[key] = offer
    return offer


def standard_world() -> World:
    """Three hospitals: Delhi (cheap, far, e-visa), Bangkok (mid), Istanbul (dear, near)."""
    world = build_world()
    add_hospital(
        world,
        "delhi",
        country_code="IN",
        city="New Delhi",
        airport_code="DEL",
        price=("3000", "4000"),
        wait_days=7,
        bodies=("NABH",),
        doctors=1,
    )
    add_hospital(
        world,
        "bangkok",
        country_code="TH",
        city="Bangkok",
        airport_code="BKK",
        price=("6000", "8000"),
        wait_days=21,
        doctors=2,
    )
    add_hospital(
        world,
        "istanbul",
        country_code="TR",
        city="Istanbul",
        airport_code="IST",
        price=("9000", "11000"),
        wait_days=30,
        bodies=("JCI", "NABH"),
        doctors=3,
        languages=["en", "ar"],
    )
    return world
