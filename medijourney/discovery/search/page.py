"""The result types of search and compare: a page of ``ResultRow`` s in a ``SearchResult`` (or a
``CompareResult``), with what each filter excluded. Their JSON documents are built by the API's
schemas (``schemas.ResultOut.of(row, ctx)``), not here.

``ResultRow.quality`` holds the further quality signals shown beside a result (``quality.QualityNote``
s, for instance aftercare's outcome figures when n >= 10), filled by the engine for the rows of a
page. They never change the order (the ranking does not read them) and are left out of the JSON."""

import datetime
from dataclasses import dataclass
from typing import Any

from ..estimate import Candidate, ReferenceFigure, Savings, TripContext, TripEstimate
from ..params import SearchQuery
from ..ranking import Score
from .details import HospitalDetails


@dataclass(frozen=True)
class WindowFit:
    wait_days: int | None
    earliest_start: datetime.date
    return_by: datetime.date | None
    fits: bool | None
    explanation: str


@dataclass
class ResultRow:
    rank: int
    cand: Candidate
    estimate: TripEstimate
    score: Score
    savings: Savings
    window: WindowFit
    details: HospitalDetails
    quality: Any = None  # list of quality.QualityNote shown beside the result, never ranked (see the module)

    @property
    def languages(self) -> list[str]:
        return sorted(set(self.cand.languages) | set(self.details.languages))

    @property
    def visa_line(self) -> Any:
        return self.estimate.line("visa")


@dataclass(frozen=True)
class Exclusion:
    filter: str
    label: str
    excluded: int
    note: str = ""


@dataclass
class SearchResult:
    query: SearchQuery
    ctx: TripContext | None
    rows: list[ResultRow]
    count: int  # results after the filters
    candidates: int  # offers for the procedure in the network, before the filters
    exclusions: list[Exclusion]
    excluded_total: int
    without_price: int | None  # accredited hospitals with no price for the procedure (empty results)
    reference: ReferenceFigure | None
    message: str = ""
    cache_key: Any = None  # identifies the page and the data it was computed from

    def exclusions_text(self) -> str:
        parts = [f"{e.label} excluded {e.excluded}" for e in self.exclusions if e.excluded]
        return ", ".join(parts)


@dataclass
class CompareResult:
    query: SearchQuery
    ctx: TripContext
    rows: list[ResultRow]
    reference: ReferenceFigure | None
    line_keys: tuple[str, ...]
