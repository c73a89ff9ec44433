"""The page's database rows kept per index version: the offers a page shows (as ``Candidate``)
and their hospitals' detail rows, so a search whose page offers were read before under the same
index version reads nothing but the change log.

Why it is as fresh as reading them: every row the page query reads (the offer, its hospital, the
hospital's country, airport, accreditations and their bodies, doctors, licences and specialties)
is watched by the change-log triggers (migrations ``discovery 0003`` and ``0004``), and the index
takes a new version, with a new ``generation`` number never used before in the process, whenever
a change was committed that names one of its hospitals or reloads everything. Entries are keyed
by that generation (and by the day, the specialty, the language and the bodies asked about, which
the quality columns depend on), so a change is seen on the next search, as the index sees it; a
row read after the index was checked is at least as new as that version, never older.

What it keeps is searcher-independent data, like the index itself: the trip, the score and the
page are computed afresh for every search (``memo.py`` is the result memo, a separate switch).
``DISCOVERY_PAGE_ROWS`` (default on) turns it off; bench/search measures both."""

import threading
from collections import OrderedDict
from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from django.conf import settings

from ..estimate import Candidate
from .memo import register_clear

SIZE = 4096  # entries (offers and hospitals): at about 2 KB an offer, a few MB per process

_data: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_lock = threading.Lock()


def enabled() -> bool:
    return bool(getattr(settings, "DISCOVERY_PAGE_ROWS", True))


def get(
    generation: int, context: tuple[Any, ...], offers: Sequence[int], hospitals: Sequence[int]
) -> tuple[list[Candidate], list[tuple[Any, ...]]] | None:
    """The candidates and detail rows kept for these offers and hospitals under this index
    version, or None unless every one of them is kept (then the page query reads them all)."""
    with _lock:
        cands = []
        for pk in offers:
            cand = _data.get(("o", generation, context, pk))
            if cand is None:
                return None
            cands.append(cand)
        details: list[tuple[tuple[str, ...], tuple[Any, ...]]] = []  # (order, row)
        for pk in hospitals:
            rows = _data.get(("h", generation, context[0], pk))
            if rows is None:
                return None
            details += rows
        for pk in offers:
            _data.move_to_end(("o", generation, context, pk))
        for pk in hospitals:
            _data.move_to_end(("h", generation, context[0], pk))
    details.sort(key=itemgetter(0))
    return cands, [row for _order, row in details]


def put(
    generation: int,
    context: tuple[Any, ...],
    cands: Sequence[Candidate],
    hospitals: Sequence[int],
    details: Sequence[tuple[Any, ...]],
) -> None:
    """Keep what the page query read: its candidates (an offer whose hospital the query found out
    of the network is not among them, so it is read again next time) and every asked hospital's
    detail rows (an empty list for a hospital without any)."""
    by_hospital: dict[int, list[tuple[tuple[str, ...], tuple[Any, ...]]]] = {pk: [] for pk in hospitals}
    for row in details:  # each with its place in the order, worked out once
        by_hospital.setdefault(row[1], []).append((detail_order(row), row))
    with _lock:
        for cand in cands:
            _data[("o", generation, context, cand.offer_pk)] = cand
        for pk, rows in by_hospital.items():
            _data[("h", generation, context[0], pk)] = rows
        while len(_data) > SIZE:
            _data.popitem(last=False)


def detail_order(row: tuple[Any, ...]) -> tuple[str, ...]:
    """The order the page query's detail rows are given in (every value as text)."""
    return tuple("" if v is None else str(v) for v in row)


def clear() -> None:
    with _lock:
        _data.clear()


def size() -> int:
    return len(_data)


register_clear(clear)
