"""Public catalogue pages: procedures by specialty, and one procedure with its typical stay,
when flying home is safe, and reference prices by country, each with its source and date."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from medijourney.core.http import HtmxRequest

from .forms import PassportForm, ProcedureFilterForm
from .selectors import procedure_by_slug, procedures_list, reference_prices_by_country, specialties_with_counts

PASSPORT_SESSION_KEY = "catalog.passport"
PAGE_SIZE = 24


def remembered_passport(request: HttpRequest) -> str:
    """The visitor's passport country: from ?passport=XX (then remembered in the session), else
    the one remembered, else empty."""
    form = PassportForm(request.GET)
    if "passport" in request.GET and form.is_valid():
        code = form.cleaned_data["passport"]
        if code:
            request.session[PASSPORT_SESSION_KEY] = code
        else:
            request.session.pop(PASSPORT_SESSION_KEY, None)
        return str(code)
    return str(request.session.get(PASSPORT_SESSION_KEY, ""))


def procedure_list(request: HtmxRequest) -> HttpResponse:
    form = ProcedureFilterForm(request.GET or None)
    specialty = q = ""
    if form.is_valid():
        specialty, q = form.cleaned_data["specialty"], form.cleaned_data["q"]
    page = Paginator(procedures_list(specialty=specialty or None, q=q or None), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "specialties": specialties_with_counts(),
        "current_specialty": specialty,
        "query": query.urlencode(),
    }
    template = "catalog/partials/procedure_results.html" if request.htmx else "catalog/procedure_list.html"
    return render(request, template, context)


def procedure_detail(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = procedure_by_slug(slug)
    if procedure is None:
        raise Http404
    return render(
        request,
        "catalog/procedure_detail.html",
        {"procedure": procedure, "prices_by_country": reference_prices_by_country(procedure)},
    )
