"""Parts a later app adds to the de-identified summary a hospital reads, without quotes importing
that app (interop registers the patient's imported home record, say).

A part is registered with the least consent scope it needs: a part that needs
``summary_with_reports`` goes only to hospitals whose consent includes reports, and is left out for
the others. Each part gives plain lines; quotes de-identifies them (``deidentify``) like the rest of
the summary, and the send refuses a part that still holds the case's own identifiers."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .models import SCOPE_RANK, Scope


@dataclass(frozen=True)
class SummaryPart:
    name: str
    lines: Callable[[Any], list[str]]  # the case → the part's lines ([] when it has nothing)
    scope: str = Scope.SUMMARY_WITH_REPORTS  # the least consent scope the part needs


_PARTS: dict[str, SummaryPart] = {}


def register_summary_part(part: SummaryPart) -> None:
    _PARTS[part.name] = part


def summary_parts_for(scope: str) -> list[SummaryPart]:
    """The parts a consent of ``scope`` covers, in the order they were registered."""
    rank = SCOPE_RANK.get(Scope(scope), 0) if scope in Scope.values else 0
    return [p for p in _PARTS.values() if SCOPE_RANK[Scope(p.scope)] <= rank]
