"""The one query that brings a procedure's search index up to date: a UNION ALL of

- ``c``: the change log since the last read, one row per hospital (its latest change id and how
  many changes), so holes in the ids (a transaction not committed yet) can be told;
- ``d``, ``a``, ``l``, ``o``: the doctors' languages, the accreditations (their dates), the verified
  licences of the procedure's specialty (their dates) and the offers for the procedure, of the
  hospitals that changed (a patch) or of every hospital with an offer for it (a first reading).

One statement, so the change rows and the data are one consistent reading of the database, and
a search costs one query here whether one hospital or a thousand changed. When nothing is
pending, ``changed_after`` looks first for a change id above the floor: when there is none (the
steady state) the union is not run at all. Rows come in kind order (a, c, d, l, o): the offers,
by far the most rows, come last and are read in chunks.

The columns are typed alike in every branch (PostgreSQL requires it); see ``COLUMNS``."""

import datetime
import functools
import json
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    DateField,
    DecimalField,
    F,
    Field,
    FloatField,
    IntegerField,
    JSONField,
    Max,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast

from medijourney.network.models import Accreditation, Doctor, DoctorLicence, Offer, VerificationStatus

from ..models import SearchChange
from ..prepared import RAW, PreparedQuery, Sentinel

_INT, _BIG, _TEXT, _NUM = IntegerField(), BigIntegerField(), CharField(), DecimalField(max_digits=12, decimal_places=2)
_JSON, _DATE, _FLOAT = JSONField(), DateField(), FloatField()
# (column, type): every branch fills some and leaves NULL of that type in the others
COLUMNS: tuple[tuple[str, Field[Any, Any]], ...] = (
    ("kind", _TEXT),
    ("id", _BIG),  # offer | latest change | doctor
    ("hospital", _BIG),
    ("code", _TEXT),  # currency | body code
    ("price_min", _NUM),
    ("price_max", _NUM),
    ("number", _INT),  # wait days | changes counted
    ("json1", _JSON),  # inclusions | doctor's languages
    ("status", _TEXT),
    ("country", _TEXT),
    ("city", _TEXT),
    ("iata", _TEXT),
    ("ident", _TEXT),
    ("airport_name", _TEXT),
    ("latitude", _FLOAT),
    ("longitude", _FLOAT),
    ("json2", _JSON),  # hospital's languages
    ("marker", _BIG),  # synthetic marker id
    ("start", _DATE),
    ("end", _DATE),
)
AT = {name: i for i, (name, _type) in enumerate(COLUMNS)}


def _padded(qs: QuerySet[Any], filled: dict[str, Any]) -> QuerySet[Any]:
    # a typed NULL (NULL::date ...): PostgreSQL types a union's columns by their first branch
    exprs = {f"s_{name}": filled.get(name, Cast(Value(None), output_field=kind)) for name, kind in COLUMNS}
    return qs.annotate(**exprs).values_list(*exprs)


def _kind(k: str) -> Value:
    return Value(k, output_field=CharField())


def build(
    *, procedure: int, specialty: str, floor: int | None, back: int, full: bool, pending: Sequence[int]
) -> QuerySet[Any]:
    """The union. ``floor``: read changes after it (None, a process's first reading: the last
    ``back`` ids). ``full``: every hospital with an offer for the procedure; else those changed
    after ``floor`` and ``pending`` (changes another procedure's index read)."""
    latest = Subquery(SearchChange.objects.order_by("-id").values("id")[:1]) - back
    changes = SearchChange.objects.filter(id__gt=floor if floor is not None else latest)
    c = _padded(
        changes.order_by().values("hospital_id").annotate(n=Count("id"), top=Max("id")),
        {"kind": _kind("c"), "id": F("top"), "hospital": F("hospital_id"), "number": F("n")},
    )
    if full:
        hospitals: Any = Q(hospital_id__in=Offer.objects.filter(procedure_id=procedure).values("hospital_id"))
    else:
        hospitals = Q(hospital_id__in=changes.filter(hospital_id__isnull=False).values("hospital_id"))
        if pending:
            hospitals |= Q(hospital_id__in=list(pending))
    d = _padded(
        Doctor.objects.filter(hospitals).order_by(),
        {"kind": _kind("d"), "id": F("pk"), "hospital": F("hospital_id"), "json1": F("languages")},
    )
    a = _padded(
        # network.selectors.qualifying_accreditations without its two dates, which are kept
        Accreditation.objects.filter(
            hospitals, verification_status=VerificationStatus.VERIFIED, withdrawn_by_body=False,
            body__admits_to_network=True,
        ).order_by(),
        {"kind": _kind("a"), "hospital": F("hospital_id"), "code": F("body__code"), "start": F("valid_from"),
         "end": F("valid_to")},
    )  # fmt: skip
    doctor_hospitals = _prefixed(hospitals, "doctor__")
    lic = _padded(
        # DoctorLicence.objects.verified_current without its dates, for the procedure's specialty
        DoctorLicence.objects.filter(
            doctor_hospitals, verification_status=VerificationStatus.VERIFIED, doctor__specialties__id=specialty
        ).order_by(),
        {"kind": _kind("l"), "id": F("doctor_id"), "hospital": F("doctor__hospital_id"), "start": F("valid_from"),
         "end": F("valid_to")},
    )  # fmt: skip
    o = _padded(
        Offer.objects.filter(hospitals, procedure_id=procedure).order_by(),
        {
            "kind": _kind("o"),
            "id": F("pk"),
            "hospital": F("hospital_id"),
            "code": F("currency"),
            "price_min": F("price_min"),
            "price_max": F("price_max"),
            "number": F("wait_days"),
            "json1": F("inclusions"),
            "status": F("hospital__status"),
            "country": F("hospital__country_id"),
            "city": F("hospital__city"),
            "iata": F("hospital__nearest_airport__iata"),
            "ident": F("hospital__nearest_airport__ident"),
            "airport_name": F("hospital__nearest_airport__name"),
            "latitude": F("hospital__nearest_airport__latitude"),
            "longitude": F("hospital__nearest_airport__longitude"),
            "json2": F("hospital__languages"),
            "marker": F("hospital__synthetic_marker__id"),
        },
    )
    return c.union(d, a, lic, o, all=True).order_by("s_kind")


