"""One search over the index's columns (``index.py``): the trip total of every offer, the filters
and what each excluded, the bounds the score is normalised by, the score, and the few offers that
can be on the page. The page itself is then built from those offers' database rows by the same
Python that always built it (``estimate.trip_totals``, ``ranking.sort_key``), so the page, its
order and its explanations are exactly what the old engine gave.

Everything that depends on the searcher is worked out once per distinct value, not per offer:
each (currency, price point) converted to the searcher's currency, each (place, accommodation,
waiting time) lodging estimate, each airport's flight and hours, each country's visa, each set of
spoken languages; the offers then gather those numbers by index (numpy). The sums are in whole
cents (int64), so they are the Decimal sums exactly; the figures and the score are float64
operations in the order ``ranking`` does them, so they are the same floats.

Money conversion of a price point goes through float only when the result is not within 1e-4
cent of a rounding boundary; those few are converted with Decimal exactly as ``FxTable`` does."""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from medijourney.catalog.models import VisaRule

from ..estimate import (
    KNOWN,
    Part,
    TripContext,
    _companion_part,
    _flight_numbers,
    _lodging_numbers,
    _nights_part,
    _part,
    _visa_part,
    stay_for,
    travel_for,
)
from ..params import TERM_NAMES, SearchQuery
from ..ranking import ACCREDITATION_FULL, DOCTORS_FULL, LOWER_IS_BETTER, Bounds
from ..travel import LodgingRate, lodging_rate
from .candidates import include_synthetic, primary_language
from .explain import exclusions
from .index import Array, Dictionaries, ProcedureIndex
from .page import Exclusion
from .rank import active_filters

NO_ADMISSION = VisaRule.Requirement.NO_ADMISSION
SMALL_SUPERSET = 200  # below this many possible page rows, all are read (no exact pre-sort)
ROUND_CHECK = 1e-4  # cents from a rounding boundary under which Decimal converts


@dataclass(frozen=True)
class Selection:
    """What the ranking of one search found: the counts, the bounds and the offers (database ids)
    that can be among the first ``wanted`` results (the engine sorts them exactly)."""

    candidates: int
    kept: int
    exclusions: list[Exclusion]
    bounds: Bounds
    offers: list[int]
    hospitals: list[int]  # the hospitals of those offers


@dataclass(frozen=True)
class _Probe:
    """The few fields of a Candidate that one line of the estimate reads (``estimate`` functions)."""

    currency: str = "USD"
    country: str = ""
    city: str = ""
    inclusions: Any = None
    airport_code: str | None = None
    airport_name: str | None = None
    airport_lat: float | None = None
    airport_lon: float | None = None


def _cents(part: Part) -> int:
    """The amount the line adds to the total (``estimate._sum``), in cents."""
    return int(part.converted * 100) if part.counted and part.converted is not None else 0


# --- Per distinct value --------------------------------------------------------------------------


def _prices(ctx: TripContext, d: Dictionaries, points: Array, ccy: Array) -> tuple[Array, Array]:
    """Each row's price point (cents in its currency, ``ccy`` its currency's number) in the
    searcher's currency: cents and whether it converts. Over the rows, one currency at a time, in
    numpy: a dictionary of distinct prices would be walked in Python on every search, and real
    prices are mostly distinct (the synthetic network's repeat the real offers')."""
    cents = np.zeros(len(points), dtype=np.int64)
    known = np.zeros(len(points), dtype=np.bool_)
    b = (Decimal(1), None) if ctx.currency == "EUR" else ctx.fx.rates.get(ctx.currency)
    counts = np.bincount(ccy) if len(ccy) else np.zeros(0, dtype=np.int64)
    for code in np.flatnonzero(counts):  # the currencies present (no sort)
        code_of = d.currencies.values[int(code)]
        rows: Any = slice(None) if counts[code] == len(ccy) else ccy == code  # one currency: no mask
        if code_of == ctx.currency:
            cents[rows], known[rows] = points[rows], True
            continue
        a = (Decimal(1), None) if code_of == "EUR" else ctx.fx.rates.get(code_of)
        if a is None or b is None:
            continue
        pts = points[rows]
        y = pts.astype(np.float64) / float(a[0]) * float(b[0])
        rounded = np.floor(y + 0.5)
        near = np.abs(y - np.floor(y) - 0.5) < ROUND_CHECK
        exact = rounded.astype(np.int64)
        for i in np.nonzero(near)[0]:
            exact[i] = _cents(_part(ctx, KNOWN, Decimal(int(pts[i])) / 100, code_of))
        cents[rows], known[rows] = exact, True
    return cents, known


