"""Great-circle distances and a small spatial index for "nearest airport" questions. Pure
Python, no database: the index holds a few thousand points sorted by latitude."""

import bisect
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LAT = 111.2

T = TypeVar("T")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi = p2 - p1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Point(Generic[T]):
    lat: float
    lon: float
    item: T


class PointIndex(Generic[T]):
    """Points sorted by latitude; queries scan a latitude band that widens until it is certain
    to hold the nearest points."""

    def __init__(self, points: Iterable[Point[T]]) -> None:
        self._points = sorted(points, key=lambda p: p.lat)
        self._lats = [p.lat for p in self._points]

    def __len__(self) -> int:
        return len(self._points)

    def within(self, lat: float, lon: float, radius_km: float) -> list[tuple[float, T]]:
        """(distance, item) for every point within ``radius_km``, nearest first."""
        band = radius_km / KM_PER_DEGREE_LAT + 0.01
        lo = bisect.bisect_left(self._lats, lat - band)
        hi = bisect.bisect_right(self._lats, lat + band)
        found = []
        for p in self._points[lo:hi]:
            d = haversine_km(lat, lon, p.lat, p.lon)
            if d <= radius_km:
                found.append((d, p.item))
        found.sort(key=lambda pair: pair[0])
        return found

    def nearest(self, lat: float, lon: float, *, max_km: float = 20_000.0) -> tuple[float, T] | None:
        radius = 150.0
        while True:
            found = self.within(lat, lon, min(radius, max_km))
            if found:
                return found[0]
            if radius >= max_km or not self._points:
                return None
            radius *= 2
