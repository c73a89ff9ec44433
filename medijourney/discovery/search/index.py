"""The search index: for each procedure searched, every offer for it as columns of numbers
(numpy arrays) held by the web process, with what does not depend on the searcher worked out
once: the offer's price point in cents, which items its price includes, its waiting time, its
hospital's place, airport, languages, status and the accreditation and licence dates that decide,
day by day, whether the hospital is in the network and how many bodies and verified doctors it
has. ``vector.py`` ranks a search over these columns; the page's rows are then read from the
database, or taken from those kept for this version (``pagerows.py``).

Kept current without trusting any caller: database triggers (migration ``discovery 0003``) write a
``SearchChange`` row naming the hospital whenever a row the search reads changes, however it was
written (forms, admin, queryset ``update()``, ``bulk_create``, imports). Before every search ONE
query (``sync.py``) reads the change rows not seen yet together with the fresh rows of the
hospitals they name, and the index takes a new version with those hospitals' rows replaced; a
change without a hospital (a body or an airport) reloads the procedure. Day-dependent facts
(expiry, a licence that starts tomorrow) are recomputed from the stored dates when the day
changes, so expiry and suspension take effect on the next request, as they did when every search
read every offer from the database.

PostgreSQL can commit change rows out of id order when transactions overlap: while ids below the
latest one read are missing, the log is read again from the last complete point (for at most
``GAP_SECONDS``: a rolled-back transaction leaves a hole for ever)."""

import datetime
import itertools
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import router

from medijourney.core.memory import release_free_memory
from medijourney.network.models import Hospital, Offer

from . import sync
from .memo import register_clear

Array = npt.NDArray[Any]
ARRAY_CHUNK = 2_000  # rows gathered as Python tuples before they become arrays (small: the Python
# heap keeps its high-water mark; 20,000 left about 40 MB more per worker at 1M offers)
MAX_IDLE = 6 * 3600.0  # seconds without a search after which a process reads its indexes afresh
PENDING_AT_MOST = 1000  # hospitals changed elsewhere past which a procedure is read whole, not patched
START_BACK = 1000  # change ids read again at a process's first search
GAP_SECONDS = 5.0  # longer than any transaction of this app stays open between a write and its commit
BULK_SPAN = 5000  # ids read at once past which a hole is not waited for (a bulk load, not a slow commit)
NO_DATE_FROM = -(2**31) + 1  # a licence without a start date
NO_DATE_TO = 2**31 - 1  # ... or without an end date
_GENERATIONS = itertools.count(1)


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

    currencies: Codes = field(default_factory=Codes)  # ISO code
    lodgings: Codes = field(default_factory=Codes)  # (country, city, accommodation included, wait days | None)
    countries: Codes = field(default_factory=Codes)  # ISO code
    airports: Codes = field(default_factory=Codes)  # Airport | None
    spoken: Codes = field(default_factory=Codes)  # frozenset of lower-case BCP 47 tags
    bodies: Codes = field(default_factory=Codes)  # accreditation body code (bit number)


ID = "id"  # a database id: int32, or int64 for a table holding an id that does not fit (BigAutoField)
OFFER_COLUMNS: dict[str, Any] = {
    "offer": ID,
    "hospital": ID,
    "active": np.bool_,
    "synthetic": np.bool_,
    "price": np.int64,  # the price point in cents, in the offer's currency (int32 would stop at 21 million)
    "currency": np.int16,  # a currency's number (fewer than 200 currencies)
    "room": np.bool_,
    "missing": np.bool_,  # the price leaves out an item the procedure needs
    "wait": np.int32,  # -1: not stated
    "lodging": np.int32,
    "country": np.int16,  # a country's number (fewer than 250 countries)
    "airport": np.int32,
    "spoken": np.int32,
}
# Dates as day numbers (``date.toordinal()``, about 740,000; NO_DATE_FROM/TO for open ends): int32.
# Narrow types: at 1,000,000 offers the tables hold about 30 MB less per process than in int64.
ACC_COLUMNS: dict[str, Any] = {"hospital": ID, "bit": np.int8, "start": np.int32, "end": np.int32}
LIC_COLUMNS: dict[str, Any] = {"hospital": ID, "doctor": ID, "start": np.int32, "end": np.int32}


def _column(values: list[Any], dtype: Any) -> Array:
    if dtype != ID:
        return np.asarray(values, dtype=dtype)
    try:
        return np.asarray(values, dtype=np.int32)
    except OverflowError:  # numpy refuses an id past 2**31 - 1 rather than wrapping it
        return np.asarray(values, dtype=np.int64)


