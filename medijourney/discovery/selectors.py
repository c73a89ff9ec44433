"""Reads of discovery: search, ranking, compare.

``search(query)`` reads every offer for the procedure at hospitals in the network
(``network.selectors.hospitals_in_network`` — the only definition of patient-visible hospitals) in
ONE query with the quality signals annotated, then the exchange rates, visa rules and reference
prices it needs (one query each, or one per currency), estimates every trip in memory (lines that
depend only on the destination are computed once per destination), filters, ranks, and loads the
details of the page's hospitals only (two queries). The number of queries does not grow with the
number of results.

Synthetic benchmark hospitals (``SyntheticHospital``) are left out unless the bench-only setting
``DISCOVERY_INCLUDE_SYNTHETIC`` is on, and always in demo mode."""

import datetime
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import router
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DateField,
    Exists,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from medijourney.accounts.permissions import has_perm
from medijourney.catalog.models import VisaRule
from medijourney.core.dates import day_text
from medijourney.network.models import Accreditation, Doctor, DoctorLicence, Offer
from medijourney.network.selectors import doctor_licence_verified, hospitals_in_network, qualifying_accreditations

from .estimate import (
    LINE_KEYS,
    Candidate,
    ReferenceFigure,
    Savings,
    TripContext,
    TripEstimate,
    TripTotals,
    choose_reference,
    savings_for,
    stay_text,
    trip_estimate,
    trip_totals,
)
from .models import SavedSearch
from .params import SearchQuery
from .prepared import BOOL, DATE, DECIMAL, DECIMAL1, JSON, RAW, UUID, PreparedQuery, Sentinel, convert_rows
from .ranking import Bounds, Score, bounds_of, explain, raw_figures, score, score_total, sort_key

NO_ADMISSION = VisaRule.Requirement.NO_ADMISSION
COMPARE_MAX = 4


def include_synthetic() -> bool:
    """Benchmark rows are searchable only with the bench-only setting, never in demo mode and never
    under production settings."""
    return (
        bool(getattr(settings, "DISCOVERY_INCLUDE_SYNTHETIC", False))
        and not settings.DEMO_MODE
        and not getattr(settings, "IS_PRODUCTION", False)
    )


def searchable_offers(today: datetime.date) -> QuerySet[Offer]:
    """Offers at hospitals in the network (synthetic benchmark rows left out unless allowed)."""
    qs = Offer.objects.filter(Exists(hospitals_in_network(today).filter(pk=OuterRef("hospital_id"))))
    if not include_synthetic():
        qs = qs.filter(hospital__synthetic_marker__isnull=True)
    return qs


# --- Loading ---------------------------------------------------------------------------------------

_CANDIDATE_COLUMNS = (
    ("pk", RAW),
    ("offer_uuid", UUID),  # public ids as text: cheap to compare in the result memo's key
    ("currency", RAW),
    ("price_min", DECIMAL),
    ("price_max", DECIMAL),
    ("inclusions", JSON),
    ("wait_days", RAW),
    ("source_kind", RAW),
    ("source_note", RAW),
    ("as_of", DATE),
    ("is_demo", BOOL),
    ("hospital_id", RAW),
    ("hospital_uuid", UUID),
    ("hospital__name", RAW),
    ("hospital__city", RAW),
    ("hospital__region", RAW),
    ("hospital__country_id", RAW),
    ("hospital__country__name", RAW),
    ("hospital__kind", RAW),
    ("hospital__is_demo", BOOL),
    ("hospital__languages", JSON),
    ("hospital__nearest_airport__iata", RAW),
    ("hospital__nearest_airport__ident", RAW),
    ("hospital__nearest_airport__name", RAW),
    ("hospital__nearest_airport__latitude", RAW),
    ("hospital__nearest_airport__longitude", RAW),
    ("hospital__nearest_airport_km", DECIMAL1),
    ("hospital__airport_basis", RAW),
    ("n_bodies", RAW),
    ("verified_doctors", RAW),
    ("language_match", BOOL),
    ("body_match", BOOL),
)
_CANDIDATE_FIELDS = tuple(name for name, _kind in _CANDIDATE_COLUMNS)
_CANDIDATE_KINDS = tuple(kind for _name, kind in _CANDIDATE_COLUMNS)
SOURCE_KIND_LABELS = {value: str(label) for value, label in Offer.SourceKind.choices}


