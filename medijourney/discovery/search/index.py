"""The search index: for each procedure searched, every offer for it as columns of numbers
(numpy arrays) held by the web process, with what does not depend on the searcher worked out
once: the offer's price point in cents, which items its price includes, its waiting time, its
hospital's place, airport, languages, status and the accreditation and licence dates that decide,
day by day, whether the hospital is in the network and how many bodies and verified doctors it
has. ``vector.py`` ranks a search over these columns; the page's rows are then read from the
database as before.

Kept current without trusting any caller: database triggers (migration ``discovery 0003``) write a
``SearchChange`` row naming the hospital whenever a row the search reads changes, however it was
written (forms, admin, queryset ``update()``, ``bulk_create``, imports). Before every search the
index reads the change rows it has not seen (one small query) and re-reads those hospitals' rows
(a few queries, only when something changed); past ``FULL_RELOAD_AT`` changed hospitals, or on a
"reload everything" row, it reloads the procedure. Day-dependent facts (expiry, a licence that
starts tomorrow) are recomputed from the stored dates when the day changes, so expiry and
suspension take effect on the next request, as they did when every search read the database.

PostgreSQL commits change rows out of id order when transactions overlap: ids not yet visible
below the highest one seen are remembered and read again until they appear (or for
``GAP_SECONDS``: a rolled-back transaction leaves a hole for ever)."""

import datetime
import itertools
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connections, router
from django.db.models import QuerySet

from medijourney.network.models import Accreditation, Doctor, DoctorLicence, Hospital, Offer, VerificationStatus

from ..models import SearchChange
from .memo import register_clear

Array = npt.NDArray[Any]
FULL_RELOAD_AT = 2000  # changed hospitals past which a procedure is reloaded rather than patched
READ_AT_MOST = 5000  # change rows read at once; more means a bulk load: reload
START_BACK = 1000  # change ids read again at a process's first search
GAP_SECONDS = 30.0
CHUNK = 20_000
NO_DATE_FROM = -(2**31) + 1  # a licence without a start date
NO_DATE_TO = 2**31 - 1  # ... or without an end date
_GENERATIONS = itertools.count(1)
TABLE = SearchChange._meta.db_table
FIRST_READ_FROM = f"(SELECT COALESCE(MAX(id), 0) - {START_BACK} FROM {TABLE})"  # noqa: S608 - constants


class Codes:
    """Distinct values numbered in the order first seen (the column holds the number)."""

    def __init__(self) -> None:
        self.values: list[Any] = []
        self._index: dict[Any, int] = {}

    def code(self, value: Any) -> int:
        found = self._index.get(value)
        if found is None:
            found = self._index[value] = len(self.values)
            self.values.append(value)
        return found

    def __len__(self) -> int:
        return len(self.values)


@dataclass(frozen=True)
class Airport:
    code: str
    name: str | None
    latitude: float | None
    longitude: float | None


@dataclass
class Dictionaries:
    """What the numbers in the columns stand for (shared by every version of one index)."""

    prices: Codes = field(default_factory=Codes)  # (currency, price point in cents)
    currencies: Codes = field(default_factory=Codes)  # ISO code
    lodgings: Codes = field(default_factory=Codes)  # (country, city, accommodation included, wait days | None)
    countries: Codes = field(default_factory=Codes)  # ISO code
    airports: Codes = field(default_factory=Codes)  # Airport | None
    spoken: Codes = field(default_factory=Codes)  # frozenset of lower-case BCP 47 tags
    bodies: Codes = field(default_factory=Codes)  # accreditation body code (bit number)


OFFER_COLUMNS: dict[str, Any] = {
    "offer": np.int64,
    "hospital": np.int64,
    "active": np.bool_,
    "synthetic": np.bool_,
    "price": np.int32,
    "currency": np.int32,
    "room": np.bool_,
    "missing": np.bool_,  # the price leaves out an item the procedure needs
    "wait": np.int32,  # -1: not stated
    "lodging": np.int32,
    "country": np.int32,
    "airport": np.int32,
    "spoken": np.int32,
}
ACC_COLUMNS: dict[str, Any] = {"hospital": np.int64, "bit": np.int64, "start": np.int64, "end": np.int64}
LIC_COLUMNS: dict[str, Any] = {"hospital": np.int64, "doctor": np.int64, "start": np.int64, "end": np.int64}