@dataclass(frozen=True)
class Table:
    """Columns of equal length (one array per name)."""

    cols: dict[str, Array]

    @classmethod
    def of(cls, spec: dict[str, Any], rows: dict[str, list[Any]]) -> "Table":
        return cls({name: _column(rows[name], dtype) for name, dtype in spec.items()})

    def __len__(self) -> int:
        return len(next(iter(self.cols.values())))

    def without_hospitals(self, hospitals: Array) -> "Table":
        keep = ~np.isin(self.cols["hospital"], hospitals)
        return Table({name: col[keep] for name, col in self.cols.items()})

    @staticmethod
    def joined(parts: Sequence["Table"]) -> "Table":
        return Table({name: np.concatenate([p.cols[name] for p in parts]) for name in parts[0].cols})

    def plus(self, other: "Table") -> "Table":
        return Table({name: np.concatenate([col, other.cols[name]]) for name, col in self.cols.items()})


@dataclass(frozen=True)
class DayFacts:
    """Per offer row, on one day: in the network, admitted bodies (as bits), verified doctors."""

    in_network: Array
    bodies: Array  # uint64 bit mask over Dictionaries.bodies
    n_bodies: Array  # uint8 (narrow types: 1,000,000 offers hold about 15 MB less per process)
    verified: Array  # int32


@dataclass
class Version:
    """One consistent reading of the index (replaced, never changed, when data changes)."""

    offers: Table
    accreditations: Table
    licences: Table
    generation: int = field(default_factory=lambda: next(_GENERATIONS))
    _days: dict[int, DayFacts] = field(default_factory=dict)
    _destinations: "Destinations | None" = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def destinations(self) -> "Destinations":
        found = self._destinations
        if found is None:
            with self._lock:
                found = self._destinations = self._destinations or _destinations(self.offers)
        return found

    def day(self, today: datetime.date) -> DayFacts:
        d = today.toordinal()
        found = self._days.get(d)
        if found is None:
            with self._lock:
                found = self._days.get(d) or _day_facts(self, d)
                self._days.clear()
                self._days[d] = found
        return found


@dataclass(frozen=True)
class Destinations:
    """The offers grouped by "destination": the same currency, room included, lodging entry,
    country and airport, the numbers every searcher-dependent line of a trip but the price is
    looked up by. ``vector.py`` works each line out per destination (about 12,000 for the largest
    procedure at 1,000,000 offers) and gathers once per offer. Worked out once per version (a
    sort of the offers' packed numbers); 4 bytes an offer, 20 a destination."""

    of_offer: Array  # per offer row: its destination
    cols: dict[str, Array]  # per destination: "currency", "room", "lodging", "country", "airport"


_DEST_PARTS = ("currency", "room", "lodging", "country", "airport")


def _destinations(offers: Table) -> Destinations:
    o = offers.cols
    parts = [o[name].astype(np.int64) for name in _DEST_PARTS]
    spans = [int(p.max()) + 1 if len(p) else 1 for p in parts]
    if np.prod(np.asarray(spans, dtype=np.float64)) < 2**62:  # the parts packed into one int64 each
        packed = np.zeros(len(offers), dtype=np.int64)
        for part, span in zip(parts, spans, strict=True):
            packed = packed * span + part
        _unique, first, inverse = np.unique(packed, return_index=True, return_inverse=True)
    else:  # not at any size seen: rows of the parts
        _rows, first, inverse = np.unique(np.stack(parts, axis=1), axis=0, return_index=True, return_inverse=True)
    return Destinations(
        of_offer=inverse.reshape(-1).astype(np.int32),
        cols={name: part[first].astype(np.int32) for name, part in zip(_DEST_PARTS, parts, strict=True)},
    )


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
        n_bodies=np.bitwise_count(bodies),  # uint8: at most 64 bodies
        verified=verified[row].astype(np.int32),
    )


# --- Reading the database --------------------------------------------------------------------------


def _point_cents(low: Decimal, high: Decimal) -> int:
    """The offer's price point (``estimate.procedure_point``: the midpoint, to the cent) in cents."""
    return int(((low + high) / 2).quantize(Decimal("0.01"), ROUND_HALF_UP) * 100)


def _tags(values: Iterable[Any]) -> set[str]:
    return {str(t).lower() for t in values or () if t}


