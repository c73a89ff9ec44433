"""The two entry points (re-exported by ``discovery.selectors``): ``search`` ranks every offer for
the query's procedure and builds one page; ``compare`` puts up to four offers side by side.

A search runs a constant number of queries whatever the size of the network: the candidate rows
(one prepared query), the page's details (one), and, only when no hospital has a price at all, the
count of hospitals without one (kept a minute), and the quality signals of the page's hospitals
(``quality.quality_notes``: a fixed number per signal, never per row; read fresh, never memoised,
shown beside a result and never used by the ranking). Every search reads the rows fresh, so a hospital
leaving the network (expiry, suspension) is gone on the next request; the memo (``memo.py``)
reuses a ranking only for exactly the same rows."""

import dataclasses
from collections.abc import Sequence
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from medijourney.network.models import Offer

from ..estimate import LINE_KEYS, trip_totals
from ..params import SearchQuery
from ..quality import quality_notes
from ..ranking import bounds_of, raw_figures
from . import memo
from .candidates import candidate_offers, candidate_rows, hospitals_without_price, include_synthetic, searchable_offers
from .candidates import to_candidate as _to_candidate
from .details import detail_rows
from .explain import empty_message
from .page import CompareResult, ResultRow, SearchResult
from .rank import Ranked, page_rows, rank, reference_for, trip_context

COMPARE_MAX = 4


def _ranked(query: SearchQuery) -> tuple[memo.MemoKey, Ranked]:
    assert query.procedure is not None and query.procedure_pk is not None
    prepared, raw_rows = candidate_rows(
        procedure_pk=query.procedure_pk,
        specialty=query.procedure.specialty,
        today=query.today,
        language=query.language,
        bodies=query.bodies,
    )
    key = memo.MemoKey(
        (query.raw, query.snapshot.key, query.today, get_language(), include_synthetic(), tuple(raw_rows))
    )
    enabled = memo.memo_enabled()
    ranked: Ranked | None = memo.RANKED.get(key) if enabled else None
    if ranked is None:
        has_language, has_bodies = bool(query.language), bool(query.bodies)
        cands = [_to_candidate(r, language=has_language, bodies=has_bodies) for r in prepared.convert(raw_rows)]
        ranked = rank(query, cands)
        if enabled:
            memo.RANKED.put(key, ranked)
    return key, ranked


def _page(
    query: SearchQuery, key: memo.MemoKey, ranked: Ranked, offset: int, limit: int
) -> tuple[Any, list[ResultRow]]:
    page = ranked.scored[offset : offset + limit]
    details = detail_rows([c.hospital_pk for _s, c, _t in page], query.today)
    page_key = memo.MemoKey((key, offset, limit, tuple(details)))
    enabled = memo.memo_enabled()
    rows: list[ResultRow] | None = memo.PAGES.get(page_key) if enabled else None
    if rows is None:
        rows = page_rows(
            query,
            ranked.ctx,
            page,
            ranked.bounds,
            ranked.reference,
            ranked.others,
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


def search(query: SearchQuery, *, offset: int = 0, limit: int = 20, with_quality: bool = False) -> SearchResult:
    """Rank the offers for the query's procedure; build the rows of one page (with their quality
    notes when ``with_quality``: the results page shows them, the JSON leaves them out)."""
    if query.procedure is None or query.procedure_pk is None:
        return SearchResult(query, None, [], 0, 0, [], 0, None, None, _("No procedure matched: choose one."))
    key, ranked = _ranked(query)
    page_key, rows = _page(query, key, ranked, offset, limit)
    if with_quality:
        rows = _with_quality(rows)
    kept = len(ranked.scored)
    # Only when no hospital at all has a price: with offers filtered out, the filters explain it.
    without = hospitals_without_price(query.procedure_pk, query.today) if not ranked.candidates else None
    return SearchResult(
        query=query,
        ctx=ranked.ctx,
        rows=rows,
        count=kept,
        candidates=ranked.candidates,
        exclusions=ranked.exclusions,
        excluded_total=ranked.candidates - kept,
        without_price=without,
        reference=ranked.reference,
        message=empty_message(query, ranked.candidates, kept, ranked.exclusions, without),
        cache_key=(page_key, without),
    )


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
