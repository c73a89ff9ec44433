"""The result memo: search results are a pure function of (the query, the reference snapshot, today,
the language, the rows read from the network). Every search reads the rows fresh; when they are
exactly the rows a previous search read, its ranking and page are reused instead of recomputed. A
change to any offer, hospital, accreditation or doctor changes the rows, so nothing stale is ever
served. ``DISCOVERY_RESULT_MEMO`` (default on) turns it off; the bench measures both."""

import threading
from collections import OrderedDict
from typing import Any

from django.conf import settings


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


class Memo:
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


RANKED = Memo(256)  # the ranking of every result, by (query, snapshot, day, language, rows)
PAGES = Memo(512)  # the rows of one page, by (ranking key, offset, limit, detail rows)
JSON_MEMO = Memo(512)  # the API's JSON document of a page, by SearchResult.cache_key
_CLEARERS: list[Any] = [RANKED.clear, PAGES.clear, JSON_MEMO.clear]


def register_clear(clear: Any) -> None:
    """Another per-process cache of the engine that ``clear_caches`` empties too."""
    _CLEARERS.append(clear)


def clear_caches() -> None:
    for clear in _CLEARERS:
        clear()


def memo_enabled() -> bool:
    return bool(getattr(settings, "DISCOVERY_RESULT_MEMO", True))