def _language_q(prefix: str, primary: str) -> Q:
    """The JSON list of BCP 47 tags holds the primary subtag, alone or with a region."""
    return Q(**{f"{prefix}languages__icontains": f'"{primary}"'}) | Q(
        **{f"{prefix}languages__icontains": f'"{primary}-'}
    )


def verified_licences(today: datetime.date) -> QuerySet[DoctorLicence]:
    """Licences that are verified and current (``DoctorLicence.objects.verified_current``)."""
    return DoctorLicence.objects.verified_current(today)


def annotated_offers(
    offers: QuerySet[Offer],
    *,
    specialty: str,
    today: datetime.date,
    language: str | None = None,
    bodies: Sequence[str] = (),
    network_flag: bool = False,
) -> QuerySet[Any]:
    """The offers with the quality signals annotated, as ``values_list`` rows of _CANDIDATE_FIELDS
    (and, with ``network_flag``, one more column: whether the hospital is in the network today).

    ``language`` is a primary language subtag (``en``); ``bodies`` accreditation body codes."""
    qualifying = qualifying_accreditations(today).filter(hospital=OuterRef("hospital_id"))
    n_bodies = Subquery(
        qualifying.order_by().values("hospital").annotate(n=Count("body", distinct=True)).values("n")[:1]
    )
    verified = Subquery(
        Doctor.objects.filter(hospital=OuterRef("hospital_id"), specialties__id=specialty)
        .filter(Exists(verified_licences(today).filter(doctor=OuterRef("pk"))))
        .order_by()
        .values("hospital")
        .annotate(n=Count("pk", distinct=True))
        .values("n")[:1]
    )
    never = Q(pk__isnull=True)  # a constant false: the signal was not asked for
    language_match: Any = never
    if language:
        language_match = Q(_language_q("hospital__", language)) | Exists(
            Doctor.objects.filter(_language_q("", language), hospital=OuterRef("hospital_id"))
        )
    body_match: Any = Exists(qualifying.filter(body__code__in=list(bodies))) if bodies else never
    annotated = offers.annotate(
        n_bodies=n_bodies,
        verified_doctors=verified,
        language_match=language_match,
        body_match=body_match,
        offer_uuid=Cast("public_id", output_field=CharField()),
        hospital_uuid=Cast("hospital__public_id", output_field=CharField()),
    )
    if network_flag:
        flag = Exists(hospitals_in_network(today).filter(pk=OuterRef("hospital_id")))
        return annotated.annotate(in_network=flag).values_list(*_CANDIDATE_FIELDS, "in_network")
    return annotated.values_list(*_CANDIDATE_FIELDS)


def _candidate(r: Sequence[Any], *, language: bool, bodies: bool) -> Candidate:
    return Candidate(
        offer_pk=r[0],
        offer_id=r[1],
        currency=r[2],
        price_min=r[3],
        price_max=r[4],
        inclusions=r[5] or {},
        wait_days=r[6],
        source_kind=r[7],
        source_note=r[8] or SOURCE_KIND_LABELS.get(r[7], r[7]),
        as_of=r[9],
        offer_is_demo=bool(r[10]),
        hospital_pk=r[11],
        hospital_id=r[12],
        name=r[13],
        city=r[14],
        region=r[15],
        country=r[16],
        country_name=r[17],
        kind=r[18],
        hospital_is_demo=bool(r[19]),
        languages=list(r[20] or []),
        airport_code=(r[21] or r[22]) if r[22] else None,
        airport_name=r[23],
        airport_lat=r[24],
        airport_lon=r[25],
        airport_km=r[26],
        airport_basis=r[27] or "",
        n_bodies=r[28] or 0,
        verified_doctors=r[29] or 0,
        language_match=bool(r[30]) if language else None,
        body_match=bool(r[31]) if bodies else None,
    )


