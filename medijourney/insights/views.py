"""The dashboard (quality lead, operator), each chart as an SVG image from its own address, each
table as CSV, and the public figures page. Every dashboard, chart and CSV view is audited (what
was looked at and with which filters; no case is named)."""

import csv
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from medijourney.accounts.access import AuthenticatedRequest, require_perm
from medijourney.privacy.services import audit_record

from .charts import LAYOUTS, WIDE, chart_images, chart_svg
from .figures import SMALL_CELL, Figure, suppressed_rows
from .filters import FilterForm, Filters, parse_filters
from .public import public_figures
from .selectors import FIGURES, table_for

PERMISSION = "insights.view_figures"


def _audit(request: AuthenticatedRequest, action: str, f: Filters, figure: str = "") -> None:
    detail: dict[str, Any] = {"filters": f.as_params()}
    if figure:
        detail["figure"] = figure
    audit_record(actor=request.user, action=action, detail=detail)


def _field_errors(form: FilterForm) -> JsonResponse:
    errors = [{"field": name, "message": str(msgs[0])} for name, msgs in form.errors.items()]
    return JsonResponse({"detail": _("Check the filters."), "errors": errors}, status=422)


@require_GET
@require_perm(PERMISSION)
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    form, f = parse_filters(request.GET)
    context: dict[str, Any] = {"form": form, "figures": [], "query": request.GET.urlencode()}
    if f is not None:
        figures = [compute(f) for compute in FIGURES.values()]
        context.update(
            figures=figures,
            panels=[(fig, chart_images(fig)) for fig in figures],
            filters=f,
            query=_query(f),
            empty=figures[1].n == 0,  # the funnel counts every case received in the range
        )
        _audit(request, "insights.dashboard.view", f)
    status = 200 if f is not None else 422
    return render(request, "insights/dashboard.html", context, status=status)


def _query(f: Filters) -> str:
    return urlencode(f.as_params())


@require_GET
@require_perm(PERMISSION)
def chart(request: AuthenticatedRequest, figure: str) -> HttpResponse:
    compute = FIGURES.get(figure)
    if compute is None:
        return JsonResponse(
            {"detail": _("No such figure."), "errors": [{"field": "figure", "message": figure}]}, status=404
        )
    form, f = parse_filters(request.GET)
    if f is None:
        return _field_errors(form)
    computed = compute(f)
    _audit(request, "insights.chart.view", f, figure)
    if computed.bars is None:
        return JsonResponse({"detail": _("This figure has no chart.")}, status=404)
    layout = LAYOUTS.get(request.GET.get("layout", ""), WIDE)
    response = HttpResponse(chart_svg(computed, layout), content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


def figure_csv(figure: Figure) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="medijourney-{figure.key}.csv"'
    writer = csv.writer(response)
    rows, hidden = suppressed_rows(figure)
    writer.writerow(figure.columns)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    writer.writerow([])
    writer.writerow([_("note"), figure.title])
    for note in figure.notes:
        writer.writerow([_("note"), note])
    if hidden:
        writer.writerow(
            [
                _("note"),
                _("%(n)s rows counting fewer than %(min)s cases are suppressed (<5).")
                % {"n": hidden, "min": SMALL_CELL},
            ]
        )
    return response


@require_GET
@require_perm(PERMISSION)
def download_csv(request: AuthenticatedRequest, figure: str) -> HttpResponse:
    form, f = parse_filters(request.GET)
    if f is None:
        return _field_errors(form)
    table = table_for(figure, f)
    if table is None:
        return JsonResponse(
            {
                "detail": _("No such figure."),
                "errors": [{"field": "figure", "message": _("Unknown figure: %(f)s") % {"f": figure}}],
            },
            status=422,
        )
    _audit(request, "insights.csv.download", f, figure)
    return figure_csv(table)


@require_GET
def public(request: HttpRequest) -> HttpResponse:
    return render(request, "insights/public.html", public_figures())