def _nights(ctx: TripContext, d: Dictionaries) -> Array:
    """The hospital nights line per (currency, room included), in cents: [currency, room]."""
    cents = np.zeros((len(d.currencies), 2), dtype=np.int64)
    for i, ccy in enumerate(d.currencies.values):
        for room in (0, 1):
            probe: Any = _Probe(currency=ccy, inclusions={"room_per_night": bool(room)})
            cents[i, room] = _cents(_nights_part(ctx, probe))
    return cents


@dataclass(frozen=True)
class _LodgingLayout:
    """The lodging dictionary as columns: each entry's place (country, city, accommodation) and
    waiting time, so a search works per place rather than per entry; and the places grouped as
    ``estimate._lodging_numbers`` keys its figure (the same rate, accommodation included or not), so
    a search works out each figure once."""

    size: int
    places: list[tuple[str, str, bool]]
    place: Array  # per entry: index into places
    wait: Array  # per entry: waiting days (-1: not stated)
    by_place: Array  # the entries' positions grouped by place (a stable sort of ``place``)
    starts: Array  # place i's entries are by_place[starts[i]:starts[i + 1]]
    group: Array  # per place: index into probes
    probes: list[Any]  # per group: a place standing for it (a _Probe; None: seasonal places)
    seasonal: list[tuple[int, Any, Any]]  # (place, its probe, its rate): a rate with seasons, no accommodation

    def entries(self, i: int) -> Array:
        return self.by_place[self.starts[i] : self.starts[i + 1]]


def _lodging_layout(d: Dictionaries) -> _LodgingLayout:
    found: _LodgingLayout | None = getattr(d, "_lodging_layout", None)
    if found is not None and found.size == len(d.lodgings):
        return found
    places: dict[tuple[str, str, bool], int] = {}
    place, wait = [], []
    for country, city, accommodation, days in d.lodgings.values:
        place.append(places.setdefault((country, city, accommodation), len(places)))
        wait.append(-1 if days is None else days)
    of_entry = np.asarray(place, dtype=np.int64)
    by_place = np.argsort(of_entry, kind="stable")
    starts = np.searchsorted(of_entry[by_place], np.arange(len(places) + 1))
    groups: dict[tuple[Any, ...], int] = {}
    group: list[int] = []
    probes: list[Any] = []  # None for a group of seasonal places (worked out per waiting time)
    seasonal: list[tuple[int, Any, Any]] = []
    for i, (country, city, accommodation) in enumerate(places):
        rate = lodging_rate(country, city)
        probe: Any = _Probe(country=country, city=city, inclusions={"accommodation": accommodation})
        with_seasons = rate is not None and rate.single_rate is None and not accommodation
        if with_seasons:
            seasonal.append((i, probe, rate))
        key = (country, rate.location if rate else city, rate is None, accommodation)
        if key not in groups:
            groups[key] = len(probes)
            probes.append(None if with_seasons else probe)
        group.append(groups[key])
    found = _LodgingLayout(
        len(d.lodgings), list(places), of_entry, np.asarray(wait), by_place, starts,
        np.asarray(group, dtype=np.int64), probes, seasonal,
    )  # fmt: skip
    d._lodging_layout = found  # type: ignore[attr-defined]  # a derived view, rebuilt when the dictionary grows
    return found


