"""Reads of discovery. ``search`` and ``compare`` are the public entry points of the search engine,
which lives in ``discovery/search/`` (see its ``__init__`` for the map of its parts).

``search(query)`` reads every offer for the procedure at hospitals in the network
(``network.selectors.hospitals_in_network`` — the only definition of patient-visible hospitals) in
ONE query with the quality signals annotated, estimates, filters and ranks them, and loads the
details of the page's hospitals only. The number of queries does not grow with the network."""

from typing import Any

from django.db.models import QuerySet

from medijourney.accounts.permissions import has_perm

from .models import SavedSearch
from .search.candidates import candidate_offers, include_synthetic, search_candidates, searchable_offers
from .search.details import AccreditationInfo, DoctorInfo, HospitalDetails, hospital_details
from .search.engine import COMPARE_MAX, compare, offer_procedure_slug, search
from .search.explain import FILTER_LABELS, window_fit
from .search.memo import JSON_MEMO, clear_caches
from .search.page import CompareResult, Exclusion, ResultRow, SearchResult, WindowFit
from .search.rank import trip_context as _context

__all__ = [
    "COMPARE_MAX",
    "FILTER_LABELS",
    "JSON_MEMO",
    "AccreditationInfo",
    "CompareResult",
    "DoctorInfo",
    "Exclusion",
    "HospitalDetails",
    "ResultRow",
    "SearchResult",
    "WindowFit",
    "_context",
    "candidate_offers",
    "clear_caches",
    "compare",
    "hospital_details",
    "include_synthetic",
    "offer_procedure_slug",
    "saved_searches_visible_to",
    "search",
    "search_candidates",
    "searchable_offers",
    "window_fit",
]


def saved_searches_visible_to(user: Any) -> QuerySet[SavedSearch]:
    """The one filter for saved searches: a patient's own, nobody else's (not even staff)."""
    if not has_perm(user, "discovery.save_searches"):
        return SavedSearch.objects.none()
    return SavedSearch.objects.filter(owner=user)
