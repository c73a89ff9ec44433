"""Ranking: the searcher's trip context, the filters, the order of every result (best first, ties
deterministic: ``ranking.sort_key``), and the rows of one page with their score explained term by
term. Nothing here reads or writes the database except ``page_rows`` (the page's details)."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from medijourney.catalog.models import VisaRule

from ..estimate import (
    Candidate,
    ReferenceFigure,
    TripContext,
    TripTotals,
    choose_reference,
    savings_for,
    trip_estimate,
    trip_totals,
)
from ..params import SearchQuery
from ..ranking import Bounds, bounds_of, explain, raw_figures, score, score_total, sort_key
from .details import hospital_details
from .explain import exclusions, window_fit
from .page import Exclusion, ResultRow

NO_ADMISSION = VisaRule.Requirement.NO_ADMISSION
Scored = tuple[dict[str, float | None], Candidate, TripTotals]  # (figures, candidate, totals)


def trip_context(query: SearchQuery) -> TripContext:
    """What depends on the searcher, not on the offers: rates, visas by passport, origin, dates."""
    assert query.procedure is not None
    snap = query.snapshot
    return TripContext(
        today=query.today,
        currency=query.currency,
        fx=snap.fx(query.today),
        procedure=query.procedure,
        origin=query.origin,
        passport=query.passport,
        passport_assumed=query.passport_assumed,
        visas=snap.visas(query.passport) if query.passport else {},
        companion=query.companion,
        travel_from=query.travel_from,
        travel_to=query.travel_to,
    )


def reference_for(query: SearchQuery, ctx: TripContext) -> tuple[ReferenceFigure | None, int]:
    """The home-country reference price savings are measured against, and how many others exist."""
    assert query.procedure_pk is not None
    figures = query.snapshot.references(query.procedure_pk, query.origin_country) if query.origin_country else []
    return choose_reference(figures, query.raw.origin_city, ctx.fx, ctx.currency)


def failed_filters(query: SearchQuery, ctx: TripContext, cand: Candidate, est: TripTotals) -> list[str]:
    """The filters this result fails (empty: it is shown)."""
    failed = []
    if query.destination and cand.country != query.destination:
        failed.append("destination")
    if query.bodies and not cand.body_match:
        failed.append("accreditation")
    rule = ctx.visas.get(cand.country)
    if rule is not None and rule.requirement == NO_ADMISSION and ctx.passport != cand.country:
        failed.append("visa")
    if query.max_flight_hours is not None:
        hours = est.flight_hours
        if hours is None or Decimal(str(hours)) > query.max_flight_hours:
            failed.append("max_flight_hours")
    if query.budget is not None and est.procedure_known and est.total > query.budget:
        failed.append("budget")
    return failed


def active_filters(query: SearchQuery) -> list[str]:
    active = []
    if query.destination:
        active.append("destination")
    if query.bodies:
        active.append("accreditation")
    if query.passport:
        active.append("visa")
    if query.max_flight_hours is not None:
        active.append("max_flight_hours")
    if query.budget is not None:
        active.append("budget")
    return active


@dataclass(frozen=True)
class Ranked:
    """The ranking of every result for one query and one reading of the data."""

    ctx: TripContext
    scored: list[Scored]  # best first
    bounds: Bounds
    candidates: int
    exclusions: list[Exclusion]
    reference: ReferenceFigure | None
    others: int


def rank(query: SearchQuery, cands: list[Candidate]) -> Ranked:
    """Estimate, filter and order every candidate."""
    ctx = trip_context(query)
    reference, others = reference_for(query, ctx)
    kept: list[tuple[Candidate, TripTotals]] = []
    counts = dict.fromkeys(active_filters(query), 0)
    unknown_hours = 0
    for cand in cands:
        est = trip_totals(ctx, cand)
        failed = failed_filters(query, ctx, cand, est)
        for name in failed:
            counts[name] = counts.get(name, 0) + 1
        if "max_flight_hours" in failed and est.flight_hours is None:
            unknown_hours += 1
        if not failed:
            kept.append((cand, est))
    figures = [raw_figures(c, e) for c, e in kept]
    bounds = bounds_of(figures)
    effective = query.weights.effective()
    ordered = sorted(
        zip(figures, kept, strict=True),
        key=lambda t: sort_key(score_total(t[0], bounds, effective), t[1][1], t[1][0]),
    )
    scored = [(f, c, e) for f, (c, e) in ordered]
    return Ranked(ctx, scored, bounds, len(cands), exclusions(counts, unknown_hours), reference, others)


def page_rows(
    query: SearchQuery,
    ctx: TripContext,
    page: Sequence[Scored],
    bounds: Bounds,
    reference: ReferenceFigure | None,
    others: int,
    *,
    first_rank: int = 1,
    with_doctors: bool = False,
    detail_rows: list[tuple[Any, ...]] | None = None,
) -> list[ResultRow]:
    """The rows of one page: the full trip estimate, the score explained, savings, window fit."""
    assert query.procedure is not None
    details = hospital_details(
        [c.hospital_pk for _s, c, _e in page], query.today, with_doctors=with_doctors, rows=detail_rows
    )
    rows = []
    for i, (figures, cand, _totals) in enumerate(page):
        d = details[cand.hospital_pk]
        est = trip_estimate(ctx, cand)
        sc = explain(
            score(figures, bounds, query.weights),
            cand,
            est,
            bounds,
            body_names=sorted({a.body_short_name for a in d.accreditations}),
            specialty_name=query.procedure.specialty_name or query.procedure.specialty,
            language=query.language,
        )
        rows.append(
            ResultRow(
                rank=first_rank + i,
                cand=cand,
                estimate=est,
                score=sc,
                savings=savings_for(ctx, est, reference, others),
                window=window_fit(query, cand, est),
                details=d,
            )
        )
    return rows
