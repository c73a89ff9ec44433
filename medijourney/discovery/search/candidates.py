"""The queries that find candidates: every offer for the procedure at a hospital in the network
(``network.selectors.hospitals_in_network`` — the only definition of patient-visible hospitals), with
the quality signals annotated, in ONE prepared query; rows are mapped to ``Candidate`` by column
name (``CandidateRow``), never by position.

Synthetic benchmark hospitals (``SyntheticHospital``) are left out unless the bench-only setting
``DISCOVERY_INCLUDE_SYNTHETIC`` is on, and always in demo mode."""

import datetime
import time
from collections.abc import Sequence
from typing import Any, NamedTuple

from django.conf import settings
from django.db import router
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DateField,
    DecimalField,
    Exists,
    F,
    Field,
    FloatField,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast

from medijourney.network.models import Accreditation, Doctor, DoctorLicence, Offer
from medijourney.network.selectors import hospitals_in_network, qualifying_accreditations

from ..estimate import Candidate
from ..prepared import BOOL, DATE, DECIMAL, DECIMAL1, JSON, RAW, UUID, PreparedQuery, Sentinel, convert_rows
from .details import DetailRow, detail_rows
from .memo import register_clear
from .pagerows import detail_order


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


class CandidateRow(NamedTuple):
    """One candidate row as the database gives it, by name (the order of ``CANDIDATE_COLUMNS``)."""

    pk: int
    offer_uuid: Any
    currency: str
    price_min: Any
    price_max: Any
    inclusions: Any
    wait_days: int | None
    source_kind: str
    source_note: str
    as_of: Any
    is_demo: Any
    hospital_id: int
    hospital_uuid: Any
    hospital_name: str
    hospital_city: str
    hospital_region: str
    hospital_country_id: str
    hospital_country_name: str
    hospital_kind: str
    hospital_is_demo: Any
    hospital_languages: Any
    airport_iata: str | None
    airport_ident: str | None
    airport_name: str | None
    airport_latitude: float | None
    airport_longitude: float | None
    airport_km: Any
    airport_basis: str | None
    n_bodies: int | None
    verified_doctors: int | None
    language_match: Any
    body_match: Any