@dataclass(frozen=True)
class Table:
    """Columns of equal length (one array per name)."""

    cols: dict[str, Array]

    @classmethod
    def empty(cls, spec: dict[str, Any]) -> "Table":
        return cls({name: np.zeros(0, dtype=dtype) for name, dtype in spec.items()})

    @classmethod
    def of(cls, spec: dict[str, Any], rows: dict[str, list[Any]]) -> "Table":
        return cls({name: np.asarray(rows[name], dtype=dtype) for name, dtype in spec.items()})

    def __len__(self) -> int:
        return len(next(iter(self.cols.values())))

    def without_hospitals(self, hospitals: Array) -> "Table":
        keep = ~np.isin(self.cols["hospital"], hospitals)
        return Table({name: col[keep] for name, col in self.cols.items()})

    def plus(self, other: "Table") -> "Table":
        return Table({name: np.concatenate([col, other.cols[name]]) for name, col in self.cols.items()})


@dataclass(frozen=True)
class DayFacts:
    """Per offer row, on one day: in the network, admitted bodies (as bits), verified doctors."""

    in_network: Array
    bodies: Array  # uint64 bit mask over Dictionaries.bodies
    n_bodies: Array
    verified: Array


@dataclass
class Version:
    """One consistent reading of the index (replaced, never changed, when data changes)."""

    offers: Table
    accreditations: Table
    licences: Table
    generation: int = field(default_factory=lambda: next(_GENERATIONS))
    _days: dict[int, DayFacts] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def day(self, today: datetime.date) -> DayFacts:
        d = today.toordinal()
        found = self._days.get(d)
        if found is None:
            with self._lock:
                found = self._days.get(d) or _day_facts(self, d)
                self._days.clear()
                self._days[d] = found
        return found


def _day_facts(v: Version, d: int) -> DayFacts:
    hospitals = v.offers.cols["hospital"]
    unique = np.unique(hospitals)
    row = np.searchsorted(unique, hospitals)
    acc = v.accreditations.cols
    current = (acc["start"] <= d) & (acc["end"] >= d) & np.isin(acc["hospital"], unique)
    mask = np.zeros(len(unique), dtype=np.uint64)
    bits = np.left_shift(np.uint64(1), acc["bit"][current].astype(np.uint64))
    np.bitwise_or.at(mask, np.searchsorted(unique, acc["hospital"][current]), bits)
    lic = v.licences.cols
    valid = (lic["start"] <= d) & (lic["end"] >= d) & np.isin(lic["hospital"], unique)
    doctors, first = np.unique(lic["doctor"][valid], return_index=True)
    verified = (
        np.bincount(np.searchsorted(unique, lic["hospital"][valid][first]), minlength=len(unique))
        if len(doctors)
        else np.zeros(len(unique), dtype=np.int64)
    )
    bodies = mask[row]
    return DayFacts(
        in_network=v.offers.cols["active"] & (bodies != 0),
        bodies=bodies,
        n_bodies=np.bitwise_count(bodies).astype(np.int64),
        verified=verified[row].astype(np.int64),
    )


# --- Reading the database --------------------------------------------------------------------------


def _point_cents(low: Decimal, high: Decimal) -> int:
    """The offer's price point (``estimate.procedure_point``: the midpoint, to the cent) in cents."""
    return int(((low + high) / 2).quantize(Decimal("0.01"), ROUND_HALF_UP) * 100)


def _tags(values: Iterable[Any]) -> set[str]:
    return {str(t).lower() for t in values or () if t}


