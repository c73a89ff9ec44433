"""The two entry points (re-exported by ``discovery.selectors``): ``search`` ranks every offer for
the query's procedure and builds one page; ``compare`` puts up to four offers side by side.

A search runs a constant number of queries whatever the size of the network: the change log's
next id (``index.py``; the changed hospitals' rows with it when something changed), the page's
offers and their hospitals' details (one prepared query; none when ``pagerows`` kept them under
this index version), and, only when no hospital has a price at all, the
count of hospitals without one (kept a minute), and the quality signals of the page's hospitals
(``quality.quality_notes``: a fixed number per signal, never per row; read fresh, never memoised,
shown beside a result and never used by the ranking). Every search brings its index up to date
with the change log first, so a hospital leaving the network (expiry, suspension) is gone on the
next request; the memo (``memo.py``) reuses a ranking only for exactly the same rows."""

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from medijourney.core.i18n import language_fixed
from medijourney.network.models import Offer

from ..estimate import LINE_KEYS, ReferenceFigure, TripContext, trip_totals
from ..params import SearchQuery
from ..quality import quality_notes
from ..ranking import bounds_of, raw_figures, score_total, sort_key
from . import memo, pagerows, vector
from .candidates import (
    candidate_offers,
    hospitals_without_price,
    include_synthetic,
    page_candidates_and_details,
    primary_language,
    searchable_offers,
)
from .explain import empty_message
from .index import INDEXES
from .page import CompareResult, ResultRow, SearchResult
from .rank import Scored, page_rows, reference_for, trip_context
from .vector import Selection

COMPARE_MAX = 4


@dataclass(frozen=True)
class _Found:
    """One search's ranking: the trip context, the selection (counts, bounds, possible page rows),
    the home-country reference."""

    ctx: TripContext
    selection: Selection
    reference: ReferenceFigure | None
    others: int
    generation: int  # the index version ranked (``pagerows`` keeps the page's rows by it)


def _found(query: SearchQuery, wanted: int) -> tuple[memo.MemoKey, _Found]:
    assert query.procedure is not None and query.procedure_pk is not None
    index = INDEXES.current(
        query.procedure_pk, query.procedure.specialty, tuple(n.item for n in query.procedure.needed)
    )
    key = memo.MemoKey(
        (
            query.raw,
            query.snapshot.key,
            query.today,
            get_language(),
            include_synthetic(),
            index.version.generation,
            wanted,
        )
    )
    enabled = memo.memo_enabled()
    found: _Found | None = memo.RANKED.get(key) if enabled else None
    if found is None:
        ctx = trip_context(query)
        reference, others = reference_for(query, ctx)
        found = _Found(ctx, vector.select(query, ctx, index, wanted), reference, others, index.version.generation)
        if enabled:
            memo.RANKED.put(key, found)
    return key, found


def _ordered(query: SearchQuery, found: _Found) -> tuple[list[Scored], list[tuple[Any, ...]]]:
    """The selection's offers read from the database with their hospitals' details (one query,
    none when ``pagerows`` kept them all under this index version), put in ``sort_key`` order by
    the same Python as always: the first of them are the first results of the whole search."""
    assert query.procedure is not None
    sel = found.selection
    context = (query.today, query.procedure.specialty, primary_language(query.language), tuple(query.bodies),
               include_synthetic())  # fmt: skip
    kept = pagerows.get(found.generation, context, sel.offers, sel.hospitals) if pagerows.enabled() else None
    if kept is None:
        cands, details = page_candidates_and_details(
            sel.offers,
            sel.hospitals,
            specialty=query.procedure.specialty,
            today=query.today,
            language=query.language,
            bodies=query.bodies,
        )
        if pagerows.enabled():
            pagerows.put(found.generation, context, cands, sel.hospitals, details)
    else:
        cands, details = kept
    effective = query.weights.effective()
    bounds = sel.bounds
    scored: list[Scored] = []
    for cand in cands:
        totals = trip_totals(found.ctx, cand)
        scored.append((raw_figures(cand, totals), cand, totals))
    scored.sort(key=lambda t: sort_key(score_total(t[0], bounds, effective), t[2], t[1]))
    return scored, details