# (row field, ORM path, conversion kind), in the order of CandidateRow.
CANDIDATE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("pk", "pk", RAW),
    ("offer_uuid", "offer_uuid", UUID),  # public ids as text: cheap to compare in the result memo's key
    ("currency", "currency", RAW),
    ("price_min", "price_min", DECIMAL),
    ("price_max", "price_max", DECIMAL),
    ("inclusions", "inclusions", JSON),
    ("wait_days", "wait_days", RAW),
    ("source_kind", "source_kind", RAW),
    ("source_note", "source_note", RAW),
    ("as_of", "as_of", DATE),
    ("is_demo", "is_demo", BOOL),
    ("hospital_id", "hospital_id", RAW),
    ("hospital_uuid", "hospital_uuid", UUID),
    ("hospital_name", "hospital__name", RAW),
    ("hospital_city", "hospital__city", RAW),
    ("hospital_region", "hospital__region", RAW),
    ("hospital_country_id", "hospital__country_id", RAW),
    ("hospital_country_name", "hospital__country__name", RAW),
    ("hospital_kind", "hospital__kind", RAW),
    ("hospital_is_demo", "hospital__is_demo", BOOL),
    ("hospital_languages", "hospital__languages", JSON),
    ("airport_iata", "hospital__nearest_airport__iata", RAW),
    ("airport_ident", "hospital__nearest_airport__ident", RAW),
    ("airport_name", "hospital__nearest_airport__name", RAW),
    ("airport_latitude", "hospital__nearest_airport__latitude", RAW),
    ("airport_longitude", "hospital__nearest_airport__longitude", RAW),
    ("airport_km", "hospital__nearest_airport_km", DECIMAL1),
    ("airport_basis", "hospital__airport_basis", RAW),
    ("n_bodies", "n_bodies", RAW),
    ("verified_doctors", "verified_doctors", RAW),
    ("language_match", "language_match", BOOL),
    ("body_match", "body_match", BOOL),
)
assert tuple(name for name, _path, _kind in CANDIDATE_COLUMNS) == CandidateRow._fields
CANDIDATE_PATHS = tuple(path for _name, path, _kind in CANDIDATE_COLUMNS)
CANDIDATE_KINDS = tuple(kind for _name, _path, kind in CANDIDATE_COLUMNS)
SOURCE_KIND_LABELS = {value: str(label) for value, label in Offer.SourceKind.choices}
DETAIL_FIELDS = DetailRow._fields


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
    """The offers with the quality signals annotated, as ``values_list`` rows of CANDIDATE_PATHS
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
        return annotated.annotate(in_network=flag).values_list(*CANDIDATE_PATHS, "in_network")
    return annotated.values_list(*CANDIDATE_PATHS)


def to_candidate(values: Sequence[Any], *, language: bool, bodies: bool) -> Candidate:
    """A converted row (CANDIDATE_COLUMNS order) as a Candidate, every column read by its name."""
    r = CandidateRow._make(values)
    return Candidate(
        offer_pk=r.pk,
        offer_id=r.offer_uuid,
        currency=r.currency,
        price_min=r.price_min,
        price_max=r.price_max,
        inclusions=r.inclusions or {},
        wait_days=r.wait_days,
        source_kind=r.source_kind,
        source_note=r.source_note or SOURCE_KIND_LABELS.get(r.source_kind, r.source_kind),
        as_of=r.as_of,
        offer_is_demo=bool(r.is_demo),
        hospital_pk=r.hospital_id,
        hospital_id=r.hospital_uuid,
        name=r.hospital_name,
        city=r.hospital_city,
        region=r.hospital_region,
        country=r.hospital_country_id,
        country_name=r.hospital_country_name,
        kind=r.hospital_kind,
        hospital_is_demo=bool(r.hospital_is_demo),
        languages=list(r.hospital_languages or []),
        airport_code=(r.airport_iata or r.airport_ident) if r.airport_ident else None,
        airport_name=r.airport_name,
        airport_lat=r.airport_latitude,
        airport_lon=r.airport_longitude,
        airport_km=r.airport_km,
        airport_basis=r.airport_basis or "",
        n_bodies=r.n_bodies or 0,
        verified_doctors=r.verified_doctors or 0,
        language_match=bool(r.language_match) if language else None,
        body_match=bool(r.body_match) if bodies else None,
    )


def primary_language(language: str | None) -> str | None:
    return language.split("-")[0].lower() if language else None


def candidate_offers(
    offers: QuerySet[Offer],
    *,
    specialty: str,
    today: datetime.date,
    language: str | None = None,
    bodies: Sequence[str] = (),
) -> list[Candidate]:
    """Any set of offers as candidates (one query through the ORM)."""
    primary = primary_language(language)
    rows = annotated_offers(offers, specialty=specialty, today=today, language=primary, bodies=bodies)
    return [
        to_candidate(r, language=bool(primary), bodies=bool(bodies)) for r in convert_rows(list(rows), CANDIDATE_KINDS)
    ]


def _annotated_search_offers(
    offers: QuerySet[Offer], p: dict[str, Any], *, has_language: bool, n_bodies: int, synthetic: bool
) -> QuerySet[Any]:
    """``annotated_offers`` with the in-network flag, from a prepared query's parameters (``today``,
    ``specialty``, ``language``, ``body0``…): the one shape every prepared search query reads."""
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


def _search_params(has_language: bool, n_bodies: int, **more: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"today": Sentinel.date, "specialty": Sentinel.text, **more}
    if has_language:
        params["language"] = Sentinel.text
    for i in range(n_bodies):
        params[f"body{i}"] = Sentinel.text
    return params


def _search_values(today: datetime.date, specialty: str, primary: str | None, bodies: Sequence[str]) -> dict[str, Any]:
    values: dict[str, Any] = {"today": today, "specialty": specialty}
    if primary:
        values["language"] = primary
    for i, code in enumerate(bodies):
        values[f"body{i}"] = code
    return values


def _ids(prefix: str, ids: Sequence[int], n: int) -> dict[str, int]:
    """``n`` id parameters (``o0``…), padded with -1 (no row has it)."""
    return {f"{prefix}{i}": ids[i] if i < len(ids) else -1 for i in range(n)}


_PREPARED: dict[tuple[Any, ...], PreparedQuery] = {}


def _prepared_candidates(has_language: bool, n_bodies: int, synthetic: bool) -> PreparedQuery:
    key = ("candidates", has_language, n_bodies, synthetic)
    prepared = _PREPARED.get(key)
    if prepared is None:

        def build(**p: Any) -> QuerySet[Any]:
            # Driven by the procedure's offers (its index). Whether each offer's hospital is in the
            # network is asked per row, in the select list, with network.hospitals_in_network: a
            # WHERE EXISTS would let PostgreSQL turn it into a join over the whole network.
            offers = Offer.objects.filter(procedure_id=p["procedure"])
            return _annotated_search_offers(
                offers, p, has_language=has_language, n_bodies=n_bodies, synthetic=synthetic
            )

        params = _search_params(has_language, n_bodies, procedure=Sentinel.integer)
        prepared = _PREPARED[key] = PreparedQuery(build, params, CANDIDATE_KINDS)
    return prepared


def candidate_rows(
    *, procedure_pk: int, specialty: str, today: datetime.date, language: str | None, bodies: Sequence[str]
) -> tuple[PreparedQuery, list[tuple[Any, ...]]]:
    """The candidate rows exactly as the database gave them: one prepared query (compiled once per
    process), read fresh on every search."""
    primary = primary_language(language)
    prepared = _prepared_candidates(bool(primary), len(bodies), include_synthetic())
    values = {**_search_values(today, specialty, primary, bodies), "procedure": procedure_pk}
    in_network = len(CANDIDATE_COLUMNS)  # the extra column added by network_flag
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
    prepared, rows = candidate_rows(
        procedure_pk=procedure_pk, specialty=specialty, today=today, language=language, bodies=bodies
    )
    return [to_candidate(r, language=bool(language), bodies=bool(bodies)) for r in prepared.convert(rows)]


_WITHOUT_PRICE: dict[tuple[Any, ...], tuple[float, int]] = {}
WITHOUT_PRICE_TTL = 60.0
# Its key holds the day, so a long-running process would keep one entry per procedure per day for
# ever: past this many entries it starts again (each entry is only a minute's saving of one count).
WITHOUT_PRICE_MAX = 1024
register_clear(_WITHOUT_PRICE.clear)


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
    if len(_WITHOUT_PRICE) >= WITHOUT_PRICE_MAX:
        _WITHOUT_PRICE.clear()
    _WITHOUT_PRICE[key] = (now, count)
    return count


PAGE_SIZES = (10, 20, 50, 100, 200, 500)  # prepared shapes of the page query; more ids are read in chunks


def _prepared_page(n: int, has_language: bool, n_bodies: int, synthetic: bool) -> PreparedQuery:
    key = ("page", n, has_language, n_bodies, synthetic)
    prepared = _PREPARED.get(key)
    if prepared is None:

        def build(**p: Any) -> QuerySet[Any]:
            offers = Offer.objects.filter(pk__in=[p[f"o{i}"] for i in range(n)])
            return _annotated_search_offers(
                offers, p, has_language=has_language, n_bodies=n_bodies, synthetic=synthetic
            )

        params = _search_params(has_language, n_bodies, **dict.fromkeys([f"o{i}" for i in range(n)], Sentinel.integer))
        prepared = _PREPARED[key] = PreparedQuery(build, params, CANDIDATE_KINDS)
    return prepared


def page_candidates(
    offer_pks: Sequence[int], *, specialty: str, today: datetime.date, language: str | None, bodies: Sequence[str]
) -> list[Candidate]:
    """The given offers as candidates, if their hospital is in the network today: one prepared
    query (compiled once per process and page shape) per ``PAGE_SIZES[-1]`` offers."""
    primary = primary_language(language)
    synthetic = include_synthetic()
    alias = router.db_for_read(Offer)
    in_network = len(CANDIDATE_COLUMNS)
    out: list[Candidate] = []
    for start in range(0, len(offer_pks), PAGE_SIZES[-1]):
        chunk = list(offer_pks[start : start + PAGE_SIZES[-1]])
        n = _bucket(len(chunk))
        values = {**_search_values(today, specialty, primary, bodies), **_ids("o", chunk, n)}
        prepared = _prepared_page(n, bool(primary), len(bodies), synthetic)
        raw = [row[:in_network] for row in prepared.run_raw(alias, **values) if row[in_network]]
        out += [to_candidate(r, language=bool(primary), bodies=bool(bodies)) for r in prepared.convert(raw)]
    return out


# The page query is one UNION ALL: the offers (CANDIDATE_COLUMNS and the in-network flag), then
# the current accreditations and the doctors' languages of their hospitals (the rows of
# ``details.detail_rows``) laid into columns of the same types, marked "a" or "d" in the text
# column that holds an offer's public id.
_D_INT, _D_TEXT, _D_NUM, _D_JSON, _D_DATE, _D_BOOL, _D_FLOAT = (
    IntegerField(),
    CharField(),
    DecimalField(max_digits=12, decimal_places=2),
    JSONField(),
    DateField(),
    BooleanField(),
    FloatField(),
)
_COLUMN_TYPES: tuple[Field[Any, Any], ...] = (_D_INT, _D_TEXT, _D_TEXT, _D_NUM, _D_NUM, _D_JSON, _D_INT, _D_TEXT, _D_TEXT, _D_DATE, _D_BOOL,
                 _D_INT, _D_TEXT, _D_TEXT, _D_TEXT, _D_TEXT, _D_TEXT, _D_TEXT, _D_TEXT, _D_BOOL, _D_JSON, _D_TEXT,
                 _D_TEXT, _D_TEXT, _D_FLOAT, _D_FLOAT, _D_NUM, _D_TEXT, _D_INT, _D_INT, _D_BOOL, _D_BOOL, _D_BOOL)  # fmt: skip
# detail column -> the page query's column that carries it
_DETAIL_AT = {"hospital_id": 11, "kind": 1, "body": 2, "body_short_name": 7, "body_name": 8, "number": 12,
              "level": 13, "verification_status": 14, "valid_from": 9, "valid_to": 15, "is_demo": 10, "spoken": 5}  # fmt: skip


def _padded(qs: QuerySet[Any], columns: dict[int, Any]) -> QuerySet[Any]:
    """``qs`` as rows of the page query's width: the given columns, NULL of the right type elsewhere."""
    names = {}
    for i, field_type in enumerate(_COLUMN_TYPES):
        expr = columns.get(i, Value(None, output_field=field_type))
        names[f"c{i}"] = expr
    return qs.annotate(**names).order_by().values_list(*names)