class Loader:
    """The queries that fill an index for one procedure (all its offers, or those of some hospitals)."""

    def __init__(self, procedure_pk: int, specialty: str, needed: tuple[str, ...], d: Dictionaries) -> None:
        self.procedure_pk, self.specialty, self.needed, self.d = procedure_pk, specialty, needed, d

    def _offers(self, hospitals: Sequence[int] | None) -> QuerySet[Offer]:
        qs = Offer.objects.filter(procedure_id=self.procedure_pk).order_by()
        return qs if hospitals is None else qs.filter(hospital_id__in=list(hospitals))

    def _hospital_ids(self, hospitals: Sequence[int] | None) -> Any:
        return self._offers(hospitals).values("hospital_id") if hospitals is None else list(hospitals)

    def load(self, hospitals: Sequence[int] | None = None) -> tuple[Table, Table, Table]:
        spoken = self._doctor_languages(hospitals)
        return self._offer_table(hospitals, spoken), self._accreditations(hospitals), self._licences(hospitals)

    def _doctor_languages(self, hospitals: Sequence[int] | None) -> dict[int, set[str]]:
        found: dict[int, set[str]] = {}
        rows = (
            Doctor.objects.filter(hospital_id__in=self._hospital_ids(hospitals))
            .order_by()
            .values_list("hospital_id", "languages")
        )
        for hospital, languages in rows.iterator(chunk_size=CHUNK):
            if languages:
                found.setdefault(hospital, set()).update(_tags(languages))
        return found

    def _offer_table(self, hospitals: Sequence[int] | None, spoken: dict[int, set[str]]) -> Table:
        d = self.d
        cols: dict[str, list[Any]] = {name: [] for name in OFFER_COLUMNS}
        rows = self._offers(hospitals).values_list(
            "pk",
            "hospital_id",
            "currency",
            "price_min",
            "price_max",
            "inclusions",
            "wait_days",
            "hospital__status",
            "hospital__country_id",
            "hospital__city",
            "hospital__nearest_airport__iata",
            "hospital__nearest_airport__ident",
            "hospital__nearest_airport__name",
            "hospital__nearest_airport__latitude",
            "hospital__nearest_airport__longitude",
            "hospital__languages",
            "hospital__synthetic_marker__id",
        )
        row: Any
        for row in rows.iterator(chunk_size=CHUNK):
            pk, hospital, ccy, low, high, inclusions, wait, status, country, city, *airport, langs, marker = row
            inc = inclusions or {}
            accommodation = bool(inc.get("accommodation"))
            cols["offer"].append(pk)
            cols["hospital"].append(hospital)
            cols["active"].append(status == Hospital.Status.ACTIVE)
            cols["synthetic"].append(marker is not None)
            cols["price"].append(d.prices.code((ccy, _point_cents(low, high))))
            cols["currency"].append(d.currencies.code(ccy))
            cols["room"].append(bool(inc.get("room_per_night")))
            cols["missing"].append(any(not inc.get(item) for item in self.needed))
            cols["wait"].append(-1 if wait is None else wait)
            cols["lodging"].append(d.lodgings.code((country, city, accommodation, wait)))
            cols["country"].append(d.countries.code(country))
            cols["airport"].append(d.airports.code(_airport(*airport)))
            cols["spoken"].append(d.spoken.code(frozenset(_tags(langs) | spoken.get(hospital, set()))))
        return Table.of(OFFER_COLUMNS, cols)

    def _accreditations(self, hospitals: Sequence[int] | None) -> Table:
        # network.selectors.qualifying_accreditations without its two dates, which are kept.
        rows = (
            Accreditation.objects.filter(
                verification_status=VerificationStatus.VERIFIED,
                withdrawn_by_body=False,
                body__admits_to_network=True,
                hospital_id__in=self._hospital_ids(hospitals),
            )
            .order_by()
            .values_list("hospital_id", "body__code", "valid_from", "valid_to")
        )
        cols: dict[str, list[Any]] = {name: [] for name in ACC_COLUMNS}
        for hospital, body, start, end in rows.iterator(chunk_size=CHUNK):
            bit = self.d.bodies.code(body)
            if bit > 63:
                raise OverflowError("more than 64 accreditation bodies: widen DayFacts.bodies")
            cols["hospital"].append(hospital)
            cols["bit"].append(bit)
            cols["start"].append(start.toordinal())
            cols["end"].append(end.toordinal())
        return Table.of(ACC_COLUMNS, cols)

    def _licences(self, hospitals: Sequence[int] | None) -> Table:
        # DoctorLicence.objects.verified_current without its dates, for the procedure's specialty.
        rows = (
            DoctorLicence.objects.filter(
                verification_status=VerificationStatus.VERIFIED,
                doctor__hospital_id__in=self._hospital_ids(hospitals),
                doctor__specialties__id=self.specialty,
            )
            .order_by()
            .values_list("doctor__hospital_id", "doctor_id", "valid_from", "valid_to")
        )
        cols: dict[str, list[Any]] = {name: [] for name in LIC_COLUMNS}
        for hospital, doctor, start, end in rows.iterator(chunk_size=CHUNK):
            cols["hospital"].append(hospital)
            cols["doctor"].append(doctor)
            cols["start"].append(start.toordinal() if start else NO_DATE_FROM)
            cols["end"].append(end.toordinal() if end else NO_DATE_TO)
        return Table.of(LIC_COLUMNS, cols)


def _airport(iata: str | None, ident: str | None, name: str | None, lat: float | None, lon: float | None) -> Any:
    """``candidates.to_candidate``'s airport: the IATA code, else the ident (None: no airport)."""
    return Airport(iata or ident, name, lat, lon) if ident else None


# --- The change feed -------------------------------------------------------------------------------


