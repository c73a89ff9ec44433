"""What a procedure's price must include to be a whole price: the implant of a joint replacement,
the stent of an angioplasty, intensive care after bypass surgery, physiotherapy after a hip or
knee replacement. Read once per process from ``medijourney/data/procedures/needed_items.csv``
(see its PROVENANCE.md: every row names its source and the day it was checked).

Items are the standard price items of ``network.offer_items`` by id (``implant``, ``icu``,
``physiotherapy`` …); the catalogue only stores the ids, so it never imports the network.
A procedure without rows needs nothing beyond what any offer lists: its price is never called
incomplete for a missing item."""

import csv
import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.text import get_text_list
from django.utils.translation import gettext as _

NEEDED_FILE = Path(__file__).resolve().parent.parent / "data" / "procedures" / "needed_items.csv"


@dataclass(frozen=True)
class NeededItem:
    """One item a procedure's price needs, with the reason in plain words and its source."""

    procedure: str
    item: str  # a network.offer_items id
    what: str  # how the page names it: "the implant (knee prosthesis)", "the stent"
    reason: str
    source: str
    source_url: str
    checked: datetime.date


@cache
def _table() -> dict[str, tuple[NeededItem, ...]]:
    found: dict[str, list[NeededItem]] = {}
    with NEEDED_FILE.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            item = NeededItem(
                procedure=row["procedure"].strip(),
                item=row["item"].strip(),
                what=row["what"].strip(),
                reason=row["reason"].strip(),
                source=row["source"].strip(),
                source_url=row["source_url"].strip(),
                checked=datetime.date.fromisoformat(row["checked"].strip()),
            )
            found.setdefault(item.procedure, []).append(item)
    return {slug: tuple(items) for slug, items in found.items()}


def needed_items(procedure_slug: str) -> tuple[NeededItem, ...]:
    """The items a whole price for the procedure includes (empty when the data names none)."""
    return _table().get(procedure_slug, ())


def missing_items(procedure_slug: str, included: Mapping[str, object]) -> tuple[NeededItem, ...]:
    """The needed items that ``included`` (item id → included?) does not include."""
    return tuple(n for n in needed_items(procedure_slug) if not included.get(n.item))


def all_needed() -> dict[str, tuple[NeededItem, ...]]:
    return dict(_table())


def excludes_text(items: tuple[NeededItem, ...] | list[NeededItem]) -> str:
    """ "Excludes the implant (knee prosthesis) and physiotherapy — ask the hospital." ("" for none)."""
    if not items:
        return ""
    return _("Excludes %(what)s — ask the hospital.") % {"what": get_text_list([n.what for n in items], _("and"))}