def _detail_branches(hospitals: list[Any], today: Any) -> list[QuerySet[Any]]:
    accreditations = _padded(
        Accreditation.objects.filter(hospital_id__in=hospitals).filter(
            Exists(qualifying_accreditations(today).filter(pk=OuterRef("pk")))
        ),
        {
            0: F("hospital_id"),
            1: Value("a", output_field=CharField()),
            2: F("body__code"),
            7: F("body__short_name"),
            8: F("body__name"),
            9: F("valid_from"),
            10: F("is_demo"),
            11: F("hospital_id"),
            12: F("number"),
            13: F("level"),
            14: F("verification_status"),
            15: Cast("valid_to", output_field=CharField()),
            32: Value(True, output_field=BooleanField()),
        },
    )
    doctors = _padded(
        Doctor.objects.filter(hospital_id__in=hospitals),
        {
            0: F("hospital_id"),
            1: Value("d", output_field=CharField()),
            5: F("languages"),
            11: F("hospital_id"),
            32: Value(True, output_field=BooleanField()),
        },
    )
    return [accreditations, doctors]


def _prepared_page_with_details(n: int, nh: int, has_language: bool, n_bodies: int, synthetic: bool) -> PreparedQuery:
    key = ("page+details", n, nh, has_language, n_bodies, synthetic)
    prepared = _PREPARED.get(key)
    if prepared is None:

        def build(**p: Any) -> QuerySet[Any]:
            offers = Offer.objects.filter(pk__in=[p[f"o{i}"] for i in range(n)])
            page = _annotated_search_offers(
                offers, p, has_language=has_language, n_bodies=n_bodies, synthetic=synthetic
            )
            hospitals = [p[f"h{i}"] for i in range(nh)]
            return page.union(*_detail_branches(hospitals, p["today"]), all=True)

        ids = [f"o{i}" for i in range(n)] + [f"h{i}" for i in range(nh)]
        params = _search_params(has_language, n_bodies, **dict.fromkeys(ids, Sentinel.integer))
        prepared = _PREPARED[key] = PreparedQuery(build, params, CANDIDATE_KINDS)
    return prepared


