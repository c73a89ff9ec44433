"""Demo rows for the network, added by ``setup_demo`` (DEMO_MODE only) on top of the real data.

* Outside India, no real accreditation list exists in the project, so a few Wikidata hospitals
  per destination country get a demo JCI accreditation and enter the network. Those hospitals,
  their accreditations, doctors, licences and offers are all flagged ``is_demo`` and every page
  and API object shows it.
* In India, a few real NABH-accredited hospitals get demo doctors and demo offers (their real
  accreditation stays as it is; only the added rows are demo).
* Offers use the country's cited reference prices where they exist ("estimate from <source>,
  <year>"); otherwise the price is an invented demo figure, flagged as such.
* The demo partner user is linked to the first Indian sample hospital, with one pending profile
  change and one unverified accreditation in the quality lead's queue.

Idempotent: a second run finds the rows and only re-links the partner (it takes milliseconds)."""

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.accounts.services import demo_email
from medijourney.catalog.importers import DESTINATIONS
from medijourney.catalog.models import Country, Procedure, ReferencePrice, Specialty

from .models import (
    Accreditation,
    AccreditationBody,
    Doctor,
    DoctorLicence,
    Hospital,
    Offer,
    PartnerMembership,
    PendingChange,
    VerificationStatus,
)
from .selectors import hospitals_in_network

PER_COUNTRY = 3
DEMO_EVIDENCE = "Demo data: invented for the demonstration; not a real accreditation."
DEMO_PRICE_NOTE = "Demo data: an invented price, as if submitted by the hospital"
# Procedures each sample hospital offers in the demo, by specialty mix.
DEMO_PROCEDURES = ("knee-replacement", "hip-replacement", "cabg", "angioplasty", "dental-implant", "cataract-surgery",
                   "ivf-cycle", "rhinoplasty", "sleeve-gastrectomy", "hair-transplant", "lasik", "breast-augmentation")  # fmt: skip
DEMO_DOCTORS = (
    ("Dr Asha Demo", "orthopedics", "MS (Orth), demo"),
    ("Dr Farid Demo", "cardiology", "DM (Cardiology), demo"),
    ("Dr Lina Demo", "dental", "BDS, MDS, demo"),
    ("Dr Mateo Demo", "ophthalmology", "MD (Ophthalmology), demo"),
    ("Dr Yuki Demo", "plastic_cosmetic_surgery", "FRCS (Plast), demo"),
    ("Dr Omar Demo", "bariatric_surgery", "MS (General Surgery), demo"),
)
INCLUDED = {"surgeon": True, "anaesthesia": True, "room_per_night": True, "pre_op_tests": True, "medicines": True}


# Well-known general hospitals that receive international patients, by their Wikidata names, so
# the demo does not give knee replacements to a psychiatric clinic. Their demo accreditations,
# doctors and offers are still invented and flagged as demo.
DEMO_PREFERRED = {
    "TH": ("Bumrungrad Hospital", "Bangkok Hospital", "Vejthani Hospital"),
    "TR": ("Acıbadem University Atakent Hospital", "Anadolu Medical Center", "Istanbul Florence Nightingale Hospital"),
    "MX": ("Hospital Angeles Pedregal", "Hospital Médica Sur", "Hospital Angeles Clinica Londres"),
    "SG": ("Mount Elizabeth Hospital", "Gleneagles Hospital", "Raffles Hospital"),
    "MY": ("Prince Court Medical Centre", "Pantai Hospital Penang", "Gleneagles Kota Kinabalu Hospital"),
    "KR": ("Severance Hospital", "Samsung Medical Center", "Asan Medical Center"),
    "AE": ("Cleveland Clinic Abu Dhabi", "Mediclinic City Hospital", "American Hospital Dubai"),
    "CR": ("Hospital Clínica Bíblica", "Hospital CIMA", "Hospital México"),
    "CO": ("Pablo Tobón Uribe Hospital", "Hospital Universitario San Ignacio", "Foscal Hospital"),
    "PL": ("Medicover Hospital Warsaw", "University Hospital in Krakow", "Saint Sophia Hospital in Warsaw"),
    "HU": ("Róbert Károly Private Hospital", "Uzsoki Hospital", "Saint John’s Hospital"),
    "DE": ("Charité", "University Hospital Heidelberg", "University Medical Center Hamburg-Eppendorf"),
}
# Names that mark a specialised, historic or odd entry (or an address) rather than a general hospital.
_NOT_GENERAL = re.compile(
    r"^\d|psychiatr|psych|geriatr|child|kinder|pediatr|paediatr|matern|women|frauen|rehabilit|hospice|"
    r"tubercul|leprosy|mental|veterin|prison|military|army|dental|eye|augen|oftalm|barraquer|cancer|oncolog|onkolog|"
    r"cardiolog|heart|spinal|rheumat|pneumolog|neurosurg|former|historic|street|ulica|^Q\d+$",
    re.IGNORECASE,
)
_GENERAL = re.compile(r"hospital|medical|klinikum|szpital|kórház|hastane|clínica|clinica|centre|center", re.IGNORECASE)