def candidate_offers(
    offers: QuerySet[Offer],
    *,
    specialty: str,
    today: datetime.date,
    language: str | None = None,
    bodies: Sequence[str] = (),
) -> list[Candidate]:
    """Any set of offers as candidates (one query through the ORM)."""
    primary = language.split("-")[0].lower() if language else None
    rows = annotated_offers(offers, specialty=specialty, today=today, language=primary, bodies=bodies)
    return [
        _candidate(r, language=bool(primary), bodies=bool(bodies)) for r in convert_rows(list(rows), _CANDIDATE_KINDS)
    ]


_PREPARED: dict[tuple[Any, ...], PreparedQuery] = {}
_PREPARED_DETAILS: dict[int, PreparedQuery] = {}


def _prepared_candidates(has_language: bool, n_bodies: int, synthetic: bool) -> PreparedQuery:
    key = ("candidates", has_language, n_bodies, synthetic)
    prepared = _PREPARED.get(key)
    if prepared is None:

        def build(**p: Any) -> QuerySet[Any]:
            # Driven by the procedure's offers (its index). Whether each offer's hospital is in the
            # network is asked per row, in the select list, with network.hospitals_in_network: a
            # WHERE EXISTS would let PostgreSQL turn it into a join over the whole network.
            offers = Offer.objects.filter(procedure_id=p["procedure"])
            if not synthetic:
                offers = offers.filter(hospital__synthetic_marker__isnull=True)
            return annotated_offers(
                offers.order_by(),
                specialty=p["specialty"],
                today=p["today"],
                language=p["language"] if has_language else None,
                bodies=[p[f"body{i}"] for i in range(n_bodies)],
                network_flag=True,
            )

        params: dict[str, Any] = {
            "today": Sentinel.date,
            "procedure": Sentinel.integer,
            "specialty": Sentinel.text,
        }
        if has_language:
            params["language"] = Sentinel.text
        for i in range(n_bodies):
            params[f"body{i}"] = Sentinel.text
        prepared = _PREPARED[key] = PreparedQuery(build, params, _CANDIDATE_KINDS)
    return prepared


def _candidate_rows(
    *, procedure_pk: int, specialty: str, today: datetime.date, language: str | None, bodies: Sequence[str]
) -> tuple[PreparedQuery, list[tuple[Any, ...]]]:
    """The candidate rows exactly as the database gave them: one prepared query (compiled once per
    process), read fresh on every search."""
    primary = language.split("-")[0].lower() if language else None
    prepared = _prepared_candidates(bool(primary), len(bodies), include_synthetic())
    values: dict[str, Any] = {"today": today, "procedure": procedure_pk, "specialty": specialty}
    if primary:
        values["language"] = primary
    for i, code in enumerate(bodies):
        values[f"body{i}"] = code
    in_network = len(_CANDIDATE_FIELDS)  # the extra column added by network_flag
    return prepared, [
        row[:in_network] for row in prepared.run_raw(router.db_for_read(Offer), **values) if row[in_network]
    ]


def search_candidates(
    *,
    procedure_pk: int,
    specialty: str,
    today: datetime.date,
    language: str | None = None,
    bodies: Sequence[str] = (),
) -> list[Candidate]:
    """Every offer for the procedure at a hospital in the network, as candidates."""
    prepared, rows = _candidate_rows(
        procedure_pk=procedure_pk, specialty=specialty, today=today, language=language, bodies=bodies
    )
    return [_candidate(r, language=bool(language), bodies=bool(bodies)) for r in prepared.convert(rows)]


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


# One query for a page's details: the current accreditations of its hospitals and the languages
# their doctors speak, as one UNION ALL (kind "a" or "d" in the first column).
_DETAIL_COLUMNS = (
    ("kind", RAW),
    ("hospital_id", RAW),
    ("body__code", RAW),
    ("body__short_name", RAW),
    ("body__name", RAW),
    ("number", RAW),
    ("level", RAW),
    ("valid_from", DATE),
    ("valid_to", DATE),
    ("verification_status", RAW),
    ("is_demo", BOOL),
    ("spoken", JSON),
)


