import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from medijourney.accounts.access import AuthenticatedRequest, get_visible_or_404, require_perm
from medijourney.accounts.permissions import has_perm
from medijourney.core.http import HtmxRequest
from medijourney.safety.answer import emergency_localise

from . import reference
from .estimate import LINE_LABELS
from .forms import CompareForm, SearchForm, TriageForm
from .params import DEFAULT_WEIGHTS, SearchQuery
from .ranking import RANKING_SUMMARY
from .selectors import COMPARE_MAX, compare, offer_procedure_slug, saved_searches_visible_to, search
from .services import saved_search_create, saved_search_delete
from .triage_answer import NOT_A_DIAGNOSIS, answer_text


def inquiry_prefill(query: SearchQuery | None, *, need: str = "", destinations: list[str] | None = None) -> str:
    """The inquiry form's query string, pre-filled from a search (nothing is sent until the
    patient submits the form)."""
    params: dict[str, Any] = {"need": need}
    if query is not None:
        params.update(
            procedure=query.procedure.name if query.procedure else "",
            origin=query.origin_country or "",
            passport=query.raw.passport or "",
            currency=query.currency,
            travel_from=query.travel_from.isoformat() if query.travel_from else "",
            travel_to=query.travel_to.isoformat() if query.travel_to else "",
            companion="1" if query.companion else "",
            destinations=destinations
            if destinations is not None
            else ([query.destination] if query.destination else []),
        )
    return urlencode({k: v for k, v in params.items() if v not in ("", None, [])}, doseq=True)


@require_http_methods(["GET", "POST"])
def triage_page(request: HtmxRequest) -> HttpResponse:
    """ "Describe your problem": open to everyone. The text is posted (not put in the URL, so it
    stays out of browser history and access logs) and is not stored. An emergency text is answered
    with the emergency message first; otherwise the answer says in words how sure it is and ends
    in a next step (search for a named procedure, choose one of the specialty's, or ask a case
    manager with the inquiry form pre-filled)."""
    answer = None
    if request.method == "POST":
        form = TriageForm(request.POST)
        if form.is_valid():
            answer = answer_text(form.cleaned_data["text"], request=request, known=reference.snapshot().procedures)
    else:
        form = TriageForm()
    context = {"form": form, "answer": answer, "notice": _(NOT_A_DIAGNOSIS)}
    if request.htmx and request.method == "POST":
        return render(request, "discovery/partials/triage_result.html", context)
    return render(request, "discovery/triage.html", context)


# --- search and compare -----------------------------------------------------------------------------

SEARCH_PAGE_SIZE = 10


def _context_query(query: SearchQuery | None, **extra: Any) -> str:
    params = query.context_params() if query else {}
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return urlencode(params, doseq=True)


@require_GET
def search_page(request: HtmxRequest) -> HttpResponse:
    """Search: open to everyone. Works without JavaScript (a GET form); with htmx, moving a weight
    re-renders only the results."""
    form = SearchForm(request.GET or None)
    result = page = None
    routing = form.query.routing if form.is_bound and form.is_valid() and form.query else None
    emergency = emergency_localise(routing.answer.emergency, request) if routing and routing.answer else None
    if routing is not None and form.query is not None and form.query.procedure is None:
        pass  # free text that names no procedure (or an emergency): the routing note offers the choices
    elif form.is_bound and form.is_valid() and form.query is not None:
        query = form.query
        try:
            number = max(int(request.GET.get("page", "1")), 1)
        except ValueError:
            number = 1
        result = search(query, offset=(number - 1) * SEARCH_PAGE_SIZE, limit=SEARCH_PAGE_SIZE, with_quality=True)
        page = Paginator(range(result.count), SEARCH_PAGE_SIZE).get_page(number)
        if page.number != number:  # past the last page: show the last one
            result = search(
                query, offset=(page.number - 1) * SEARCH_PAGE_SIZE, limit=SEARCH_PAGE_SIZE, with_quality=True
            )
    context = {
        "form": form,
        "result": result,
        "page": page,
        "query": form.query,
        "page_query": _context_query(form.query),
        "other_query": urlencode(
            [(k, v) for k, v in (form.query.context_pairs() if form.query else []) if k != "procedure"]
        ),
        "defaults": DEFAULT_WEIGHTS,
        "ranking_summary": RANKING_SUMMARY,
        "weights": [(form[name], form.weight_value(name)) for name in SearchForm.WEIGHT_FIELDS],
        "compare_max": COMPARE_MAX,
        "emergency": emergency,
        "inquiry_query": inquiry_prefill(form.query, need=routing.text if routing else ""),
        "can_save": has_perm(request.user, "discovery.save_searches"),
        "login_to_save": f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}",
    }
    if request.htmx:
        return render(request, "discovery/partials/search_results.html", context)
    return render(request, "discovery/search.html", context)


