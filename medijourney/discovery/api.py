from dataclasses import asdict, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from medijourney.core.api import ErrorOut
from medijourney.core.i18n import language_fixed
from medijourney.safety.answer import emergency_localise

from .params import RawSearch, SearchParamErrors, SearchQuery, Weights, resolve_search
from .schemas import CompareIn, CompareOut, SearchIn, SearchOut, TriageIn, TriageOut
from .search.memo import memo_enabled
from .selectors import COMPARE_MAX, JSON_MEMO, compare, offer_procedure_slug, search
from .triage_answer import answer_text

router = Router(tags=["discovery"])


# --- triage -----------------------------------------------------------------------------------
@router.get(
    "/triage",
    response={200: TriageOut, 422: ErrorOut},
    auth=None,
    summary="Route a free-text description to specialties and candidate procedures",
    description=(
        "Open to everyone, signed in or not. Routes the text to at least three specialties of the "
        "taxonomy the words point to (best first, with the matched words as evidence) and to candidate "
        "procedures. `emergency.detected` means the text may describe an emergency: show its message (with "
        "the local emergency number) first and offer no treatment. `answer` says in words how sure it is "
        "and the next step. This is routing, not a diagnosis; `notice` says so. Nothing is stored."
    ),
)
def triage_endpoint(request: HttpRequest, params: Query[TriageIn]) -> dict[str, Any]:
    answer = answer_text(params.text, request=request, country=params.country.upper() or None, lang=params.lang)
    body = asdict(answer.result)
    body["specialties"] = [s for s in body["specialties"] if s["score"] > 0]
    if answer.emergency is not None:
        body["procedures"] = []  # never offer a treatment for an emergency text
    answer_body = answer.as_dict()
    return {**body, "emergency": answer_body["emergency"], "answer": answer_body}


# --- search and compare -----------------------------------------------------------------------------


def raw_search(params: SearchIn) -> RawSearch:
    return RawSearch(
        procedure=params.procedure.strip(),
        q=params.q.strip(),
        origin=params.origin.upper(),
        origin_city=params.origin_city.strip(),
        origin_airport=params.origin_airport.upper(),
        passport=params.passport.upper(),
        destination=params.destination.upper(),
        currency=params.currency.upper(),
        budget=params.budget,
        travel_from=params.travel_from,
        travel_to=params.travel_to,
        language=params.language,
        accreditation=tuple(params.accreditation),
        max_flight_hours=params.max_flight_hours,
        companion=params.companion,
        weights=Weights(params.w_cost, params.w_wait, params.w_travel, params.w_quality),
    )


def resolve_or_422(raw: RawSearch) -> SearchQuery:
    try:
        return resolve_search(raw)
    except SearchParamErrors as exc:
        raise ValidationError(exc.errors) from None


@router.get(
    "/search",
    response={200: SearchOut, 422: ErrorOut},
    auth=None,
    summary="Search and rank offers, with the full trip estimate and the score explained term by term",
    description=(
        "Open to everyone. Give `procedure` (a slug) or `q` (free text, routed through triage). Only hospitals "
        "in the network (current verified accreditation, not suspended) with a price for the procedure are "
        "results. Each result carries its trip estimate (every line with amount, currency, source, as-of date "
        "and method), savings against your home country's reference price, visa rule, travel time, waiting "
        "time and its score `{total, terms}`. The order is the weighted score and nothing else: no hospital "
        "can pay for its place. `excluded` says how many results each filter removed."
    ),
)
def search_endpoint(request: HttpRequest, params: Query[SearchIn]) -> HttpResponse:
    query = resolve_or_422(raw_search(params))
    result = search(query, offset=params.offset, limit=params.limit)
    routed = query.routing.answer if query.routing else None
    emergency = emergency_localise(routed.emergency, request) if routed else None
    # The document is memoised with the rest of the result memo (DISCOVERY_RESULT_MEMO), never
    # without it, and not when it carries an emergency number (that depends on the request).
    memo_key = result.cache_key if emergency is None and memo_enabled() else None
    if memo_key is not None:
        cached = JSON_MEMO.get(memo_key)
        if cached is not None:
            return HttpResponse(cached, content_type="application/json")
    with language_fixed():
        response = SearchOut.of(result, query, emergency.as_dict() if emergency else None).as_response()
    if memo_key is not None:
        JSON_MEMO.put(memo_key, response.content)
    return response


@router.get(
    "/compare",
    response={200: CompareOut, 422: ErrorOut},
    auth=None,
    summary="Compare up to four offers side by side, trip lines aligned",
    description=(
        "Open to everyone. `offers` lists 1 to 4 offer ids from search results (repeat the parameter); the other "
        "parameters are the search context (origin, passport, currency, companion...). Every item lists the "
        "same trip lines in the same order (`line_keys`)."
    ),
)
def compare_endpoint(request: HttpRequest, params: Query[CompareIn]) -> HttpResponse:
    ids = list(dict.fromkeys(params.offers))
    if not 1 <= len(ids) <= COMPARE_MAX:
        raise ValidationError({"offers": f"Give between 1 and {COMPARE_MAX} different offer ids."})
    raw = raw_search(params)
    if not raw.procedure and not raw.q:
        raw = replace(raw, procedure=offer_procedure_slug(ids[0]) or "")
    query = resolve_or_422(raw)
    if query.procedure is None:
        raise ValidationError({"procedure": "No procedure matched the text; give `procedure`."})
    try:
        result = compare(query, ids)
    except LookupError as exc:
        raise ValidationError(
            {
                "offers": f"Not an offer for {query.procedure.name} at a hospital in the network: {', '.join(exc.args[0])}."
            }
        ) from None
    with language_fixed():
        return CompareOut.of(result, query).as_response()