def _page(query: SearchQuery, key: memo.MemoKey, found: _Found, offset: int, limit: int) -> tuple[Any, list[ResultRow]]:
    ordered, all_details = _ordered(query, found)
    page = ordered[offset : offset + limit] if limit > 0 else []
    on_page = {c.hospital_pk for _s, c, _t in page}
    details = [row for row in all_details if row[1] in on_page]
    page_key = memo.MemoKey((key, offset, limit, tuple(details)))
    enabled = memo.memo_enabled()
    rows: list[ResultRow] | None = memo.PAGES.get(page_key) if enabled else None
    if rows is None:
        rows = page_rows(
            query,
            found.ctx,
            page,
            found.selection.bounds,
            found.reference,
            found.others,
            first_rank=offset + 1,
            detail_rows=details,
        )
        if enabled:
            memo.PAGES.put(page_key, rows)
    return page_key, rows


def _with_quality(rows: list[ResultRow]) -> list[ResultRow]:
    """The rows with their hospitals' quality notes (copies: the memoised rows stay as they are)."""
    notes = quality_notes([r.cand.hospital_pk for r in rows]) if rows else {}
    return [dataclasses.replace(r, quality=notes.get(r.cand.hospital_pk, [])) for r in rows]


@language_fixed()
def search(query: SearchQuery, *, offset: int = 0, limit: int = 20, with_quality: bool = False) -> SearchResult:
    """Rank the offers for the query's procedure; build the rows of one page (with their quality
    notes when ``with_quality``: the results page shows them, the JSON leaves them out)."""
    if query.procedure is None or query.procedure_pk is None:
        return SearchResult(query, None, [], 0, 0, [], 0, None, None, _("No procedure matched: choose one."))
    key, found = _found(query, offset + max(limit, 0))
    page_key, rows = _page(query, key, found, offset, limit)
    if with_quality:
        rows = _with_quality(rows)
    sel = found.selection
    # Only when no hospital at all has a price: with offers filtered out, the filters explain it.
    without = hospitals_without_price(query.procedure_pk, query.today) if not sel.candidates else None
    return SearchResult(
        query=query,
        ctx=found.ctx,
        rows=rows,
        count=sel.kept,
        candidates=sel.candidates,
        exclusions=sel.exclusions,
        excluded_total=sel.candidates - sel.kept,
        without_price=without,
        reference=found.reference,
        message=empty_message(query, sel.candidates, sel.kept, sel.exclusions, without),
        cache_key=(page_key, without),
    )


@language_fixed()
def compare(query: SearchQuery, offer_ids: Sequence[Any]) -> CompareResult:
    """Up to four offers side by side, in the order given, with the same trip lines in the same
    order. Raises LookupError naming the ids that are not offers for the procedure in the network."""
    assert query.procedure is not None and query.procedure_pk is not None
    offers = searchable_offers(query.today).filter(public_id__in=list(offer_ids))
    if query.procedure_pk:
        offers = offers.filter(procedure_id=query.procedure_pk)
    cands = candidate_offers(offers, specialty=query.procedure.specialty, today=query.today, language=query.language)
    by_id = {str(c.offer_id): c for c in cands}
    missing = [str(i) for i in offer_ids if str(i) not in by_id]
    if missing:
        raise LookupError(missing)
    ordered = [by_id[str(i)] for i in offer_ids]
    ctx = trip_context(query)
    reference, others = reference_for(query, ctx)
    totals = [trip_totals(ctx, c) for c in ordered]
    figures = [raw_figures(c, t) for c, t in zip(ordered, totals, strict=True)]
    bounds = bounds_of(figures)
    page = list(zip(figures, ordered, totals, strict=True))
    rows = page_rows(query, ctx, page, bounds, reference, others, with_doctors=True)
    return CompareResult(query, ctx, rows, reference, LINE_KEYS)


def offer_procedure_slug(offer_id: Any) -> str | None:
    """The procedure of an offer (compare links that carry only offer ids)."""
    return Offer.objects.filter(public_id=offer_id).values_list("procedure__slug", flat=True).first()