class ChangeFeed:
    """The change rows this process has read, for every index it holds."""

    def __init__(self) -> None:
        self.floor: int | None = None  # every id up to here has been read (or given up on)
        self.seen: set[int] = set()  # ids above the floor already read
        self.gaps: dict[int, float] = {}  # ids above the floor not visible yet: first noticed
        self.lock = threading.Lock()

    @staticmethod
    def _top(alias: str) -> int:
        with connections[alias].cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {TABLE}")  # noqa: S608 - the model's own table
            (top,) = cursor.fetchone() or (None,)
        return int(top or 0)

    def read(self, alias: str) -> tuple[set[int], bool]:
        """The hospitals changed since the last read, and whether everything must be reloaded.
        One query; the first read of a process starts ``START_BACK`` ids back, so a transaction
        still open then is seen when it commits."""
        since = "%s" if self.floor is not None else FIRST_READ_FROM
        with connections[alias].cursor() as cursor:
            cursor.execute(
                f"SELECT id, hospital_id FROM {TABLE} WHERE id > {since} ORDER BY id LIMIT %s",  # noqa: S608 - ours
                [self.floor, READ_AT_MOST + 1] if self.floor is not None else [READ_AT_MOST + 1],
            )
            rows = cursor.fetchall()
        if self.floor is None:
            self.floor = max(rows[0][0] - 1, 0) if rows else 0  # no rows: the log is empty
        if len(rows) > READ_AT_MOST:  # a bulk load: reload rather than read every row
            self.floor, self.seen, self.gaps = self._top(alias), set(), {}
            return set(), True
        changed: set[int] = set()
        everything = False
        for change_id, hospital in rows:
            if change_id in self.seen:
                continue
            self.seen.add(change_id)
            self.gaps.pop(change_id, None)
            if hospital is None:
                everything = True
            else:
                changed.add(hospital)
        self._advance([r[0] for r in rows])
        return changed, everything

    def _advance(self, ids: list[int]) -> None:
        assert self.floor is not None
        now = time.monotonic()
        top = max([self.floor, *ids, *self.seen])
        present = set(ids) | self.seen
        for missing in range(self.floor + 1, top + 1):
            if missing not in present and missing not in self.gaps:
                self.gaps[missing] = now
        for gap, since in list(self.gaps.items()):
            if now - since > GAP_SECONDS:
                del self.gaps[gap]
        floor = top if not self.gaps else min(self.gaps) - 1
        self.seen = {i for i in self.seen if i > floor}
        self.floor = floor


# --- The indexes of this process -------------------------------------------------------------------


@dataclass
class ProcedureIndex:
    key: tuple[Any, ...]
    loader: Loader
    version: Version
    pending: set[int] = field(default_factory=set)
    reload: bool = False

    @property
    def dictionaries(self) -> Dictionaries:
        return self.loader.d

    def apply(self) -> None:
        """Re-read the hospitals that changed (or everything) into a new version."""
        if not self.pending and not self.reload:
            return
        if self.reload or len(self.pending) > FULL_RELOAD_AT:
            self.version = Version(*self.loader.load())
        else:
            changed = np.asarray(sorted(self.pending), dtype=np.int64)
            fresh = [self.loader.load(changed[i : i + 500].tolist()) for i in range(0, len(changed), 500)]
            tables = [
                t.without_hospitals(changed)
                for t in (self.version.offers, self.version.accreditations, self.version.licences)
            ]
            for part in fresh:
                tables = [t.plus(p) for t, p in zip(tables, part, strict=True)]
            offers, accreditations, licences = tables
            self.version = Version(offers, accreditations, licences)
        self.pending.clear()
        self.reload = False


class Indexes:
    """Every procedure index of this process, and the change feed they share."""

    def __init__(self) -> None:
        self.feed = ChangeFeed()
        self.by_key: dict[tuple[Any, ...], ProcedureIndex] = {}
        self.lock = threading.Lock()

    def clear(self) -> None:
        with self.lock:
            self.feed = ChangeFeed()
            self.by_key.clear()

    def current(self, procedure_pk: int, specialty: str, needed: tuple[str, ...]) -> ProcedureIndex:
        """The procedure's index, brought up to date with every committed change (one query when
        nothing changed)."""
        alias = router.db_for_read(Offer)
        key = (alias, procedure_pk, specialty, needed)
        with self.lock:
            changed, everything = self.feed.read(alias)
            for other in self.by_key.values():
                other.pending |= changed
                other.reload |= everything
            index = self.by_key.get(key)
            if index is None:
                loader = Loader(procedure_pk, specialty, needed, Dictionaries())
                index = self.by_key[key] = ProcedureIndex(key, loader, Version(*loader.load()))
            index.apply()
            return index


INDEXES = Indexes()
register_clear(INDEXES.clear)
