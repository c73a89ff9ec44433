"""Add N synthetic hospitals (with accreditations, doctors and offers) for load tests.

Every row is invented for benchmarks: each hospital gets a ``discovery.SyntheticHospital`` marker,
``is_demo`` is set on every row, names say "Synthetic", and offers say "Synthetic benchmark row —
not a real price". Search and compare never return them unless the bench-only setting
``DISCOVERY_INCLUDE_SYNTHETIC`` is on, and never in demo mode. The command refuses to run in demo
mode, so a demo database never holds them.

    manage.py make_synthetic_network 12000 --offer-hospitals 400   # 12,000 hospitals, 400 with offers
    manage.py make_synthetic_network 0 --remove                    # delete every synthetic row

Hospitals copy the place (country, city, nearest airport) of a real hospital in the network;
offers copy the procedure mix and price level of the network's real offers, with noise."""

import datetime
import random
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from medijourney.catalog.models import Procedure, Specialty
from medijourney.core.dbstats import statistics_refresh
from medijourney.discovery import reference
from medijourney.discovery.models import SyntheticHospital
from medijourney.discovery.selectors import clear_caches
from medijourney.network.models import (
    Accreditation,
    AccreditationBody,
    Doctor,
    DoctorLicence,
    Hospital,
    Offer,
    VerificationStatus,
)
from medijourney.network.offer_items import OFFER_ITEM_IDS
from medijourney.network.selectors import hospitals_in_network

NOTE = "Synthetic benchmark row — not a real price"
BATCH = 2000


class Command(BaseCommand):
    help = "Add N synthetic hospitals with offers for benchmarks (never shown outside the benchmark)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("n", type=int, help="How many synthetic hospitals to add.")
        parser.add_argument(
            "--offer-hospitals",
            type=int,
            default=None,
            help="How many of them get offers (default: all).",
        )
        parser.add_argument("--offers-per-hospital", type=int, default=3)
        parser.add_argument(
            "--procedures",
            default="",
            help="Comma-separated slugs to make offers for (default: the procedures real offers cover, else all).",
        )
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--remove", action="store_true", help="Delete every synthetic row first.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.DEMO_MODE:
            raise CommandError("Refused in demo mode: synthetic benchmark rows must never appear in a demo.")
        if options["remove"]:
            removed = self._remove()
            self.stdout.write(f"Removed {removed} synthetic hospitals (and their rows).")
        n = options["n"]
        if n <= 0:
            return
        rng = random.Random(options["seed"])  # noqa: S311 - invented benchmark data, not security
        with_offers = n if options["offer_hospitals"] is None else max(0, min(options["offer_hospitals"], n))
        created = self._create(n, with_offers, options["offers_per_hospital"], options["procedures"], rng)
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # What autovacuum does after a bulk load, at once: statistics and the visibility map
            # (without it the search index's first reading of 91,217 offers took 1.66 s in the
            # database instead of 1.30 s: its index-only scans visited the table).
            with connection.cursor() as cursor:
                for model in (Hospital, Accreditation, Doctor, DoctorLicence, Offer, SyntheticHospital):
                    cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
        else:
            statistics_refresh()  # fresh planner statistics after a bulk load (SQLite gathers none itself)
        reference.clear()
        clear_caches()
        self.stdout.write(
            f"Added {created} synthetic hospitals ({with_offers} with {options['offers_per_hospital']} offers each)."
        )

    def _remove(self) -> int:
        ids = list(SyntheticHospital.objects.values_list("hospital_id", flat=True))
        for i in range(0, len(ids), BATCH):
            chunk = ids[i : i + BATCH]
            with transaction.atomic():
                Offer.objects.filter(hospital_id__in=chunk).delete()
                Hospital.objects.filter(pk__in=chunk).delete()
        return len(ids)

    def _create(self, n: int, with_offers: int, per_hospital: int, slugs: str, rng: random.Random) -> int:
        gen = _Generator(rng, slugs)
        created = 0
        for start in range(0, n, BATCH):
            with transaction.atomic():
                created += gen.batch(start, min(BATCH, n - start), with_offers, per_hospital)
        return created


