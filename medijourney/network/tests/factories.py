"""Factories for the network. ``in_network_hospital`` gives a hospital with a verified, current
NABH accreditation (so it is in the network today)."""

import datetime
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from medijourney.catalog.tests.factories import ProcedureFactory, country
from medijourney.network.models import (
    Accreditation,
    AccreditationBody,
    Doctor,
    DoctorLicence,
    Hospital,
    Offer,
    PartnerMembership,
    VerificationStatus,
)
from medijourney.testing.factories import ModelFactory


def body(code: str = "NABH", *, admits: bool = True) -> AccreditationBody:
    return AccreditationBody.objects.get_or_create(
        code=code, defaults={"name": f"{code} body", "short_name": code, "admits_to_network": admits}
    )[0]


class HospitalFactory(ModelFactory[Hospital]):
    class Meta:
        model = Hospital

    name = factory.Sequence(lambda n: f"Test Hospital {n}")
    city = "Pune"
    region = "Maharashtra"
    country = factory.LazyFunction(lambda: country("IN"))
    source = Hospital.Source.ONBOARDED


class AccreditationFactory(ModelFactory[Accreditation]):
    class Meta:
        model = Accreditation

    hospital = factory.SubFactory(HospitalFactory)
    body = factory.LazyFunction(body)
    number = factory.Sequence(lambda n: f"H-2024-{n:04d}")
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))
    valid_to = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))
    verification_status = VerificationStatus.VERIFIED
    verified_at = factory.LazyFunction(timezone.now)
    evidence_source = "Public NABH register (test)"


def in_network_hospital(**kwargs: Any) -> Hospital:
    acc_kwargs = {k[4:]: kwargs.pop(k) for k in list(kwargs) if k.startswith("acc_")}
    hospital = HospitalFactory(**kwargs)
    AccreditationFactory(hospital=hospital, **acc_kwargs)
    return hospital


class DoctorFactory(ModelFactory[Doctor]):
    class Meta:
        model = Doctor

    hospital = factory.SubFactory(HospitalFactory)
    full_name = factory.Sequence(lambda n: f"Dr Test {n}")
    qualifications = "MS"


class LicenceFactory(ModelFactory[DoctorLicence]):
    class Meta:
        model = DoctorLicence

    doctor = factory.SubFactory(DoctorFactory)
    registry = "National Medical Commission"
    number = factory.Sequence(lambda n: f"NMC-{n}")
    country = factory.LazyFunction(lambda: country("IN"))
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))
    valid_to = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))
    verification_status = VerificationStatus.VERIFIED


class OfferFactory(ModelFactory[Offer]):
    class Meta:
        model = Offer

    hospital = factory.SubFactory(HospitalFactory)
    procedure = factory.SubFactory(ProcedureFactory)
    currency = "USD"
    price_min = Decimal("5000")
    price_max = Decimal("7000")
    inclusions = factory.LazyFunction(lambda: {"surgeon": True, "anaesthesia": True})
    wait_days = 14
    source_kind = Offer.SourceKind.HOSPITAL_SUBMITTED
    source_note = "Submitted by the hospital"
    as_of = factory.LazyFunction(timezone.localdate)


def membership(user: Any, hospital: Hospital) -> PartnerMembership:
    return PartnerMembership.objects.create(user=user, hospital=hospital)