class Loader:
    """Turns the sync query's rows (``sync.py``) into the index's tables, for one procedure."""

    def __init__(self, procedure_pk: int, specialty: str, needed: tuple[str, ...], d: Dictionaries) -> None:
        self.procedure_pk, self.specialty, self.needed, self.d = procedure_pk, specialty, needed, d

    def read(self, rows: Iterable[tuple[Any, ...]]) -> tuple[list[tuple[Any, ...]], tuple[Table, Table, Table]]:
        """The change rows, and the tables of the hospitals the other rows are about."""
        at = sync.AT
        changes: list[tuple[Any, ...]] = []
        spoken: dict[int, frozenset[str]] = {}  # a hospital's doctors' languages (the sets are shared)
        shared: dict[frozenset[str], frozenset[str]] = {}
        acc, lic, offers = _Chunks(ACC_COLUMNS), _Chunks(LIC_COLUMNS), _Chunks(OFFER_COLUMNS)
        for row in rows:
            kind, hospital = row[0], row[at["hospital"]]
            if kind == "o":
                offers.add(self._offer(row, spoken))
            elif kind == "a":
                bit = self.d.bodies.code(row[at["code"]])
                if bit > 63:
                    raise OverflowError("more than 64 accreditation bodies: widen DayFacts.bodies")
                acc.add((hospital, bit, row[at["start"]].toordinal(), row[at["end"]].toordinal()))
            elif kind == "l":
                start, end = row[at["start"]], row[at["end"]]
                lic.add((hospital, row[at["id"]], start.toordinal() if start else NO_DATE_FROM,
                         end.toordinal() if end else NO_DATE_TO))  # fmt: skip
            elif kind == "d":
                if row[at["json1"]]:
                    tags = spoken.get(hospital, frozenset()) | _tags(row[at["json1"]])
                    spoken[hospital] = shared.setdefault(tags, tags)
            else:
                changes.append((row[at["id"]], hospital, row[at["number"]]))
        sync.forget_parsed()  # the parsed JSON texts served this reading; the next one parses its own
        return changes, (offers.table(), acc.table(), lic.table())

    def _offer(self, row: tuple[Any, ...], spoken: dict[int, frozenset[str]]) -> tuple[Any, ...]:
        """One offer row's values, in OFFER_COLUMNS order."""
        d, at = self.d, sync.AT
        hospital, ccy, country, city = row[at["hospital"]], row[at["code"]], row[at["country"]], row[at["city"]]
        # one string object per distinct place: the lodging dictionary keeps them (at 1,000,000
        # offers the driver's fresh string per row kept about 10 MB per process)
        country, city = sys.intern(country) if country else country, sys.intern(city) if city else city
        inc = row[at["json1"]] or {}
        wait = row[at["number"]]
        accommodation = bool(inc.get("accommodation"))
        airport = _airport(*(row[at[k]] for k in ("iata", "ident", "airport_name", "latitude", "longitude")))
        langs = _tags(row[at["json2"]] or ()) | spoken.get(hospital, frozenset())
        return (
            row[at["id"]],  # offer
            hospital,
            row[at["status"]] == Hospital.Status.ACTIVE,  # active
            row[at["marker"]] is not None,  # synthetic
            _point_cents(row[at["price_min"]], row[at["price_max"]]),  # price
            d.currencies.code(ccy),  # currency
            bool(inc.get("room_per_night")),  # room
            any(not inc.get(item) for item in self.needed),  # missing
            -1 if wait is None else wait,  # wait
            d.lodgings.code((country, city, accommodation, wait)),  # lodging
            d.countries.code(country),  # country
            d.airports.code(airport),  # airport
            d.spoken.code(frozenset(langs)),  # spoken
        )


class _Chunks:
    """Rows gathered ARRAY_CHUNK at a time, then turned into arrays: a first reading at 1,000,000
    offers never holds more than a chunk of rows as Python objects (the Python heap keeps its
    high-water mark; whole-procedure lists of accreditations, licences and languages left about
    40 MB more per worker)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.rows: list[tuple[Any, ...]] = []
        self.done: list[Table] = []

    def add(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row)
        if len(self.rows) >= ARRAY_CHUNK:
            self._flush()

    def _flush(self) -> None:
        columns = list(zip(*self.rows, strict=True)) if self.rows else [()] * len(self.spec)
        self.done.append(Table.of(self.spec, dict(zip(self.spec, (list(c) for c in columns), strict=True))))
        self.rows = []

    def table(self) -> Table:
        if self.rows or not self.done:
            self._flush()
        return Table.joined(self.done) if len(self.done) > 1 else self.done[0]


def _airport(iata: str | None, ident: str | None, name: str | None, lat: float | None, lon: float | None) -> Any:
    """``candidates.to_candidate``'s airport: the IATA code, else the ident (None: no airport)."""
    return Airport(iata or ident, name, lat, lon) if ident else None


# --- The change feed -------------------------------------------------------------------------------