SAVED_PAGE_SIZE = 20


@require_POST
def search_save(request: HttpRequest) -> HttpResponse:
    """ "Save this search" on the results: the search's parameters, checked again as a search."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("discovery:search") + "?" + request.POST.urlencode())
    form = SearchForm(request.POST)
    back = reverse("discovery:search")
    if not form.is_valid() or form.query is None:
        messages.error(request, _("This search could not be saved: check the fields marked below."))
        return redirect(f"{back}?{request.POST.urlencode()}")
    back = f"{back}?{_context_query(form.query)}"
    try:
        saved_search_create(owner=request.user, query=form.query)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(back)
    messages.success(request, _("Search saved. You find it under Saved searches."))
    return redirect(back)


@require_perm("discovery.save_searches")
@require_GET
def saved_searches(request: HttpRequest) -> HttpResponse:
    rows = saved_searches_visible_to(request.user).only("public_id", "label", "params", "created_at")
    page = Paginator(rows, SAVED_PAGE_SIZE).get_page(request.GET.get("page"))
    items = [(s, urlencode(s.params, doseq=True)) for s in page.object_list]
    return render(request, "discovery/saved_searches.html", {"page": page, "items": items})


@require_perm("discovery.save_searches")
@require_POST
def saved_search_remove(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    saved = get_visible_or_404(
        saved_searches_visible_to(request.user), request.user, "saved_search.delete", public_id=public_id
    )
    saved_search_delete(actor=request.user, saved=saved)
    messages.success(request, _("Saved search deleted."))
    return redirect("discovery:saved_searches")


def _quotes_prefill(query: SearchQuery | None, rows: list[Any]) -> str:
    """The inquiry form pre-filled to ask the compared hospitals for quotes."""
    hospitals = "; ".join(
        f"{r.cand.name} ({', '.join(p for p in (r.cand.city, r.cand.country_name) if p)})" for r in rows
    )
    name = query.procedure.name if query and query.procedure else ""
    need = _("I would like quotes for %(procedure)s from: %(hospitals)s.") % {"procedure": name, "hospitals": hospitals}
    countries = list(dict.fromkeys(r.cand.country for r in rows))
    return inquiry_prefill(query, need=need, destinations=countries)


@require_GET
def compare_page(request: HttpRequest) -> HttpResponse:
    """Up to four results side by side; the URL holds everything, so it can be shared."""
    data = request.GET.copy()
    if not data.get("procedure") and not data.get("q") and data.get("offers"):
        first = data.getlist("offers")[0].split(",")[0].strip()
        try:
            slug = offer_procedure_slug(uuid.UUID(first))
        except ValueError:
            slug = None
        if slug:
            data["procedure"] = slug
    form = CompareForm(data or None)
    result = None
    if form.is_bound and form.is_valid() and form.query is not None and form.query.procedure is not None:
        try:
            result = compare(form.query, form.offer_ids)
        except LookupError as exc:
            form.add_error(
                "offers",
                _("These results are no longer available (or are not for this treatment): %(ids)s")
                % {"ids": ", ".join(exc.args[0])},
            )
    rows = result.rows if result else []
    line_table = []
    if result:
        for key in result.line_keys:
            line_table.append((LINE_LABELS[key], [row.estimate.line(key) for row in rows]))
    context = {
        "form": form,
        "result": result,
        "rows": rows,
        "quotes_query": _quotes_prefill(form.query, rows) if rows else "",
        "line_table": line_table,
        "back_query": _context_query(form.query),
        "compare_max": COMPARE_MAX,
    }
    return render(request, "discovery/compare.html", context, status=200)