def _sample_hospitals(country: str) -> list[Hospital]:
    if country == "IN":
        qs = hospitals_in_network().filter(country_id="IN", source=Hospital.Source.NABH_REGISTER)
        return list(qs.exclude(latitude=None).order_by("name")[:PER_COUNTRY])
    qs = Hospital.objects.filter(country_id=country, source=Hospital.Source.WIKIDATA, status=Hospital.Status.ACTIVE)
    preferred = DEMO_PREFERRED.get(country, ())
    chosen = sorted(qs.filter(name__in=preferred), key=lambda h: preferred.index(h.name))[:PER_COUNTRY]
    if len(chosen) < PER_COUNTRY:
        for hospital in qs.exclude(website="").exclude(pk__in=[h.pk for h in chosen]).order_by("name", "id"):
            if _GENERAL.search(hospital.name) and not _NOT_GENERAL.search(hospital.name):
                chosen.append(hospital)
                if len(chosen) == PER_COUNTRY:
                    break
    return chosen


def _offer_price(procedure: Procedure, country: str, rank: int) -> tuple[str, Decimal, Decimal, str, str]:
    """(currency, low, high, source kind, note) from ONE cited price for the country (so the note
    names the only source used), else an invented demo figure."""
    cited = (
        ReferencePrice.objects.filter(procedure=procedure, country_id=country, dataset=ReferencePrice.Dataset.CITED)
        .order_by("id")
        .first()
    )
    if cited is not None:
        values = [v for v in (cited.price, cited.price_low, cited.price_high) if v is not None]
        if values:
            note = f"estimate from {cited.source}, {cited.data_year}"
            return cited.currency, min(values), max(values), Offer.SourceKind.COUNTRY_ESTIMATE, note[:500]
    base = Decimal(3000 + 1500 * (rank % 5))
    return "USD", base, base * Decimal("1.4"), Offer.SourceKind.HOSPITAL_SUBMITTED, DEMO_PRICE_NOTE


def _add_people_and_offers(
    hospital: Hospital, index: int, procedures: dict[str, Procedure], today: datetime.date
) -> None:
    specialties = {s.id: s for s in Specialty.objects.all()}
    for j in range(2):
        name, specialty, qualifications = DEMO_DOCTORS[(index + j) % len(DEMO_DOCTORS)]
        doctor, _created = Doctor.objects.get_or_create(
            hospital=hospital,
            full_name=name,
            defaults={"qualifications": qualifications, "languages": ["en"], "is_demo": True},
        )
        if specialty in specialties:
            doctor.specialties.add(specialties[specialty])
            hospital.specialties.add(specialties[specialty])
        DoctorLicence.objects.get_or_create(
            doctor=doctor,
            registry="Demo medical council (not a real registry)",
            number=f"DEMO-{hospital.pk}-{j + 1}",
            defaults={
                "country_id": hospital.country_id,
                "valid_from": today - datetime.timedelta(days=700),
                "valid_to": today + datetime.timedelta(days=20 if (index + j) % 7 == 0 else 900),
                "verification_status": VerificationStatus.VERIFIED,
                "verified_at": timezone.now(),
                "verification_note": "Demo data.",
                "is_demo": True,
            },
        )
    slugs = [DEMO_PROCEDURES[(index * 3 + k) % len(DEMO_PROCEDURES)] for k in range(3)]
    for rank, slug in enumerate(slugs):
        procedure = procedures.get(slug)
        if procedure is None:
            continue
        currency, low, high, kind, note = _offer_price(procedure, hospital.country_id, index + rank)
        Offer.objects.get_or_create(
            hospital=hospital,
            procedure=procedure,
            defaults={
                "currency": currency,
                "price_min": low,
                "price_max": high,
                "inclusions": {
                    **dict.fromkeys(
                        (
                            "implant",
                            "icu",
                            "physiotherapy",
                            "airport_transfer",
                            "interpreter",
                            "accommodation",
                            "other",
                        ),
                        False,
                    ),
                    **INCLUDED,
                },
                "wait_days": 7 + 7 * rank,
                "source_kind": kind,
                "source_note": note,
                "as_of": today,
                "is_demo": True,
            },
        )


