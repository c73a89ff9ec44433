#!/usr/bin/env python3
"""Write medijourney/data/emergency_numbers/emergency_numbers.csv from the emergency short numbers
that Google's libphonenumber lists for every region (shipped in the ``phonenumbers`` package pinned
in requirements/base.lock), and pick the one number to show first for a medical emergency.

    .venv/bin/python scripts/emergency_numbers.py

The rule for the number shown first (``call``), in order:

1. ``override``: a country whose ambulance number differs from its general number, listed below
   with where it was checked (every override must itself be an emergency number in the metadata);
2. ``only``: the country lists a single emergency number;
3. ``general``: the first of 911, 999, 000, 111, 112 that the country lists (the general numbers
   of North America, the UK and Commonwealth, Australia, New Zealand and Europe; 112 also works
   on every GSM mobile phone);
4. ``check``: otherwise the lowest number listed, marked so the page asks the visitor to check.

See the folder's PROVENANCE.md. Re-run after upgrading phonenumbers; the tests check that every
``call`` number is still an emergency number for its country.
"""

import csv
import itertools
import re
import sys
from pathlib import Path

from phonenumbers.phonemetadata import PhoneMetadata
from phonenumbers.shortnumberinfo import SUPPORTED_SHORT_REGIONS

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "medijourney" / "data" / "emergency_numbers" / "emergency_numbers.csv"
GENERAL_ORDER = ("911", "999", "000", "111", "112")
MAX_ALSO_CHARS = 40  # a few numbers, not a range of a hundred (Gabon lists 1300-1399)

# country: (number, where it was checked). "editorial" = general knowledge, cross-checked only
# against the metadata (the number must be one of the country's emergency numbers).
OVERRIDES: dict[str, tuple[str, str]] = {
    "JP": ("119", "https://www.fdma.go.jp/ (Fire and Disaster Management Agency: dial 119 for an ambulance)"),
    "KR": ("119", "http://www.jnmeditour.or.kr/ (Jeollanam-do: 119 emergency medical assistance; 119.go.kr)"),
    "CN": ("120", "https://en.zsnews.cn/Services/Healthcare/content/388/39575.html (120 emergency services)"),
    "TH": ("1669", "https://publicadministration.un.org/ (Emergency Medical Institute of Thailand: 1669)"),
    "EG": ("123", "Wikibooks, First Aid, appendix F: emergency telephone numbers (medical 123)"),
    "IL": ("101", "Wikibooks, First Aid, appendix F: emergency telephone numbers (medical 101)"),
    "TW": ("119", "editorial: 119 is fire and ambulance, 110 police"),
    "SG": ("995", "editorial: 995 is ambulance and fire, 999 police"),
    "AE": ("998", "editorial: 998 is ambulance, 999 police"),
    "BR": ("192", "editorial: 192 is SAMU (ambulance), 190 police, 193 fire"),
    "VN": ("115", "editorial: 115 is ambulance, 113 police, 114 fire"),
    "CO": ("123", "editorial: 123 is the national emergency line"),
    "AR": ("107", "editorial: 107 is ambulance (SAME); 911 in some provinces"),
    "MA": ("15", "editorial: 15 is ambulance and fire, 19 police"),
}


def emergency_numbers(region: str) -> list[str]:
    meta = PhoneMetadata.short_metadata_for_region(region)
    if meta is None or meta.emergency is None or not meta.emergency.national_number_pattern:
        return []
    pattern = re.compile(meta.emergency.national_number_pattern)
    lengths = meta.emergency.possible_length or (3,)
    found = []
    for length in sorted(set(lengths)):
        if length > 5:
            continue
        for digits in itertools.product("0123456789", repeat=length):
            candidate = "".join(digits)
            if pattern.fullmatch(candidate):
                found.append(candidate)
    return found


def choose(region: str, numbers: list[str]) -> tuple[str, str, str]:
    """(call, basis, source note)"""
    if region in OVERRIDES:
        number, source = OVERRIDES[region]
        if number not in numbers:
            raise SystemExit(f"{region}: override {number} is not an emergency number in the metadata ({numbers})")
        return number, "override", source
    if len(numbers) == 1:
        return numbers[0], "only", ""
    for general in GENERAL_ORDER:
        if general in numbers:
            return general, "general", ""
    return numbers[0], "check", ""


def main() -> None:
    import phonenumbers
    from django.conf import settings

    settings.configure(USE_I18N=False)
    from django_countries import countries

    rows = []
    for region in sorted(SUPPORTED_SHORT_REGIONS):
        numbers = emergency_numbers(region)
        if not numbers or region not in dict(countries):
            continue
        call, basis, source = choose(region, numbers)
        rows.append(
            {
                "country": region,
                "name": str(dict(countries)[region]),
                "call": call,
                "also": " ".join(n for n in numbers if n != call)[:MAX_ALSO_CHARS].rsplit(" ", 1)[0]
                if len(" ".join(numbers)) > MAX_ALSO_CHARS
                else " ".join(n for n in numbers if n != call),
                "basis": basis,
                "source": source,
            }
        )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        fh.write(f"# Generated by scripts/emergency_numbers.py from phonenumbers {phonenumbers.__version__}\n")
        writer = csv.DictWriter(fh, fieldnames=["country", "name", "call", "also", "basis", "source"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} countries written to {OUT.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