def _prepared_details(n: int) -> PreparedQuery:
    found = _PREPARED_DETAILS.get(n)
    if found is None:

        def build(**p: Any) -> QuerySet[Any]:
            ids = [p[f"h{i}"] for i in range(n)]
            # The page's hospitals first (their index), then the network's own rule for each row:
            # without table statistics SQLite would otherwise walk every verified accreditation.
            accreditations = (
                Accreditation.objects.filter(hospital_id__in=ids)
                .filter(Exists(qualifying_accreditations(p["today"]).filter(pk=OuterRef("pk"))))
                .annotate(kind=Value("a"), spoken=Value(None, output_field=JSONField()))
                .order_by()
                .values_list(*(name for name, _kind in _DETAIL_COLUMNS))
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

        ids: dict[str, Any] = {f"h{i}": Sentinel.integer for i in range(n)}
        found = _PREPARED_DETAILS[n] = PreparedQuery(
            build, {"today": Sentinel.date, **ids}, [k for _n, k in _DETAIL_COLUMNS]
        )
    return found


def _detail_rows(hospital_pks: Sequence[int], today: datetime.date) -> list[tuple[Any, ...]]:
    """Raw rows (in a stable order): the hospitals' current accreditations and doctors' languages."""
    pks = list(dict.fromkeys(hospital_pks))
    if not pks:
        return []
    ids: dict[str, Any] = {f"h{i}": pk for i, pk in enumerate(pks)}
    rows = _prepared_details(len(pks)).run_raw(router.db_for_read(Offer), today=today, **ids)
    return sorted(rows, key=lambda r: tuple("" if v is None else str(v) for v in r))


def hospital_details(
    hospital_pks: Sequence[int],
    today: datetime.date,
    *,
    with_doctors: bool = False,
    rows: list[tuple[Any, ...]] | None = None,
) -> dict[int, HospitalDetails]:
    """Current accreditations and the languages doctors speak, for a page of hospitals: two
    prepared queries (two ORM queries more for the doctors' licences and specialties)."""
    pks = list(dict.fromkeys(hospital_pks))
    if not pks:
        return {}
    raw = rows if rows is not None else _detail_rows(pks, today)
    accs: dict[int, list[AccreditationInfo]] = {pk: [] for pk in pks}
    languages: dict[int, set[str]] = {pk: set() for pk in pks}
    for r in _prepared_details(len(pks)).convert(raw):
        if r[0] == "a":
            accs[r[1]].append(AccreditationInfo(*r[2:11]))
        else:
            languages[r[1]].update(r[11] or [])
    for found in accs.values():
        found.sort(key=lambda a: (a.body_short_name, -a.valid_to.toordinal(), a.number))
    doctors: dict[int, list[DoctorInfo]] = {pk: [] for pk in pks}
    if with_doctors:
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
    return {pk: HospitalDetails(accs[pk], sorted(languages[pk]), doctors[pk]) for pk in pks}


# --- Results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WindowFit:
    wait_days: int | None
    earliest_start: datetime.date
    return_by: datetime.date | None
    fits: bool | None
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "wait_days": self.wait_days,
            "earliest_start": self.earliest_start,
            "return_by": self.return_by,
            "fits_travel_window": self.fits,
            "explanation": self.explanation,
        }


def window_fit(query: SearchQuery, cand: Candidate, est: TripEstimate) -> WindowFit:
    stay = est.stay
    start = stay.start
    back = start + datetime.timedelta(days=stay.days_away - 1) if stay.days_away else None
    wait = (
        _("waiting time %(n)d days") % {"n": cand.wait_days}
        if cand.wait_days is not None
        else _("the hospital states no waiting time")
    )
    text = _("Earliest start %(start)s (%(wait)s)") % {"start": day_text(start), "wait": wait}
    if back is not None:
        text += _("; home about %(back)s (%(days)d days away)") % {"back": day_text(back), "days": stay.days_away}
    fits: bool | None = None
    if query.travel_to is not None:
        if back is None or cand.wait_days is None:
            text += _("; whether it fits your travel window is unknown.")
        else:
            fits = back <= query.travel_to
            text += (
                _("; fits your travel window (until %(end)s).")
                if fits
                else _("; does not fit your travel window (until %(end)s).")
            ) % {"end": day_text(query.travel_to)}
    else:
        text += "."
    return WindowFit(cand.wait_days, start, back, fits, text)