def _prefixed(q: Q, prefix: str) -> Q:
    """The same hospital condition through another relation (``hospital_id`` → ``doctor__hospital_id``)."""
    out = Q()
    for child in q.children:
        assert isinstance(child, tuple)
        key, value = child
        out |= Q(**{prefix + key: value})
    return out


def _json(value: Any) -> Any:
    return _parsed(value) if isinstance(value, str) else value


@functools.lru_cache(maxsize=4096)
def _parsed(text: str) -> Any:
    """A JSON column's text, parsed once per distinct text: the offers of a procedure share a few
    inclusion sets and language lists, and parsing them row by row was an eighth of a first
    reading (91,217 offers). The index only reads the values (never changes them)."""
    return json.loads(text)


def forget_parsed() -> None:
    """Drop the parsed texts (up to 4,096 of them, about 5 MB at 1,000,000 offers) once a reading is done."""
    _parsed.cache_clear()


def _date(value: Any) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _decimal(value: Any) -> Decimal:
    return (value if isinstance(value, Decimal) else Decimal(str(value))).quantize(Decimal("0.01"))


def rows(alias: str, qs: QuerySet[Any], *, chunk: int = 2_000) -> Iterator[tuple[Any, ...]]:
    """The union's rows with SQLite's text and numbers as the ORM would give them (chunked: a
    server-side cursor on PostgreSQL)."""
    sql, params = qs.query.get_compiler(using=alias).as_sql()
    connection = connections[alias]
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            batch = cursor.fetchmany(chunk)
            if not batch:
                return
            for row in batch:
                yield _typed(row)


def _typed(row: Sequence[Any]) -> tuple[Any, ...]:
    r = list(row)
    for name in ("json1", "json2"):
        r[AT[name]] = _json(r[AT[name]])
    for name in ("start", "end"):
        r[AT[name]] = _date(r[AT[name]])
    for name in ("price_min", "price_max"):
        if r[AT[name]] is not None:
            r[AT[name]] = _decimal(r[AT[name]])
    return tuple(r)


PENDING_SIZES = (0, 10, 100, 1000)  # prepared shapes of the patch query (index.PENDING_AT_MOST is the last)
_PATCHES: dict[int, PreparedQuery] = {}


def _patch_query(n_pending: int) -> PreparedQuery:
    """The steady-state union (changes after a floor, and the rows of the hospitals they name and
    of ``n_pending`` more), compiled once per process: building it with the ORM costs more than
    running it. Planned by PostgreSQL for each floor (not server-prepared): a generic plan cannot
    know that few changes follow the floor."""
    found = _PATCHES.get(n_pending)
    if found is None:

        def make(**p: Any) -> QuerySet[Any]:
            pending = [p[f"h{i}"] for i in range(n_pending)]
            return build(
                procedure=p["procedure"], specialty=p["specialty"], floor=p["floor"], back=0, full=False,
                pending=pending,
            )  # fmt: skip

        params: dict[str, Any] = {"floor": Sentinel.integer, "procedure": Sentinel.integer, "specialty": Sentinel.text}
        for i in range(n_pending):
            params[f"h{i}"] = Sentinel.integer
        found = _PATCHES[n_pending] = PreparedQuery(make, params, [RAW] * len(COLUMNS), server_prepare=False)
    return found


def patch_rows(
    alias: str, *, procedure: int, specialty: str, floor: int, pending: Sequence[int]
) -> list[tuple[Any, ...]]:
    """The steady-state union's rows (typed as ``rows`` gives them)."""
    n = next(size for size in PENDING_SIZES if size >= len(pending))
    values: dict[str, Any] = {"floor": floor, "procedure": procedure, "specialty": specialty}
    for i in range(n):
        values[f"h{i}"] = pending[i] if i < len(pending) else -1
    return [_typed(row) for row in _patch_query(n).run_raw(alias, **values)]


_ANY_CHANGE = PreparedQuery(
    lambda floor: SearchChange.objects.filter(id__gt=floor).order_by("id").values_list("id")[:1],
    {"floor": Sentinel.integer},
    [RAW],
)


def changed_after(alias: str, floor: int) -> bool:
    """Whether the change log holds any id above ``floor``. The patch union costs PostgreSQL about
    2 ms to plan (0.2 ms to run) and, when nothing changed, reads nothing; this lookup of the
    primary key's next id is planned once per connection (a server-side prepared statement whose
    plan, an index scan for the first id, does not depend on the floor)."""
    return bool(_ANY_CHANGE.run_raw(alias, floor=floor))
