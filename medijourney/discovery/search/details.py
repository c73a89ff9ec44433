"""The details of one page's hospitals only: their current accreditations and the languages their
doctors speak (one prepared query, a UNION ALL), and for compare the doctors themselves. Rows are
read by column name (``DetailRow``)."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import router
from django.db.models import BooleanField, CharField, DateField, Exists, JSONField, OuterRef, QuerySet, Value

from medijourney.network.models import Accreditation, Doctor, Offer
from medijourney.network.selectors import doctor_licence_verified, qualifying_accreditations

from ..prepared import BOOL, DATE, JSON, RAW, PreparedQuery, Sentinel
from .pagerows import detail_order


@dataclass(frozen=True)
class AccreditationInfo:
    body: str
    body_short_name: str
    body_name: str
    number: str
    level: str
    valid_from: datetime.date
    valid_to: datetime.date
    verification_status: str
    is_demo: bool

    def validity_on(self, today: datetime.date) -> str:
        if today < self.valid_from:
            return "not_yet_valid"
        return "expired" if today > self.valid_to else "current"


@dataclass(frozen=True)
class DoctorInfo:
    public_id: Any
    full_name: str
    specialties: list[str]
    languages: list[str]
    verified: bool  # a verified, current licence
    is_demo: bool


@dataclass(frozen=True)
class HospitalDetails:
    accreditations: list[AccreditationInfo]
    languages: list[str]
    doctors: list[DoctorInfo] = field(default_factory=list)


class DetailRow(NamedTuple):
    """One row of the details query: kind "a" (an accreditation: every column but ``spoken``) or
    "d" (a doctor: ``spoken``, the languages, and nothing else)."""

    kind: str
    hospital_id: int
    body: Any
    body_short_name: Any
    body_name: Any
    number: Any
    level: Any
    valid_from: Any
    valid_to: Any
    verification_status: Any
    is_demo: Any
    spoken: Any


# (row field, ORM path of the accreditation half, conversion kind), in the order of DetailRow.
_DETAIL_COLUMNS = (
    ("kind", "kind", RAW),
    ("hospital_id", "hospital_id", RAW),
    ("body", "body__code", RAW),
    ("body_short_name", "body__short_name", RAW),
    ("body_name", "body__name", RAW),
    ("number", "number", RAW),
    ("level", "level", RAW),
    ("valid_from", "valid_from", DATE),
    ("valid_to", "valid_to", DATE),
    ("verification_status", "verification_status", RAW),
    ("is_demo", "is_demo", BOOL),
    ("spoken", "spoken", JSON),
)
assert tuple(name for name, _path, _kind in _DETAIL_COLUMNS) == DetailRow._fields
_PREPARED_DETAILS: dict[int, PreparedQuery] = {}


def _details_query(n: int, p: dict[str, Any]) -> QuerySet[Any]:
    ids = [p[f"h{i}"] for i in range(n)]
    # The page's hospitals first (their index), then the network's own rule for each row:
    # without table statistics SQLite would otherwise walk every verified accreditation.
    accreditations = (
        Accreditation.objects.filter(hospital_id__in=ids)
        .filter(Exists(qualifying_accreditations(p["today"]).filter(pk=OuterRef("pk"))))
        .annotate(kind=Value("a"), spoken=Value(None, output_field=JSONField()))
        .order_by()
        .values_list(*(path for _name, path, _kind in _DETAIL_COLUMNS))
    )
    blank_text = Value(None, output_field=CharField())
    blank_date = Value(None, output_field=DateField())
    doctors = (
        Doctor.objects.filter(hospital_id__in=ids)
        .annotate(
            kind=Value("d"),
            t1=blank_text,
            t2=blank_text,
            t3=blank_text,
            t4=blank_text,
            t5=blank_text,
            d1=blank_date,
            d2=blank_date,
            t6=blank_text,
            b1=Value(None, output_field=BooleanField()),
        )
        .order_by()
        .values_list("kind", "hospital_id", "t1", "t2", "t3", "t4", "t5", "d1", "d2", "t6", "b1", "languages")
    )
    return accreditations.union(doctors, all=True)


def _prepared_details(n: int) -> PreparedQuery:
    found = _PREPARED_DETAILS.get(n)
    if found is None:
        ids: dict[str, Any] = {f"h{i}": Sentinel.integer for i in range(n)}
        found = _PREPARED_DETAILS[n] = PreparedQuery(
            lambda **p: _details_query(n, p),
            {"today": Sentinel.date, **ids},
            [kind for _name, _path, kind in _DETAIL_COLUMNS],
        )
    return found


def detail_rows(hospital_pks: Sequence[int], today: datetime.date) -> list[tuple[Any, ...]]:
    """Raw rows (in a stable order): the hospitals' current accreditations and doctors' languages."""
    pks = list(dict.fromkeys(hospital_pks))
    if not pks:
        return []
    ids: dict[str, Any] = {f"h{i}": pk for i, pk in enumerate(pks)}
    rows = _prepared_details(len(pks)).run_raw(router.db_for_read(Offer), today=today, **ids)
    return sorted(rows, key=detail_order)


def _doctors(pks: list[int], today: datetime.date) -> dict[int, list[DoctorInfo]]:
    doctors: dict[int, list[DoctorInfo]] = {pk: [] for pk in pks}
    for d in (
        Doctor.objects.filter(hospital_id__in=pks)
        .prefetch_related("specialties", "licences")
        .order_by("full_name", "id")
    ):
        doctors[d.hospital_id].append(
            DoctorInfo(
                public_id=d.public_id,
                full_name=d.full_name,
                specialties=[sp.id for sp in d.specialties.all()],
                languages=list(d.languages or []),
                verified=doctor_licence_verified(d, today),
                is_demo=d.is_demo,
            )
        )
    return doctors


def hospital_details(
    hospital_pks: Sequence[int],
    today: datetime.date,
    *,
    with_doctors: bool = False,
    rows: list[tuple[Any, ...]] | None = None,
) -> dict[int, HospitalDetails]:
    """Current accreditations and the languages doctors speak, for a page of hospitals: one
    prepared query (two ORM queries more for the doctors' licences and specialties)."""
    pks = list(dict.fromkeys(hospital_pks))
    if not pks:
        return {}
    raw = rows if rows is not None else detail_rows(pks, today)
    accs: dict[int, list[AccreditationInfo]] = {pk: [] for pk in pks}
    languages: dict[int, set[str]] = {pk: set() for pk in pks}
    for values in _prepared_details(len(pks)).convert(raw):
        r = DetailRow._make(values)
        if r.kind == "a":
            accs[r.hospital_id].append(
                AccreditationInfo(
                    body=r.body,
                    body_short_name=r.body_short_name,
                    body_name=r.body_name,
                    number=r.number,
                    level=r.level,
                    valid_from=r.valid_from,
                    valid_to=r.valid_to,
                    verification_status=r.verification_status,
                    is_demo=r.is_demo,
                )
            )
        else:
            languages[r.hospital_id].update(r.spoken or [])
    for found in accs.values():
        found.sort(key=lambda a: (a.body_short_name, -a.valid_to.toordinal(), a.number))
    doctors = _doctors(pks, today) if with_doctors else {pk: [] for pk in pks}
    return {pk: HospitalDetails(accs[pk], sorted(languages[pk]), doctors[pk]) for pk in pks}