@dataclass
class ResultRow:
    rank: int
    cand: Candidate
    estimate: TripEstimate
    score: Score
    savings: Savings
    window: WindowFit
    details: HospitalDetails

    def visa_dict(self, ctx: TripContext) -> dict[str, Any]:
        rule = ctx.visas.get(self.cand.country)
        line = self.estimate.line("visa")
        base: dict[str, Any] = {
            "passport": ctx.passport,
            "passport_assumed": ctx.passport_assumed,
            "destination": self.cand.country,
            "explanation": line.method,
        }
        if ctx.passport and ctx.passport == self.cand.country:
            return base | {"requirement": "same_country", "label": _("same country (no visa needed)")}
        if rule is None:
            return base | {"requirement": "unknown", "label": _("unknown")}
        return base | {
            "requirement": rule.requirement,
            "label": rule.label,
            "days_allowed": rule.days_allowed,
            "data_date": rule.data_date,
            "source": rule.source,
            "source_url": rule.source_url,
        }

    @property
    def languages(self) -> list[str]:
        return sorted(set(self.cand.languages) | set(self.details.languages))

    @property
    def visa_line(self) -> Any:
        return self.estimate.line("visa")

    def as_dict(self, ctx: TripContext) -> dict[str, Any]:
        c, est = self.cand, self.estimate
        return {
            "rank": self.rank,
            "is_demo": c.is_demo,
            "hospital": {
                "id": c.hospital_id,
                "name": c.name,
                "kind": c.kind,
                "city": c.city,
                "region": c.region,
                "country": c.country,
                "country_name": c.country_name,
                "is_demo": c.hospital_is_demo,
                "accreditations": [
                    {
                        "body": a.body,
                        "body_name": a.body_name,
                        "number": a.number,
                        "level": a.level,
                        "valid_from": a.valid_from,
                        "valid_to": a.valid_to,
                        "status": a.validity_on(ctx.today),
                        "verification_status": a.verification_status,
                        "is_demo": a.is_demo,
                    }
                    for a in self.details.accreditations
                ],
                "verified_doctors": c.verified_doctors,
                "nearest_airport": {"code": c.airport_code, "name": c.airport_name, "distance_km": c.airport_km}
                if c.airport_code
                else None,
            },
            "offer": {
                "id": c.offer_id,
                "procedure": ctx.procedure.slug,
                "currency": c.currency,
                "price_min": c.price_min,
                "price_max": c.price_max,
                "price_point": est.line("procedure").amount,
                "price_point_method": "midpoint",
                "inclusions": c.inclusions,
                "wait_days": c.wait_days,
                "source_kind": c.source_kind,
                "source": c.source_note,
                "as_of": c.as_of,
                "is_demo": c.offer_is_demo,
            },
            "trip_estimate": est.as_dict(),
            "savings": self.savings.as_dict(),
            "visa": self.visa_dict(ctx),
            "travel": {
                "origin_airport": est.travel.origin.code if est.travel.origin else None,
                "destination_airport": est.travel.destination_code,
                "distance_km": est.travel.distance_km,
                "flight_hours": est.travel.flight_hours,
                "method": est.travel.method,
            },
            "stay": {
                "inpatient_nights": est.stay.inpatient_nights,
                "lodging_nights": est.stay.lodging_nights,
                "days_away": est.stay.days_away,
                "method": stay_text(ctx, est.stay),
                "source": ctx.procedure.stay_source,
            },
            "wait": self.window.as_dict(),
            "wait_days": c.wait_days,
            "languages": self.languages,
            "score": self.score.as_dict(),
        }


@dataclass(frozen=True)
class Exclusion:
    filter: str
    label: str
    excluded: int
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"filter": self.filter, "label": self.label, "excluded": self.excluded, "note": self.note}


@dataclass
class SearchResult:
    query: SearchQuery
    ctx: TripContext | None
    rows: list[ResultRow]
    count: int  # results after the filters
    candidates: int  # offers for the procedure in the network, before the filters
    exclusions: list[Exclusion]
    excluded_total: int
    without_price: int | None  # accredited hospitals with no price for the procedure (empty results)
    reference: ReferenceFigure | None
    message: str = ""
    cache_key: Any = None  # identifies the page and the data it was computed from

    def exclusions_text(self) -> str:
        parts = [f"{e.label} excluded {e.excluded}" for e in self.exclusions if e.excluded]
        return ", ".join(parts)