class ChangeFeed:
    """How far this process has read the change log (shared by every index it holds)."""

    def __init__(self) -> None:
        self.floor: int | None = None  # every change id up to here has been read
        self.hole_since: float | None = None  # when ids above the floor were first found missing

    def advance(self, changes: Sequence[tuple[Any, ...]]) -> tuple[set[int], bool]:
        """Given the change rows read (latest id, hospital, count per hospital): the hospitals
        changed and whether everything must be reloaded. The floor moves to the latest id read
        unless ids below it are missing (a transaction not committed yet), for ``GAP_SECONDS``."""
        hospitals = {h for _top, h, _n in changes if h is not None}
        everything = any(h is None for _top, h, _n in changes)
        if not changes:
            return hospitals, everything
        top = max(t for t, _h, _n in changes)
        counted = sum(n for _t, _h, n in changes)
        now = time.monotonic()
        if self.floor is None or counted >= top - self.floor or top - self.floor > BULK_SPAN:
            self.floor, self.hole_since = top, None
        elif self.hole_since is None:
            self.hole_since = now
        elif now - self.hole_since > GAP_SECONDS:  # a rolled-back transaction's id never comes
            self.floor, self.hole_since = top, None
        return hospitals, everything


# --- The indexes of this process -------------------------------------------------------------------


@dataclass
class ProcedureIndex:
    key: tuple[Any, ...]
    loader: Loader
    version: Version
    pending: set[int] = field(default_factory=set)  # hospitals other indexes heard had changed
    reload: bool = False

    @property
    def dictionaries(self) -> Dictionaries:
        return self.loader.d

    def patched(self, hospitals: set[int], tables: tuple[Table, Table, Table]) -> None:
        """A new version: the rows of ``hospitals`` replaced by ``tables``."""
        changed = np.asarray(sorted(hospitals), dtype=np.int64)
        old = (self.version.offers, self.version.accreditations, self.version.licences)
        offers, accreditations, licences = (
            t.without_hospitals(changed).plus(p) for t, p in zip(old, tables, strict=True)
        )
        self.version = Version(offers, accreditations, licences)


class Indexes:
    """Every procedure index of this process, and the change feed they share."""

    def __init__(self) -> None:
        self.feed = ChangeFeed()
        self.by_key: dict[tuple[Any, ...], ProcedureIndex] = {}
        self.lock = threading.Lock()
        self.last_read = time.monotonic()

    def clear(self) -> None:
        with self.lock:
            self.feed = ChangeFeed()
            self.by_key.clear()

    def current(self, procedure_pk: int, specialty: str, needed: tuple[str, ...]) -> ProcedureIndex:
        """The procedure's index, brought up to date with every committed change: ONE query
        (``sync.py``) whether nothing or many hospitals changed; a second only when a change
        means "reload everything" (an accreditation body or an airport changed). When nothing is
        pending, a lookup of the change log's next id comes first, and is all a search reads
        when nothing changed."""
        alias = router.db_for_read(Offer)
        key = (alias, procedure_pk, specialty, needed)
        with self.lock:
            if time.monotonic() - self.last_read > MAX_IDLE:  # the log may have been pruned since
                self.feed, self.by_key = ChangeFeed(), {}
            self.last_read = time.monotonic()
            index = self.by_key.get(key)
            full = index is None or index.reload or len(index.pending) > PENDING_AT_MOST
            pending = sorted(index.pending) if index is not None and not full else []
            loader = (
                index.loader
                if index is not None and not full
                else Loader(procedure_pk, specialty, needed, Dictionaries())
            )
            floor = self.feed.floor
            if (
                index is not None
                and not full
                and not pending
                and floor is not None
                and not sync.changed_after(alias, floor)
            ):
                return index  # the steady state: nothing changed, nothing to read
            if full or self.feed.floor is None:  # a first reading: the whole procedure, in chunks
                qs = sync.build(procedure=procedure_pk, specialty=specialty, floor=self.feed.floor, back=START_BACK,
                                full=True, pending=[])  # fmt: skip
                full, rows = True, sync.rows(alias, qs)
            else:
                rows = iter(sync.patch_rows(
                    alias, procedure=procedure_pk, specialty=specialty, floor=self.feed.floor, pending=pending
                ))  # fmt: skip
            changes, tables = loader.read(rows)
            hospitals, everything = self.feed.advance(changes)
            for other in self.by_key.values():
                other.pending |= hospitals
                other.reload |= everything
            if full or everything:
                if everything and not full:  # the rows read were a patch: read the whole procedure
                    loader = Loader(procedure_pk, specialty, needed, Dictionaries())
                    qs = sync.build(procedure=procedure_pk, specialty=specialty, floor=self.feed.floor,
                                    back=START_BACK, full=True, pending=[])  # fmt: skip
                    _more, tables = loader.read(sync.rows(alias, qs))
                index = self.by_key[key] = ProcedureIndex(key, loader, Version(*tables))
            else:
                assert index is not None
                if hospitals or index.pending:  # else nothing changed: the same version
                    index.patched(hospitals | index.pending, tables)
            index.pending.clear()
            index.reload = False
        release_free_memory()  # a reading's rows and the replaced version's columns (core/memory.py)
        return index


INDEXES = Indexes()
register_clear(INDEXES.clear)