class _Generator:
    """Invented rows copying the places, procedures and price levels of the real network."""

    def __init__(self, rng: random.Random, slugs: str) -> None:
        self.rng = rng
        self.today = timezone.localdate()
        self.templates = list(
            hospitals_in_network(self.today)
            .filter(synthetic_marker__isnull=True, nearest_airport__isnull=False)
            .values("country_id", "city", "region", "latitude", "longitude", "nearest_airport_id", "nearest_airport_km")
        )
        if not self.templates:
            raise CommandError("No hospital in the network to copy places from: import the reference data first.")
        real_offers = list(
            Offer.objects.filter(hospital__synthetic_marker__isnull=True).values_list(
                "procedure_id", "currency", "price_min", "price_max"
            )
        )
        if slugs:
            procedure_ids = list(Procedure.objects.filter(slug__in=slugs.split(",")).values_list("pk", flat=True))
        else:
            procedure_ids = sorted({p for p, *_rest in real_offers}) or list(
                Procedure.objects.values_list("pk", flat=True)
            )
        if not procedure_ids:
            raise CommandError("No procedure to make offers for.")
        self.procedure_ids = procedure_ids
        self.prices: dict[int, list[tuple[str, Decimal, Decimal]]] = {}
        for pid, ccy, low, high in real_offers:
            self.prices.setdefault(pid, []).append((ccy, low, high))
        self.specialty_of = dict(Procedure.objects.filter(pk__in=procedure_ids).values_list("pk", "specialty_id"))
        self.specialties = {s.id: s for s in Specialty.objects.filter(id__in=set(self.specialty_of.values()))}
        self.jci, _ = AccreditationBody.objects.get_or_create(
            code="JCI",
            defaults={"name": "Joint Commission International", "short_name": "JCI", "admits_to_network": True},
        )
        self.batch_id = uuid.uuid4().hex[:8]

    def batch(self, start: int, size: int, with_offers: int, per_hospital: int) -> int:
        saved = self._hospitals(start, size)
        SyntheticHospital.objects.bulk_create([SyntheticHospital(hospital=h, batch=self.batch_id) for h in saved])
        self._accreditations(saved)
        doctors: list[tuple[Doctor, str]] = []
        offers: list[Offer] = []
        for k, h in enumerate(saved):
            if start + k >= with_offers:
                continue
            chosen = self.rng.sample(self.procedure_ids, min(per_hospital, len(self.procedure_ids)))
            offers.extend(self._offer(h, pid) for pid in chosen)
            if self.rng.random() < 0.5:
                doctors.append((self._doctor(h), self.specialty_of[chosen[0]]))
        Offer.objects.bulk_create(offers)
        self._doctors(doctors)
        return len(saved)

    def _hospitals(self, start: int, size: int) -> list[Hospital]:
        rng, batch = self.rng, self.batch_id
        hospitals = []
        for i in range(start, start + size):
            t = rng.choice(self.templates)
            lat = (t["latitude"] or 0) + rng.uniform(-0.05, 0.05) if t["latitude"] is not None else None
            lon = (t["longitude"] or 0) + rng.uniform(-0.05, 0.05) if t["longitude"] is not None else None
            hospitals.append(
                Hospital(
                    name=f"Synthetic hospital {batch}-{i:06d} (benchmark)",
                    city=t["city"],
                    region=t["region"],
                    country_id=t["country_id"],
                    latitude=lat,
                    longitude=lon,
                    nearest_airport_id=t["nearest_airport_id"],
                    nearest_airport_km=t["nearest_airport_km"],
                    airport_basis=Hospital.AirportBasis.COORDINATES if lat is not None else Hospital.AirportBasis.CITY,
                    languages=rng.choice([["en"], ["en", "ar"], ["en", "de"], ["en", "hi"], []]),
                    source=Hospital.Source.ONBOARDED,
                    source_key=f"synthetic:{batch}:{i}",
                    is_demo=True,
                )
            )
        if connection.features.can_return_rows_from_bulk_insert:
            return Hospital.objects.bulk_create(hospitals)  # with their ids (PostgreSQL, SQLite >= 3.35)
        Hospital.objects.bulk_create(hospitals)
        return list(
            Hospital.objects.filter(source_key__startswith=f"synthetic:{batch}:")
            .exclude(synthetic_marker__isnull=False)
            .order_by("id")
        )

    def _accreditations(self, saved: list[Hospital]) -> None:
        rng, today = self.rng, self.today
        Accreditation.objects.bulk_create(
            [
                Accreditation(
                    hospital=h,
                    body=self.jci,
                    number=f"SYN-{self.batch_id}-{h.pk}",
                    level="Synthetic (benchmark)",
                    valid_from=today - datetime.timedelta(days=rng.randint(30, 900)),
                    valid_to=today + datetime.timedelta(days=rng.randint(30, 900)),
                    verification_status=VerificationStatus.VERIFIED,
                    evidence_source="Synthetic benchmark row, not a real accreditation.",
                    is_demo=True,
                )
                for h in saved
            ]
        )

    def _offer(self, h: Hospital, pid: int) -> Offer:
        rng = self.rng
        base = self.prices.get(pid)
        if base:
            ccy, low, high = rng.choice(base)
        else:
            ccy, low = "USD", Decimal(rng.randint(2000, 15000))
            high = low * Decimal("1.3")
        factor = Decimal(str(round(rng.uniform(0.7, 1.3), 2)))
        return Offer(
            hospital=h,
            procedure_id=pid,
            currency=ccy,
            price_min=(low * factor).quantize(Decimal("1")),
            price_max=(high * factor).quantize(Decimal("1")),
            inclusions={item: rng.random() < 0.5 for item in OFFER_ITEM_IDS},
            wait_days=rng.choice([None, *range(0, 61)]),
            source_kind=Offer.SourceKind.HOSPITAL_SUBMITTED,
            source_note=NOTE,
            as_of=self.today,
            is_demo=True,
        )

    def _doctor(self, h: Hospital) -> Doctor:
        return Doctor(
            hospital=h,
            full_name=f"Dr Synthetic {h.pk}",
            qualifications="Synthetic (benchmark)",
            languages=self.rng.choice([["en"], ["en", "ar"], ["de"]]),
            is_demo=True,
        )

    def _doctors(self, doctors: list[tuple[Doctor, str]]) -> None:
        Doctor.objects.bulk_create([d for d, _s in doctors])
        through = Doctor.specialties.through
        through.objects.bulk_create(
            [through(doctor_id=d.pk, specialty_id=self.specialties[s].pk) for d, s in doctors if s in self.specialties]
        )
        DoctorLicence.objects.bulk_create(
            [
                DoctorLicence(
                    doctor=d,
                    registry="Synthetic registry (benchmark)",
                    number=f"SYN-{d.pk}",
                    country_id=d.hospital.country_id,
                    valid_to=self.today + datetime.timedelta(days=365),
                    verification_status=VerificationStatus.VERIFIED,
                    is_demo=True,
                )
                for d, _s in doctors
            ]
        )