def _link_partner(hospitals: Iterable[Hospital]) -> Hospital | None:
    partner = User.objects.filter(email__iexact=demo_email(Role.PARTNER)).first()
    first = next(iter(hospitals), None)
    if partner is None or first is None:
        return None
    PartnerMembership.objects.get_or_create(user=partner, defaults={"hospital": first})
    if not PendingChange.objects.filter(hospital=first, submitted_by=partner).exists():
        PendingChange.objects.create(
            hospital=first,
            kind=PendingChange.Kind.PROFILE,
            payload={
                "website": first.website,
                "about": "Demo data: a proposed description of the international patient desk.",
                "languages": ["en", "hi", "ar"],
                "specialties": ["orthopedics", "cardiology"],
                "intl_desk_name": "International patient desk (demo)",
                "intl_desk_email": "desk@demo.medijourney.test",
                "intl_desk_phone": "+91 20 0000 0000",
            },
            submitted_by=partner,
            created_by=partner,
        )
    return first


def network_demo_setup() -> list[str]:
    """Add the demo rows described above. Returns notes for the setup_demo summary."""
    if not Hospital.objects.exists():
        return ["Network demo skipped: no hospitals imported (run import_reference_data first)."]
    jci = AccreditationBody.objects.filter(code="JCI").first()
    if jci is None:
        return ["Network demo skipped: accreditation bodies not imported."]
    today = timezone.localdate()
    if Accreditation.objects.filter(is_demo=True).exists():
        india = [m.hospital for m in PartnerMembership.objects.select_related("hospital")[:1]] or _sample_hospitals(
            "IN"
        )
        _link_partner(india)
        return [
            f"Network demo rows present ({Accreditation.objects.filter(is_demo=True).count()} demo accreditations)."
        ]
    procedures = {p.slug: p for p in Procedure.objects.filter(slug__in=DEMO_PROCEDURES)}
    countries = set(Country.objects.filter(code__in=DESTINATIONS).values_list("code", flat=True))
    sampled: dict[str, list[Hospital]] = {}
    with transaction.atomic():
        index = 0
        for country in DESTINATIONS:
            if country not in countries:
                continue
            hospitals = _sample_hospitals(country)
            sampled[country] = hospitals
            for i, hospital in enumerate(hospitals):
                if country != "IN":
                    hospital.is_demo = True
                    hospital.save(update_fields=["is_demo", "updated_at"])
                    days = (25, 45, 500)[i % 3]  # some show up in the expiry queue
                    Accreditation.objects.get_or_create(
                        body=jci,
                        number=f"DEMO-JCI-{country}-{i + 1}",
                        defaults={
                            "hospital": hospital,
                            "level": "Hospital programme (demo)",
                            "valid_from": today - datetime.timedelta(days=3 * 365 - days),
                            "valid_to": today + datetime.timedelta(days=days),
                            "verification_status": VerificationStatus.VERIFIED,
                            "verified_at": timezone.now(),
                            "verification_note": "Demo data.",
                            "evidence_source": DEMO_EVIDENCE,
                            "is_demo": True,
                        },
                    )
                _add_people_and_offers(hospital, index, procedures, today)
                index += 1
        first = _link_partner(sampled.get("IN", []))
        if first is not None:
            Accreditation.objects.get_or_create(
                body=jci,
                number="DEMO-JCI-SUBMITTED-1",
                defaults={
                    "hospital": first,
                    "level": "Hospital programme (demo submission)",
                    "valid_from": today - datetime.timedelta(days=30),
                    "valid_to": today + datetime.timedelta(days=3 * 365 - 30),
                    "verification_status": VerificationStatus.PENDING,
                    "evidence_source": "Demo submission without a file.",
                    "is_demo": True,
                },
            )
    total = sum(len(h) for h in sampled.values())
    return [f"Network demo: {total} sample hospitals in {len(sampled)} countries with demo doctors and offers."]