def _context(query: SearchQuery) -> TripContext:
    assert query.procedure is not None
    snap = query.snapshot
    return TripContext(
        today=query.today,
        currency=query.currency,
        fx=snap.fx(query.today),
        procedure=query.procedure,
        origin=query.origin,
        passport=query.passport,
        passport_assumed=query.passport_assumed,
        visas=snap.visas(query.passport) if query.passport else {},
        companion=query.companion,
        travel_from=query.travel_from,
        travel_to=query.travel_to,
    )


def _filters(query: SearchQuery, ctx: TripContext, cand: Candidate, est: TripTotals) -> list[str]:
    """The filters this result fails (empty: it is shown)."""
    failed = []
    if query.destination and cand.country != query.destination:
        failed.append("destination")
    if query.bodies and not cand.body_match:
        failed.append("accreditation")
    rule = ctx.visas.get(cand.country)
    if rule is not None and rule.requirement == NO_ADMISSION and ctx.passport != cand.country:
        failed.append("visa")
    if query.max_flight_hours is not None:
        hours = est.flight_hours
        if hours is None or Decimal(str(hours)) > query.max_flight_hours:
            failed.append("max_flight_hours")
    if query.budget is not None and est.procedure_known and est.total > query.budget:
        failed.append("budget")
    return failed


FILTER_LABELS = {
    "destination": "destination country",
    "accreditation": "accreditation body",
    "visa": "visa (your passport is not admitted)",
    "max_flight_hours": "maximum flight hours",
    "budget": "budget",
}


def _active_filters(query: SearchQuery) -> list[str]:
    active = []
    if query.destination:
        active.append("destination")
    if query.bodies:
        active.append("accreditation")
    if query.passport:
        active.append("visa")
    if query.max_flight_hours is not None:
        active.append("max_flight_hours")
    if query.budget is not None:
        active.append("budget")
    return active


_WITHOUT_PRICE: dict[tuple[Any, ...], tuple[float, int]] = {}
WITHOUT_PRICE_TTL = 60.0


def hospitals_without_price(procedure_pk: int, today: datetime.date) -> int:
    """Accredited hospitals in the network with no offer for the procedure (for the explanation of
    an empty result). It counts the whole network, so it is kept for a minute per process: only a
    number in a sentence, never who is shown."""
    key = (procedure_pk, today, include_synthetic())
    cached = _WITHOUT_PRICE.get(key)
    now = time.monotonic()
    if cached is not None and now - cached[0] < WITHOUT_PRICE_TTL:
        return cached[1]
    qs = hospitals_in_network(today).exclude(offers__procedure_id=procedure_pk)
    if not include_synthetic():
        qs = qs.filter(synthetic_marker__isnull=True)
    count = qs.count()
    _WITHOUT_PRICE[key] = (now, count)
    return count


@dataclass(frozen=True)
class Ranked:
    """The ranking of every result for one query and one reading of the data."""

    ctx: TripContext
    scored: list[tuple[dict[str, float | None], Candidate, TripTotals]]  # best first: (figures, ...)
    bounds: Bounds
    candidates: int
    exclusions: list[Exclusion]
    reference: ReferenceFigure | None
    others: int


class MemoKey:
    """A memo key that hashes its (large) value once."""

    __slots__ = ("_hash", "value")

    def __init__(self, value: Any) -> None:
        self.value = value
        self._hash = hash(value)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MemoKey) and self._hash == other._hash and self.value == other.value