def _lodgings(ctx: TripContext, d: Dictionaries) -> Array:
    """The lodging line per (country, city, accommodation included, waiting days), in cents. The
    waiting time matters only where the rate has seasons and the accommodation is not included (it
    moves the first night): elsewhere one figure serves every place of the group and every waiting
    time (``estimate._lodging_numbers`` keys it alike), spread over the entries in one step."""
    layout = _lodging_layout(d)
    stay = stay_for(ctx, None)
    per_group = np.asarray(
        [0 if probe is None else _cents(_lodging_numbers(ctx, probe, stay).part) for probe in layout.probes],
        dtype=np.int64,
    )
    cents = per_group[layout.group][layout.place] if len(layout.places) else np.zeros(0, dtype=np.int64)
    for i, probe, rate in layout.seasonal:  # per waiting time
        at = layout.entries(i)
        waits, which = np.unique(layout.wait[at], return_inverse=True)
        cents[at] = _seasonal_cents(ctx, probe, rate, waits)[which]
    return cents


_ORDINAL_1970 = datetime.date(1970, 1, 1).toordinal()


def _nightly_cents(rate: LodgingRate, first: int, end: int) -> Array | None:
    """``LodgingRate.rate_on`` for each night from day number ``first`` to ``end`` (excluded), in
    cents (-1: no usable rate): the first season that covers the night decides. None when a rate
    is not in whole cents (then the Decimal path counts it)."""
    days = (np.arange(first, end) - _ORDINAL_1970).astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    md = (months.astype(np.int64) % 12 + 1) * 100 + (days - months).astype(np.int64) + 1
    nightly = np.full(len(days), -1, dtype=np.int64)
    decided = np.zeros(len(days), dtype=np.bool_)
    for row in rate.seasons:
        start, stop = row.season_start[0] * 100 + row.season_start[1], row.season_end[0] * 100 + row.season_end[1]
        covers = (md >= start) & (md <= stop) if start <= stop else (md >= start) | (md <= stop)
        cents = row.lodging_usd * 100
        if cents != cents.to_integral_value():
            return None
        nightly[covers & ~decided] = int(cents) if row.lodging_usd > 0 else -1
        decided |= covers
    return nightly


def _seasonal_cents(ctx: TripContext, probe: Any, rate: LodgingRate, waits: Array) -> Array:
    """The lodging line, in cents, at a place whose rate has seasons, for each waiting time: the
    nights' rates summed over a window that starts where the waiting time puts the first night
    (``travel.lodging_cost``), each distinct USD sum converted once (``estimate._part``)."""
    stays = [stay_for(ctx, None if days < 0 else int(days)) for days in waits]
    nights = stays[0].lodging_nights or 0  # the procedure's: the same whatever the waiting time
    firsts = [s.first_lodging_night for s in stays]
    nightly, first, low = None, np.zeros(0, dtype=np.int64), 0
    if nights > 0 and all(f is not None for f in firsts):
        first = np.asarray([f.toordinal() for f in firsts if f is not None], dtype=np.int64)
        low = int(first.min())
        nightly = _nightly_cents(rate, low, int(first.max()) + nights)
    if nightly is None:  # no lodging nights, an unknown stay or a rate in fractions of a cent
        return np.asarray([_cents(_lodging_numbers(ctx, probe, stay).part) for stay in stays], dtype=np.int64)
    usable = nightly >= 0
    summed = np.concatenate([[0], np.cumsum(np.where(usable, nightly, 0))])
    unusable = np.concatenate([[0], np.cumsum(~usable)])
    at = first - low
    usd = summed[at + nights] - summed[at]
    known = unusable[at + nights] == unusable[at]  # a night without a usable rate: unknown (0 cents)
    out = np.zeros(len(waits), dtype=np.int64)
    for total in np.unique(usd[known]):
        out[known & (usd == total)] = _cents(_part(ctx, KNOWN, Decimal(int(total)) / 100, "USD"))
    return out


