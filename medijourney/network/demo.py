"""Demo rows for the network, added by ``setup_demo`` (DEMO_MODE only).

Nothing invented is ever attached to a real hospital. The demo network is made of *fictional*
hospitals whose names say so ("Demo Orthopaedic Hospital Istanbul"), in real cities, so that the
travel, lodging and visa figures around them stay real. Each has a demo JCI accreditation, demo
doctors whose degrees match their specialty, and demo offers for the procedures of that specialty;
every row is flagged ``is_demo`` and every page and API object shows it. Real hospitals (the NABH
register, Wikidata) keep only their real data: a real NABH accreditation stays with its real number
and dates, and no demo offer, doctor or accreditation is added to them.

* Demo hospitals have no coordinates (none are invented): their airport is their city's main
  international airport by the catalogue's rule, and lodging uses their city's rate.
* Offers use the country's cited reference price where one exists ("estimate from <source>, <year>",
  shown as a country-level estimate), otherwise an invented figure flagged as demo. Most prices include
  what the procedure needs (catalog.needed); the Berlin clinic's do not, so the demo shows how an
  incomplete total looks.
* The demo partner user works at the New Delhi demo hospital, with one pending profile change and
  one unverified accreditation in the quality lead's queue.

Idempotent: a second run finds the rows and only re-links the partner."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.accounts.services import demo_email
from medijourney.catalog.models import Country, Procedure, ReferencePrice, Specialty
from medijourney.catalog.needed import needed_items
from medijourney.catalog.selectors import city_main_airport

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
from .offer_items import OFFER_ITEM_IDS

DEMO_KEY_PREFIX = "demo:"  # Hospital.source_key of every fictional demo hospital
DEMO_EVIDENCE = "Demo data: invented for the demonstration; not a real accreditation."
DEMO_PRICE_NOTE = "Demo data: an invented price, as if submitted by the hospital"
DEMO_REGISTRY = "Demo medical council (not a real registry)"
INCLUDED = ("surgeon", "anaesthesia", "room_per_night", "pre_op_tests", "medicines")


@dataclass(frozen=True)
class Theme:
    specialty: str
    procedures: tuple[str, ...]
    degrees_india: str  # how Indian doctors of the specialty write their degrees
    degrees: str  # elsewhere
    doctors: int = 1


THEMES = {
    "orthopaedics": Theme(
        "orthopedics",
        ("knee-replacement", "hip-replacement"),
        "MBBS, MS (Orthopaedics)",
        "MD, specialist in orthopaedics and traumatology",
        doctors=2,
    ),
    "heart": Theme(
        "cardiology",
        ("angioplasty", "cabg"),
        "MBBS, MD, DM (Cardiology)",
        "MD, specialist in cardiology and cardiac surgery",
    ),
    "dental": Theme(
        "dental",
        ("dental-implant",),
        "BDS, MDS (Prosthodontics and Implantology)",
        "DDS, specialist in implant dentistry",
    ),
    "eye": Theme(
        "ophthalmology", ("cataract-surgery", "lasik"), "MBBS, MS (Ophthalmology)", "MD, specialist in ophthalmology"
    ),
    "fertility": Theme(
        "obgyn_fertility",
        ("ivf-cycle",),
        "MBBS, MS (Obstetrics and Gynaecology), fellowship in reproductive medicine",
        "MD, specialist in obstetrics, gynaecology and reproductive medicine",
    ),
    "cosmetic": Theme(
        "plastic_cosmetic_surgery",
        ("rhinoplasty", "breast-augmentation"),
        "MBBS, MS, MCh (Plastic Surgery)",
        "MD, specialist in plastic and aesthetic surgery",
    ),
    "bariatric": Theme(
        "bariatric_surgery",
        ("sleeve-gastrectomy",),
        "MBBS, MS (General Surgery), fellowship in bariatric surgery",
        "MD, specialist in general surgery (bariatric surgery)",
    ),
}


@dataclass(frozen=True)
class DemoHospital:
    key: str
    name: str
    country: str
    city: str
    themes: tuple[str, ...]
    languages: tuple[str, ...]
    whole_prices: bool = True  # the prices include what each procedure needs
    partner: bool = False  # the demo partner user's hospital


DEMO_HOSPITALS = (
    DemoHospital("in-delhi", "Demo Multispeciality Hospital New Delhi", "IN", "New Delhi",
                 ("orthopaedics", "heart", "dental"), ("en", "hi"), partner=True),
    DemoHospital("in-mumbai", "Demo Fertility and Eye Hospital Mumbai", "IN", "Mumbai", ("fertility", "eye"), ("en", "hi", "mr")),
    DemoHospital("tr-ortho", "Demo Orthopaedic Hospital Istanbul", "TR", "Istanbul", ("orthopaedics",), ("tr", "en", "ar")),
    DemoHospital("tr-dental", "Demo Dental and Cosmetic Clinic Istanbul", "TR", "Istanbul", ("dental", "cosmetic"), ("tr", "en")),
    DemoHospital("th-bangkok", "Demo International Hospital Bangkok", "TH", "Bangkok",
                 ("orthopaedics", "heart", "fertility"), ("th", "en")),
    DemoHospital("mx-cdmx", "Demo Hospital Mexico City", "MX", "Mexico City", ("orthopaedics", "dental", "bariatric"), ("es", "en")),
    DemoHospital("sg-heart", "Demo Heart Centre Singapore", "SG", "Singapore", ("heart",), ("en", "zh", "ms")),
    DemoHospital("my-kl", "Demo Medical Centre Kuala Lumpur", "MY", "Kuala Lumpur", ("orthopaedics", "eye", "fertility"), ("ms", "en")),
    DemoHospital("kr-seoul", "Demo Hospital Seoul", "KR", "Seoul", ("orthopaedics", "cosmetic"), ("ko", "en")),
    DemoHospital("ae-dubai", "Demo Hospital Dubai", "AE", "Dubai", ("orthopaedics", "heart"), ("ar", "en")),
    DemoHospital("cr-sanjose", "Demo Dental and Eye Clinic San José", "CR", "San José", ("dental", "eye"), ("es", "en")),
    DemoHospital("co-medellin", "Demo Eye Clinic Medellín", "CO", "Medellín", ("eye",), ("es", "en")),
    DemoHospital("co-bogota", "Demo Cosmetic Surgery Clinic Bogotá", "CO", "Bogotá", ("cosmetic",), ("es", "en")),
    DemoHospital("pl-warsaw", "Demo Hospital Warsaw", "PL", "Warsaw", ("orthopaedics", "eye"), ("pl", "en")),
    DemoHospital("hu-budapest", "Demo Dental Clinic Budapest", "HU", "Budapest", ("dental",), ("hu", "en", "de")),
    DemoHospital("de-berlin", "Demo Orthopaedic Clinic Berlin", "DE", "Berlin", ("orthopaedics",), ("de", "en"),
                 whole_prices=False),
)  # fmt: skip
FIRST_NAMES = ("Asha", "Farid", "Lina", "Mateo", "Yuki", "Omar", "Elif", "Jonas", "Priya", "Kemal", "Sofia", "Arun")
DEMO_PROCEDURES = tuple(dict.fromkeys(slug for t in THEMES.values() for slug in t.procedures))


def is_demo_hospital_key(source_key: str | None) -> bool:
    return bool(source_key) and str(source_key).startswith(DEMO_KEY_PREFIX)


# --- Building --------------------------------------------------------------------------------------


def _hospital(spec: DemoHospital, countries: dict[str, Country]) -> Hospital:
    serving = city_main_airport(spec.country, spec.city)
    airport = serving.airport
    hospital, _created = Hospital.objects.get_or_create(
        source_key=f"{DEMO_KEY_PREFIX}{spec.key}",
        defaults={
            "name": spec.name,
            "city": spec.city,
            "country": countries[spec.country],
            "source": Hospital.Source.ONBOARDED,
            "languages": list(spec.languages),
            "about": "Demo data: a fictional hospital invented for the demonstration. Its city is real.",
            "nearest_airport_id": airport.ident if airport else None,
            "airport_basis": Hospital.AirportBasis.CITY if airport else Hospital.AirportBasis.NONE,
            "is_demo": True,
        },
    )
    return hospital


def _accredit(hospital: Hospital, jci: AccreditationBody, spec: DemoHospital, index: int, today: datetime.date) -> None:
    days = (25, 45, 500, 700)[index % 4]  # some show up in the quality lead's expiry queue
    Accreditation.objects.get_or_create(
        body=jci,
        number=f"DEMO-JCI-{spec.country}-{index + 1}",
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


def _doctor(hospital: Hospital, name: str, theme: Theme, spec: DemoHospital, n: int, today: datetime.date) -> None:
    degrees = theme.degrees_india if spec.country == "IN" else theme.degrees
    doctor, _created = Doctor.objects.get_or_create(
        hospital=hospital,
        full_name=name,
        defaults={"qualifications": f"{degrees} (demo)", "languages": list(spec.languages), "is_demo": True},
    )
    specialty = Specialty.objects.filter(pk=theme.specialty).first()
    if specialty is not None:
        doctor.specialties.add(specialty)
        hospital.specialties.add(specialty)
    DoctorLicence.objects.get_or_create(
        doctor=doctor,
        registry=DEMO_REGISTRY,
        number=f"DEMO-{hospital.pk}-{n}",
        defaults={
            "country_id": hospital.country_id,
            "valid_from": today - datetime.timedelta(days=700),
            "valid_to": today + datetime.timedelta(days=20 if n % 7 == 0 else 900),
            "verification_status": VerificationStatus.VERIFIED,
            "verified_at": timezone.now(),
            "verification_note": "Demo data.",
            "is_demo": True,
        },
    )


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


def _inclusions(procedure: Procedure, whole: bool) -> dict[str, bool]:
    """The standard checklist; a whole price includes what the procedure needs (catalog.needed)."""
    included = set(INCLUDED) | ({n.item for n in needed_items(procedure.slug)} if whole else set())
    return {item: item in included for item in OFFER_ITEM_IDS}


def _offers(hospital: Hospital, spec: DemoHospital, procedures: dict[str, Procedure], index: int) -> None:
    today = timezone.localdate()
    slugs = [slug for theme in spec.themes for slug in THEMES[theme].procedures]
    for rank, slug in enumerate(slugs):
        procedure = procedures.get(slug)
        if procedure is None:
            continue
        currency, low, high, kind, note = _offer_price(procedure, spec.country, index + rank)
        Offer.objects.get_or_create(
            hospital=hospital,
            procedure=procedure,
            defaults={
                "currency": currency,
                "price_min": low,
                "price_max": high,
                "inclusions": _inclusions(procedure, spec.whole_prices),
                "wait_days": 7 + 7 * ((index + rank) % 4),
                "source_kind": kind,
                "source_note": note,
                "as_of": today,
                "is_demo": True,
            },
        )


@dataclass(frozen=True)
class _Context:
    countries: dict[str, Country]
    jci: AccreditationBody
    procedures: dict[str, Procedure]


def _build(spec: DemoHospital, index: int, ctx: _Context) -> Hospital:
    today = timezone.localdate()
    hospital = _hospital(spec, ctx.countries)
    _accredit(hospital, ctx.jci, spec, index, today)
    n = 0
    for theme_key in spec.themes:
        theme = THEMES[theme_key]
        for _i in range(theme.doctors):
            n += 1
            name = f"Dr {FIRST_NAMES[(index * 3 + n) % len(FIRST_NAMES)]} Demo"
            _doctor(hospital, name, theme, spec, index * 10 + n, today)
    _offers(hospital, spec, ctx.procedures, index)
    return hospital


def _link_partner(hospital: Hospital | None) -> Hospital | None:
    partner = User.objects.filter(email__iexact=demo_email(Role.PARTNER)).first()
    if partner is None or hospital is None:
        return None
    PartnerMembership.objects.get_or_create(user=partner, defaults={"hospital": hospital})
    if not PendingChange.objects.filter(hospital=hospital, submitted_by=partner).exists():
        PendingChange.objects.create(
            hospital=hospital,
            kind=PendingChange.Kind.PROFILE,
            payload={
                "website": hospital.website,
                "about": "Demo data: a proposed description of the international patient desk.",
                "languages": ["en", "hi", "ar"],
                "specialties": ["orthopedics", "cardiology", "dental"],
                "intl_desk_name": "International patient desk (demo)",
                "intl_desk_email": "desk@demo.medijourney.test",
                "intl_desk_phone": "+91 11 0000 0000",
            },
            submitted_by=partner,
            created_by=partner,
        )
    return hospital


def _pending_submission(hospital: Hospital, jci: AccreditationBody) -> None:
    today = timezone.localdate()
    Accreditation.objects.get_or_create(
        body=jci,
        number="DEMO-JCI-SUBMITTED-1",
        defaults={
            "hospital": hospital,
            "level": "Hospital programme (demo submission)",
            "valid_from": today - datetime.timedelta(days=30),
            "valid_to": today + datetime.timedelta(days=3 * 365 - 30),
            "verification_status": VerificationStatus.PENDING,
            "evidence_source": "Demo submission without a file.",
            "is_demo": True,
        },
    )


def demo_hospitals() -> QuerySet[Hospital]:
    return Hospital.objects.filter(source_key__startswith=DEMO_KEY_PREFIX)


def partner_demo_hospital() -> Hospital | None:
    key = next(f"{DEMO_KEY_PREFIX}{h.key}" for h in DEMO_HOSPITALS if h.partner)
    return Hospital.objects.filter(source_key=key).first()


def network_demo_setup() -> list[str]:
    """Add the fictional demo hospitals described above. Returns notes for the setup_demo summary."""
    jci = AccreditationBody.objects.filter(code="JCI").first()
    countries = {c.code: c for c in Country.objects.filter(code__in={h.country for h in DEMO_HOSPITALS})}
    if jci is None or not countries:
        return ["Network demo skipped: reference data not imported (run import_reference_data first)."]
    if demo_hospitals().exists():
        _link_partner(partner_demo_hospital())
        return [f"Network demo rows present ({demo_hospitals().count()} fictional demo hospitals)."]
    procedures = {p.slug: p for p in Procedure.objects.filter(slug__in=DEMO_PROCEDURES)}
    ctx = _Context(countries, jci, procedures)
    built: list[Hospital] = []
    with transaction.atomic():
        for index, spec in enumerate(h for h in DEMO_HOSPITALS if h.country in countries):
            built.append(_build(spec, index, ctx))
        partner = _link_partner(partner_demo_hospital())
        if partner is not None:
            _pending_submission(partner, jci)
    where = len({h.country_id for h in built})
    return [
        f"Network demo: {len(built)} fictional hospitals (every name starts with 'Demo') in {where} countries, "
        "with demo accreditations, doctors and offers; real hospitals carry only their real data."
    ]


# --- Retiring the old layout -------------------------------------------------------------------------


def hospitals_with_invented_rows() -> QuerySet[Hospital]:
    """Real hospitals that an earlier demo (before issue 10) gave invented rows: demo flag, demo
    accreditations, doctors or offers. Empty on any install made since."""
    flagged = Q(is_demo=True) | Q(accreditations__is_demo=True) | Q(doctors__is_demo=True) | Q(offers__is_demo=True)
    return Hospital.objects.exclude(source_key__startswith=DEMO_KEY_PREFIX).filter(flagged).distinct()


def network_demo_retire(hospitals: Sequence[Hospital]) -> int:
    """Remove every invented row from these real hospitals (the caller has removed the demo quotes
    that named their doctors) and clear their demo flag. Returns how many hospitals were cleaned."""
    pks = [h.pk for h in hospitals]
    demo_users = User.objects.filter(is_demo=True)
    with transaction.atomic():
        Offer.objects.filter(hospital_id__in=pks, is_demo=True).delete()
        DoctorLicence.objects.filter(doctor__hospital_id__in=pks, is_demo=True).delete()
        Doctor.objects.filter(hospital_id__in=pks, is_demo=True).delete()
        Accreditation.objects.filter(hospital_id__in=pks, is_demo=True).delete()
        PendingChange.objects.filter(hospital_id__in=pks, submitted_by__in=demo_users).delete()
        PartnerMembership.objects.filter(hospital_id__in=pks, user__in=demo_users).delete()
        Hospital.objects.filter(pk__in=pks).update(is_demo=False)
    return len(pks)
