"""The local emergency number for a visitor's country, from the shipped table
``medijourney/data/emergency_numbers/emergency_numbers.csv`` (see its PROVENANCE.md)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.http import HttpRequest
from django.utils.translation.trans_real import parse_accept_lang_header

TABLE_PATH = Path(__file__).resolve().parents[1] / "data" / "emergency_numbers" / "emergency_numbers.csv"
SOURCE = "Google libphonenumber short-number metadata (phonenumbers 9.0.43), MediJourney's choice of the medical number"
AS_OF = "2026-12-01"
_REGION = re.compile(r"^[A-Za-z]{2}$")


@dataclass(frozen=True)
class EmergencyNumber:
    country: str
    name: str
    call: str
    also: tuple[str, ...]
    basis: str  # override | only | general | check

    @property
    def unsure(self) -> bool:
        """We could not tell which of several numbers is for an ambulance."""
        return self.basis == "check"


@lru_cache(maxsize=1)
def _table() -> dict[str, EmergencyNumber]:
    with TABLE_PATH.open(encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    out = {}
    for row in csv.DictReader(lines):
        out[row["country"]] = EmergencyNumber(
            country=row["country"],
            name=row["name"],
            call=row["call"],
            also=tuple(row["also"].split()),
            basis=row["basis"],
        )
    return out


def number_for(country: str | None) -> EmergencyNumber | None:
    return _table().get((country or "").upper()) if country else None


def country_choices() -> list[tuple[str, str]]:
    return sorted(((code, n.name) for code, n in _table().items()), key=lambda c: c[1])


def region_from_accept_language(header: str) -> str | None:
    """The first region subtag of the visitor's preferred languages ("en-GB" -> "GB"), if any."""
    for tag, _q in parse_accept_lang_header(header or ""):
        for part in tag.split("-")[1:]:
            if _REGION.match(part) and part.upper() in _table():
                return part.upper()
    return None


def visitor_country(request: HttpRequest | None, given: str | None = None) -> tuple[str | None, str]:
    """(country, how we know it): the form's country field, else the browser's language region."""
    if given and number_for(given) is not None:
        return given.upper(), "form"
    if request is not None:
        region = region_from_accept_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
        if region:
            return region, "browser"
    return None, "unknown"