@dataclass(frozen=True)
class _Airports:
    flights: Array  # cents
    companion: Array  # cents
    hours: Array  # nan: unknown
    too_far: Array  # fails max_flight_hours


def _airports(ctx: TripContext, d: Dictionaries, max_hours: Decimal | None) -> _Airports:
    """Per destination airport: flights, the companion's flights, flight hours, too far."""
    n = len(d.airports)
    out = [np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64), np.full(n, np.nan), np.zeros(n, dtype=np.bool_)]
    for i, airport in enumerate(d.airports.values):
        probe: Any = (
            _Probe(
                airport_code=airport.code,
                airport_name=airport.name,
                airport_lat=airport.latitude,
                airport_lon=airport.longitude,
            )
            if airport is not None
            else _Probe()
        )
        trip = travel_for(ctx, probe)
        flights = _flight_numbers(ctx, probe, trip).part
        out[0][i] = _cents(flights)
        out[1][i] = _cents(_companion_part(ctx, flights))
        hours = trip.flight_hours
        out[2][i] = np.nan if hours is None else hours
        if max_hours is not None:
            out[3][i] = hours is None or Decimal(str(hours)) > max_hours
    return _Airports(*out)


def _countries(ctx: TripContext, d: Dictionaries) -> tuple[Array, Array]:
    """Per country: the visa line in cents, and whether the visa filter excludes it."""
    n = len(d.countries)
    cents, refused = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.bool_)
    for i, country in enumerate(d.countries.values):
        cents[i] = _cents(_visa_part(ctx, country))
        rule = ctx.visas.get(country)
        refused[i] = rule is not None and rule.requirement == NO_ADMISSION and ctx.passport != country
    return cents, refused


def _speaks(d: Dictionaries, primary: str) -> Array:
    return np.asarray(
        [any(t == primary or t.startswith(primary + "-") for t in tags) for tags in d.spoken.values], dtype=np.bool_
    )


# --- The search ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rows:
    """Every offer row of the index version with its trip numbers, and which rows are searchable
    (in the network today, synthetic rows only where allowed). The numbers are worked out for
    every row rather than gathered for the searchable ones first: at 1,000,000 offers nearly all
    are, and a gather costs about two passes over a column; the filters, the counts and the
    ranking read the searchable rows only (``select``)."""

    base: Array  # searchable
    total: Array  # cents
    known: Array  # the procedure's price converts
    complete: Array  # price_complete: nothing the procedure needs is missing
    hours: Array
    wait: Array
    quality: Array
    dest: Array  # index.Destinations
    bodies: Array


def _rows(query: SearchQuery, ctx: TripContext, index: ProcedureIndex, airports: _Airports) -> _Rows:
    """Every line of the trip but the price is looked up by the offer's destination: summed per
    destination (a few thousand at 1,000,000 offers), then gathered once per offer."""
    v, d = index.version, index.dictionaries
    o = v.offers.cols
    day = v.day(query.today)
    base = day.in_network if include_synthetic() else day.in_network & ~o["synthetic"]
    ds = v.destinations()
    dc = ds.cols
    extra = (
        _nights(ctx, d)[dc["currency"], dc["room"]]
        + _lodgings(ctx, d)[dc["lodging"]]
        + airports.flights[dc["airport"]]
        + _countries(ctx, d)[0][dc["country"]]
        + airports.companion[dc["airport"]]
    )
    dest = ds.of_offer
    price_c, known = _prices(ctx, d, o["price"], o["currency"])
    wait = o["wait"]
    quality = _quality(query, index, day.n_bodies, day.verified, primary_language(query.language))
    return _Rows(
        base=base,
        total=price_c + extra[dest],
        known=known,
        complete=~o["missing"],
        hours=airports.hours[dc["airport"]][dest],
        wait=np.where(wait >= 0, wait.astype(np.float64), np.nan),
        quality=quality,
        dest=dest,
        bodies=day.bodies,
    )


