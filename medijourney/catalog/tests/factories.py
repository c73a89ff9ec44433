"""Factories for catalogue rows. Countries and specialties are reference rows: get_or_create."""

import datetime
from decimal import Decimal

import factory

from medijourney.catalog.models import (
    Airport,
    Country,
    Currency,
    ExchangeRate,
    FitToFlyGuidance,
    Procedure,
    ReferencePrice,
    Specialty,
    VisaRule,
)
from medijourney.testing.factories import ModelFactory

COUNTRY_NAMES = {
    "IN": ("India", "INR"),
    "TH": ("Thailand", "THB"),
    "TR": ("Türkiye", "TRY"),
    "US": ("United States", "USD"),
    "GB": ("United Kingdom", "GBP"),
    "DE": ("Germany", "EUR"),
    "AE": ("United Arab Emirates", "AED"),
    "MX": ("Mexico", "MXN"),
    "NG": ("Nigeria", "NGN"),
    "FR": ("France", "EUR"),
}


def country(code: str = "IN", *, destination: bool | None = None) -> Country:
    name, ccy = COUNTRY_NAMES.get(code, (code, ""))
    currency = Currency.objects.get_or_create(code=ccy, defaults={"name": ccy})[0] if ccy else None
    obj, _ = Country.objects.get_or_create(
        code=code,
        defaults={"name": name, "currency": currency, "is_destination": code in ("IN", "TH", "TR", "MX", "DE", "AE")},
    )
    if destination is not None and obj.is_destination != destination:
        obj.is_destination = destination
        obj.save()
    return obj


def specialty(sid: str = "orthopedics", name: str | None = None) -> Specialty:
    return Specialty.objects.get_or_create(id=sid, defaults={"name": name or sid.replace("_", " ").title()})[0]


class ProcedureFactory(ModelFactory[Procedure]):
    class Meta:
        model = Procedure
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"procedure-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").capitalize())
    specialty = factory.LazyFunction(lambda: specialty("orthopedics"))
    synonyms = factory.LazyFunction(list)
    description = "A plain description."
    inpatient_nights = 3
    total_days = 10
    data_date = datetime.date(2026, 11, 24)


class FitToFlyFactory(ModelFactory[FitToFlyGuidance]):
    class Meta:
        model = FitToFlyGuidance
        django_get_or_create = ("condition",)

    condition = "Cataract surgery"
    category = "eye surgery"
    min_days_before_flying = 1
    recommended_days_before_flying = 1
    authority = "UK CAA"
    source_url = "https://caa.co.uk/example"


class AirportFactory(ModelFactory[Airport]):
    class Meta:
        model = Airport
        django_get_or_create = ("ident",)

    ident = factory.Sequence(lambda n: f"XX{n:02d}")
    iata = factory.Sequence(lambda n: f"X{n:02d}"[:3])
    name = factory.Sequence(lambda n: f"Test International Airport {n}")
    city = "Testville"
    country = factory.LazyFunction(lambda: country("IN"))
    latitude = 19.0887
    longitude = 72.8679
    size = Airport.Size.LARGE
    is_international = True
    time_zone = "Asia/Kolkata"


class ReferencePriceFactory(ModelFactory[ReferencePrice]):
    class Meta:
        model = ReferencePrice

    procedure = factory.SubFactory(ProcedureFactory)
    country = factory.LazyFunction(lambda: country("IN"))
    dataset = ReferencePrice.Dataset.CITED
    source_key = factory.Sequence(lambda n: f"key-{n}")
    source_label = "Source name"
    currency = "USD"
    price = Decimal("7900")
    price_type = "approximate average (as published)"
    data_year = "2011"
    source = "HighYa Medical Tourism 101"
    source_url = "https://example.test/highya"


def visa_rule(passport: str, destination: str, requirement: str = "e_visa", days: int | None = None) -> VisaRule:
    return VisaRule.objects.create(
        passport=country(passport),
        destination=country(destination),
        requirement=requirement,
        days_allowed=days,
        raw_value=str(days or requirement),
        data_date=datetime.date(2025, 1, 12),
        source="Passport Index dataset",
        source_url="https://github.com/ilyankou/passport-index-dataset",
    )


def rate(currency: str, day: datetime.date, units_per_eur: str) -> ExchangeRate:
    return ExchangeRate.objects.create(
        currency=currency, date=day, units_per_eur=Decimal(units_per_eur), source="ECB test"
    )