class _Memo:
    """A small LRU dictionary shared by the threads of one process."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


# Search results are a pure function of (the query, the reference snapshot, today, the language, the
# rows read from the network). Every search reads the rows fresh; when they are exactly the rows a
# previous search read, its ranking and page are reused instead of recomputed. A change to any
# offer, hospital, accreditation or doctor changes the rows, so nothing stale is ever served.
_RANKED = _Memo(256)
_PAGES = _Memo(512)
JSON_MEMO = _Memo(512)  # the API's JSON document of a page, by SearchResult.cache_key


def clear_caches() -> None:
    _WITHOUT_PRICE.clear()
    _RANKED.clear()
    _PAGES.clear()
    JSON_MEMO.clear()


def _memo_enabled() -> bool:
    return bool(getattr(settings, "DISCOVERY_RESULT_MEMO", True))


def _rank(query: SearchQuery, cands: list[Candidate]) -> Ranked:
    assert query.procedure_pk is not None
    figures_ref = query.snapshot.references(query.procedure_pk, query.origin_country) if query.origin_country else []
    ctx = _context(query)
    reference, others = choose_reference(figures_ref, query.raw.origin_city, ctx.fx, ctx.currency)
    kept: list[tuple[Candidate, TripTotals]] = []
    counts = dict.fromkeys(_active_filters(query), 0)
    unknown_hours = 0
    for cand in cands:
        est = trip_totals(ctx, cand)
        failed = _filters(query, ctx, cand, est)
        for name in failed:
            counts[name] = counts.get(name, 0) + 1
        if "max_flight_hours" in failed and est.flight_hours is None:
            unknown_hours += 1
        if not failed:
            kept.append((cand, est))
    exclusions = [
        Exclusion(
            name,
            FILTER_LABELS[name],
            n,
            _("%(n)d of them with an unknown flight time") % {"n": unknown_hours}
            if name == "max_flight_hours" and unknown_hours
            else "",
        )
        for name, n in counts.items()
    ]
    figures = [raw_figures(c, e) for c, e in kept]
    bounds = bounds_of(figures)
    effective = query.weights.effective()
    ordered = sorted(
        zip(figures, kept, strict=True),
        key=lambda t: sort_key(score_total(t[0], bounds, effective), t[1][1], t[1][0]),
    )
    scored = [(f, c, e) for f, (c, e) in ordered]
    return Ranked(ctx, scored, bounds, len(cands), exclusions, reference, others)


def search(query: SearchQuery, *, offset: int = 0, limit: int = 20) -> SearchResult:
    """Rank the offers for the query's procedure; build the rows of one page."""
    if query.procedure is None or query.procedure_pk is None:
        return SearchResult(query, None, [], 0, 0, [], 0, None, None, _("No procedure matched: choose one."))
    today = query.today
    prepared, raw_rows = _candidate_rows(
        procedure_pk=query.procedure_pk,
        specialty=query.procedure.specialty,
        today=today,
        language=query.language,
        bodies=query.bodies,
    )
    memo = _memo_enabled()
    key = MemoKey((query.raw, query.snapshot.key, today, get_language(), include_synthetic(), tuple(raw_rows)))
    ranked: Ranked | None = _RANKED.get(key) if memo else None
    if ranked is None:
        cands = [
            _candidate(r, language=bool(query.language), bodies=bool(query.bodies)) for r in prepared.convert(raw_rows)
        ]
        ranked = _rank(query, cands)
        if memo:
            _RANKED.put(key, ranked)
    page = ranked.scored[offset : offset + limit]
    pks = [c.hospital_pk for _s, c, _t in page]
    detail_rows = _detail_rows(pks, today)
    page_key = MemoKey((key, offset, limit, tuple(detail_rows)))
    rows: list[ResultRow] | None = _PAGES.get(page_key) if memo else None
    if rows is None:
        rows = _rows(
            query,
            ranked.ctx,
            page,
            ranked.bounds,
            ranked.reference,
            ranked.others,
            first_rank=offset + 1,
            detail_rows=detail_rows,
        )
        if memo:
            _PAGES.put(page_key, rows)
    kept = len(ranked.scored)
    # Only when no hospital at all has a price: with offers filtered out, the filters explain it.
    without = hospitals_without_price(query.procedure_pk, today) if not ranked.candidates else None
    return SearchResult(
        query=query,
        ctx=ranked.ctx,
        rows=rows,
        count=kept,
        candidates=ranked.candidates,
        exclusions=ranked.exclusions,
        excluded_total=ranked.candidates - kept,
        without_price=without,
        reference=ranked.reference,
        message=_empty_message(query, ranked.candidates, kept, ranked.exclusions, without),
        cache_key=(page_key, without),
    )