def _quality(
    query: SearchQuery,
    index: ProcedureIndex,
    n_bodies: Array,
    verified: Array,
    primary: str | None,
) -> Array:
    """``ranking.QualitySignals.score``, the same float operations in the same order."""
    parts = [
        np.minimum(n_bodies, ACCREDITATION_FULL) / ACCREDITATION_FULL,
        np.minimum(verified, DOCTORS_FULL) / DOCTORS_FULL,
    ]
    if primary:
        speaks = _speaks(index.dictionaries, primary)[index.version.offers.cols["spoken"]]
        parts.append(np.where(speaks, 1.0, 0.0))
    acc = parts[0]
    for p in parts[1:]:
        acc = acc + p
    return acc / len(parts)


def _failed(
    query: SearchQuery, index: ProcedureIndex, rows: _Rows, airports: _Airports, refused: Array
) -> dict[str, Array]:
    """Per active filter, which rows it excludes (``rank.failed_filters``; over every row: ``select``
    counts the searchable ones)."""
    d = index.dictionaries
    dc = index.version.destinations().cols
    failed: dict[str, Array] = {}
    for name in active_filters(query):
        if name == "destination":
            failed[name] = (
                np.asarray([c != query.destination for c in d.countries.values], dtype=np.bool_)[dc["country"]][
                    rows.dest
                ]
                if len(d.countries)
                else np.zeros(len(rows.base), dtype=np.bool_)
            )
        elif name == "accreditation":
            bits = [d.bodies.values.index(b) for b in query.bodies if b in d.bodies.values]
            wanted = np.uint64(sum(1 << b for b in bits))
            failed[name] = (rows.bodies & wanted) == 0
        elif name == "visa":
            failed[name] = (
                refused[dc["country"]][rows.dest] if len(refused) else np.zeros(len(rows.base), dtype=np.bool_)
            )
        elif name == "max_flight_hours":
            failed[name] = airports.too_far[dc["airport"]][rows.dest]
        elif name == "budget":
            assert query.budget is not None
            limit = math.floor(query.budget * 100)
            failed[name] = rows.known & (rows.total > limit)
    return failed


def _bounds(figures: dict[str, Array]) -> Bounds:
    """``ranking.bounds_of`` over columns (nan: unknown)."""
    largest: dict[str, float | None] = {}
    smallest: dict[str, float | None] = {}
    equal: dict[str, bool] = {}
    for name in TERM_NAMES:
        col = figures[name]
        known = len(col) - int(np.count_nonzero(np.isnan(col)))
        # fmax/fmin pass over nan: the largest and smallest known values, without copying them out
        largest[name] = float(np.fmax.reduce(col)) if known else None
        smallest[name] = float(np.fmin.reduce(col)) if known else None
        equal[name] = known > 0 and known == len(col) and largest[name] == smallest[name]
    return Bounds(largest, smallest, equal)


def _normalised(name: str, col: Array, bounds: Bounds) -> Array:
    """``ranking.normalise`` over a column."""
    if bounds.all_equal[name]:
        return np.where(np.isnan(col), 0.0, 1.0)
    top = bounds.largest[name]
    if top is None or top <= 0:
        return np.where(np.isnan(col), 0.0, 1.0 if name in LOWER_IS_BETTER else 0.0)
    value = 1.0 - col / top if name in LOWER_IS_BETTER else col / top
    return np.where(np.isnan(col), 0.0, value)


