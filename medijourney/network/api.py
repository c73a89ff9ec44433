"""Network API: hospitals in the network (public, like the pages). A hospital that is suspended
or has no current verified accreditation is not listed and answers 404."""

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import Field

from medijourney.core.api import ErrorOut, Paged
from medijourney.privacy.access import deny

from .models import Accreditation, Doctor, Hospital, Offer
from .schemas import HospitalListOut, HospitalOut
from .selectors import doctor_licence_verified, hospital_profile, hospitals_search

router = Router(tags=["network"])


def accreditation_out(acc: Accreditation) -> dict[str, Any]:
    if acc.verified_by_id:
        how = f"verified by the network's quality lead on {acc.verified_at:%Y-%m-%d}" if acc.verified_at else "verified"
    else:
        how = acc.evidence_source
    return {
        "body": acc.body.code,
        "body_name": acc.body.name,
        "number": acc.number,
        "level": acc.level,
        "valid_from": acc.valid_from,
        "valid_to": acc.valid_to,
        "status": acc.validity,
        "withdrawn_by_body": acc.withdrawn_by_body,
        "verification_status": acc.verification_status,
        "verification_source": how,
        "verified_at": acc.verified_at,
        "register_remark": acc.register_remark,
        "is_demo": acc.is_demo,
    }


def hospital_summary(h: Hospital, accreditations: list[Accreditation]) -> dict[str, Any]:
    airport = h.nearest_airport
    return {
        "id": h.public_id,
        "name": h.name,
        "kind": h.kind,
        "city": h.city,
        "region": h.region,
        "country": h.country_id,
        "country_name": h.country.name,
        "latitude": h.latitude,
        "longitude": h.longitude,
        "location_source": h.location_source,
        "website": h.website,
        "accreditations": [accreditation_out(a) for a in accreditations],
        "nearest_airport": {
            "code": airport.code,
            "name": airport.name,
            "city": airport.city,
            "distance_km": h.nearest_airport_km,
            "basis": h.airport_basis,
            "source": "OurAirports (public domain); distance computed by MediJourney",
        }
        if airport
        else None,
        "is_demo": h.is_demo,
    }


def offer_out(o: Offer) -> dict[str, Any]:
    return {
        "id": o.public_id,
        "procedure": o.procedure.slug,
        "procedure_name": o.procedure.name,
        "currency": o.currency,
        "price_min": o.price_min,
        "price_max": o.price_max,
        "inclusions": o.inclusions,
        "wait_days": o.wait_days,
        "source_kind": o.source_kind,
        "source": o.source_note or o.get_source_kind_display(),
        "as_of": o.as_of,
        "is_demo": o.is_demo,
    }


def doctor_out(d: Doctor) -> dict[str, Any]:
    return {
        "id": d.public_id,
        "full_name": d.full_name,
        "specialties": [s.id for s in d.specialties.all()],
        "qualifications": d.qualifications,
        "languages": d.languages,
        "licence_verified": doctor_licence_verified(d),
        "is_demo": d.is_demo,
    }


class HospitalFilters(Schema):
    country: str | None = Field(None, min_length=2, max_length=2, description="ISO alpha-2, e.g. IN.")
    specialty: str | None = Field(None, max_length=40, description="A specialty id, e.g. cardiology.")
    accreditation: str | None = Field(None, max_length=30, description="An accreditation body code: JCI, NABH …")
    procedure: str | None = Field(None, max_length=80, description="A procedure slug with an offer.")
    q: str | None = Field(None, max_length=100, description="Words in the name or city.")


@router.get("/hospitals", response=list[HospitalListOut], summary="Hospitals in the network")
@paginate(Paged)
def list_hospitals(request: HttpRequest, filters: Query[HospitalFilters]) -> Any:
    qs = hospitals_search(
        country=filters.country,
        specialty=filters.specialty,
        body=filters.accreditation,
        procedure=filters.procedure,
        q=filters.q,
    )
    return _Summaries(qs)


class _Summaries:
    """A lazily sliced list: pagination counts and slices the queryset, then we shape the page."""

    def __init__(self, qs: Any) -> None:
        self.qs = qs

    def __len__(self) -> int:
        return int(self.qs.count())

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        return [hospital_summary(h, h.current_accreditations) for h in self.qs[item]]


@router.get(
    "/hospitals/{hospital_id}", response={200: HospitalOut, 404: ErrorOut}, summary="One hospital in the network"
)
def get_hospital(request: HttpRequest, hospital_id: UUID) -> dict[str, Any]:
    h = hospital_profile(hospital_id).first()
    if h is None:
        hidden = Hospital.objects.filter(public_id=hospital_id).first()
        if hidden is not None:
            deny(request.user, "network.view_hospital", obj=hidden, reason="not in the network")
        raise HttpError(404, "No hospital in the network with this id.")
    today = timezone.localdate()
    all_accreditations = list(h.accreditations.all())
    return {
        **hospital_summary(h, [a for a in all_accreditations if a.qualifies_on(today)]),
        "about": h.about,
        "languages": h.languages,
        "specialties": [s.id for s in h.specialties.all()],
        "international_desk": {"name": h.intl_desk_name, "email": h.intl_desk_email, "phone": h.intl_desk_phone},
        "all_accreditations": [accreditation_out(a) for a in all_accreditations],
        "doctors": [doctor_out(d) for d in h.doctors.all()],
        "offers": [offer_out(o) for o in h.offers.all()],
        "source": h.get_source_display(),
    }