def _bucket(n: int) -> int:
    return next((size for size in PAGE_SIZES if size >= n), n)


def page_candidates_and_details(
    offer_pks: Sequence[int],
    hospital_pks: Sequence[int],
    *,
    specialty: str,
    today: datetime.date,
    language: str | None,
    bodies: Sequence[str],
) -> tuple[list[Candidate], list[tuple[Any, ...]]]:
    """The given offers as candidates (if their hospital is in the network today) and the raw
    detail rows (``details.detail_rows``' shape) of the given hospitals: ONE prepared query."""
    if len(offer_pks) > PAGE_SIZES[-1] or len(hospital_pks) > PAGE_SIZES[-1]:  # a very deep tie: two steps
        cands = page_candidates(offer_pks, specialty=specialty, today=today, language=language, bodies=bodies)
        return cands, detail_rows(hospital_pks, today)
    primary = primary_language(language)
    n, nh = _bucket(len(offer_pks)), _bucket(len(hospital_pks))
    values = {
        **_search_values(today, specialty, primary, bodies),
        **_ids("o", offer_pks, n),
        **_ids("h", hospital_pks, nh),
    }
    prepared = _prepared_page_with_details(n, nh, bool(primary), len(bodies), include_synthetic())
    in_network = len(CANDIDATE_COLUMNS)
    offers, details = [], []
    for row in prepared.run_raw(router.db_for_read(Offer), **values):
        if row[1] in ("a", "d"):
            details.append(tuple(row[_DETAIL_AT[name]] for name in DETAIL_FIELDS))
        elif row[in_network]:
            offers.append(row[:in_network])
    cands = [to_candidate(r, language=bool(primary), bodies=bool(bodies)) for r in prepared.convert(offers)]
    return cands, sorted(details, key=detail_order)