def _rows(
    query: SearchQuery,
    ctx: TripContext,
    page: Sequence[tuple[dict[str, float | None], Candidate, TripTotals]],
    bounds: Bounds,
    reference: ReferenceFigure | None,
    others: int,
    *,
    first_rank: int = 1,
    with_doctors: bool = False,
    detail_rows: list[tuple[Any, ...]] | None = None,
) -> list[ResultRow]:
    assert query.procedure is not None
    details = hospital_details(
        [c.hospital_pk for _s, c, _e in page], query.today, with_doctors=with_doctors, rows=detail_rows
    )
    rows = []
    for i, (figures, cand, _totals) in enumerate(page):
        d = details[cand.hospital_pk]
        est = trip_estimate(ctx, cand)
        sc = explain(
            score(figures, bounds, query.weights),
            cand,
            est,
            bounds,
            body_names=sorted({a.body_short_name for a in d.accreditations}),
            specialty_name=query.procedure.specialty_name or query.procedure.specialty,
            language=query.language,
        )
        rows.append(
            ResultRow(
                rank=first_rank + i,
                cand=cand,
                estimate=est,
                score=sc,
                savings=savings_for(ctx, est, reference, others),
                window=window_fit(query, cand, est),
                details=d,
            )
        )
    return rows


def _empty_message(
    query: SearchQuery, candidates: int, kept: int, exclusions: list[Exclusion], without: int | None
) -> str:
    if kept:
        return ""
    assert query.procedure is not None
    lacking = (
        _(" %(n)d accredited hospitals in the network have not published a price for it, so they are not listed.")
        % {"n": without}
        if without
        else ""
    )
    if candidates == 0:
        return (
            _("No accredited hospital in the network has a price for %(name)s yet.") % {"name": query.procedure.name}
            + lacking
        )
    parts = ", ".join(f"{e.label} excluded {e.excluded}" for e in exclusions if e.excluded)
    return (
        _("None of the %(n)d offers for %(name)s passes your filters: %(parts)s.")
        % {"n": candidates, "name": query.procedure.name, "parts": parts}
        + lacking
    )


# --- Compare ---------------------------------------------------------------------------------------


@dataclass
class CompareResult:
    query: SearchQuery
    ctx: TripContext
    rows: list[ResultRow]
    reference: ReferenceFigure | None
    line_keys: tuple[str, ...]


def compare(query: SearchQuery, offer_ids: Sequence[Any]) -> CompareResult:
    """Up to four offers side by side, in the order given, with the same trip lines in the same
    order. Raises LookupError naming the ids that are not offers for the procedure in the network."""
    assert query.procedure is not None and query.procedure_pk is not None
    offers = searchable_offers(query.today).filter(public_id__in=list(offer_ids))
    if query.procedure_pk:
        offers = offers.filter(procedure_id=query.procedure_pk)
    cands = candidate_offers(offers, specialty=query.procedure.specialty, today=query.today, language=query.language)
    by_id = {str(c.offer_id): c for c in cands}
    missing = [str(i) for i in offer_ids if str(i) not in by_id]
    if missing:
        raise LookupError(missing)
    ordered = [by_id[str(i)] for i in offer_ids]
    figures_ref = query.snapshot.references(query.procedure_pk, query.origin_country) if query.origin_country else []
    ctx = _context(query)
    reference, others = choose_reference(figures_ref, query.raw.origin_city, ctx.fx, ctx.currency)
    totals = [trip_totals(ctx, c) for c in ordered]
    figures = [raw_figures(c, t) for c, t in zip(ordered, totals, strict=True)]
    bounds = bounds_of(figures)
    page = list(zip(figures, ordered, totals, strict=True))
    rows = _rows(query, ctx, page, bounds, reference, others, with_doctors=True)
    return CompareResult(query, ctx, rows, reference, LINE_KEYS)


def offer_procedure_slug(offer_id: Any) -> str | None:
    """The procedure of an offer (compare links that carry only offer ids)."""
    return Offer.objects.filter(public_id=offer_id).values_list("procedure__slug", flat=True).first()


def saved_searches_visible_to(user: Any) -> QuerySet[SavedSearch]:
    """The one filter for saved searches: a patient's own, nobody else's (not even staff)."""
    if not has_perm(user, "discovery.save_searches"):
        return SavedSearch.objects.none()
    return SavedSearch.objects.filter(owner=user)