def _scores(figures: dict[str, Array], bounds: Bounds, effective: dict[str, float]) -> Array:
    """``ranking.score_total``: sum(weight × value) over the terms, in their order. A term of
    weight 0 adds 0.0 to every score (values are never negative), which changes no float: skipped."""
    total: Array | None = None
    for name in TERM_NAMES:
        if effective[name] == 0:
            continue
        term = effective[name] * _normalised(name, figures[name], bounds)
        total = term if total is None else total + term
    return total if total is not None else np.zeros(len(figures[TERM_NAMES[0]]))


def _exact_round(values: Array) -> Array:
    """Python's ``round(x, 9)`` of each value (distinct values only: ties are the large case)."""
    distinct, inverse = np.unique(values, return_inverse=True)
    if len(distinct) > 20_000:
        return np.round(values, 9)
    return np.asarray([round(float(x), 9) for x in distinct])[inverse]


def _superset(rows: _Rows, kept: Array, scores: Array, wanted: int) -> Array:
    """Positions (into kept) of every row that can be among the first ``wanted`` in
    ``ranking.sort_key`` order: all rows within 1e-7 of the wanted-th score (rounding to 9
    places cannot reorder rows further apart), narrowed, when that is many rows (ties), by the
    sort key's numeric parts; rows tied on all of them stay in (their names decide)."""
    n = len(kept)
    if wanted <= 0 or n == 0:
        return np.zeros(0, dtype=np.int64)
    if wanted >= n:
        return np.arange(n)
    kth = -np.partition(-scores, wanted - 1)[wanted - 1]
    near = np.nonzero(scores >= kth - 1e-7)[0]
    if len(near) <= max(SMALL_SUPERSET, 4 * wanted):
        return near
    r = kept[near]
    known = rows.known[r]
    keys = (
        np.where(known, rows.total[r], 0),
        np.where(known, 0, 1),
        np.where(rows.complete[r], 0, 1),
        -_exact_round(scores[near]),
    )
    order = np.lexsort(keys)
    stacked = np.stack([k.astype(np.float64) for k in keys[::-1]], axis=1)[order]
    boundary = stacked[wanted - 1]
    tied = np.nonzero(np.all(stacked == boundary, axis=1))[0]
    chosen = np.union1d(order[:wanted], order[tied])
    return near[chosen]


def select(query: SearchQuery, ctx: TripContext, index: ProcedureIndex, wanted: int) -> Selection:
    """Filter, count, bound and score every offer; the offers that can be on the first ``wanted``."""
    d = index.dictionaries
    airports = _airports(ctx, d, query.max_flight_hours)
    refused = _countries(ctx, d)[1]
    rows = _rows(query, ctx, index, airports)
    failed = _failed(query, index, rows, airports, refused)
    base = rows.base
    counts = {name: int(np.count_nonzero(mask & base)) for name, mask in failed.items()}
    unknown_hours = (
        int(np.count_nonzero(failed["max_flight_hours"] & np.isnan(rows.hours) & base))
        if "max_flight_hours" in failed
        else 0
    )
    keep = base.copy()
    for mask in failed.values():
        keep &= ~mask
    kept = np.nonzero(keep)[0]  # positions in the version's offer rows
    comparable = rows.known[kept] & rows.complete[kept]
    figures = {
        "cost": np.where(comparable, rows.total[kept] / 100.0, np.nan),
        "wait": rows.wait[kept],
        "travel": rows.hours[kept],
        "quality": rows.quality[kept],
    }
    bounds = _bounds(figures)
    scores = _scores(figures, bounds, query.weights.effective())
    chosen = _superset(rows, kept, scores, wanted)
    at = kept[chosen]
    offers = index.version.offers.cols["offer"][at]
    hospitals = np.unique(index.version.offers.cols["hospital"][at])
    return Selection(
        candidates=int(np.count_nonzero(base)),
        kept=len(kept),
        exclusions=exclusions(counts, unknown_hours),
        bounds=bounds,
        offers=[int(x) for x in offers],
        hospitals=[int(x) for x in hospitals],
    )
