"""Each figure as JSON (/api/v1/insights/{figure}): leads and the operator, by session or bearer
token; the same filters as the dashboard, refused by field (422). Rows counting fewer than 5
cases are suppressed as in the CSVs. Every call is audited."""

import datetime
from typing import Any, Literal, get_args

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from medijourney.accounts.api_auth import any_auth
from medijourney.accounts.permissions import has_perm
from medijourney.core.api import ErrorOut
from medijourney.privacy.access import deny
from medijourney.privacy.services import audit_record

from .figures import Figure, suppressed_rows
from .filters import parse_filters
from .schemas import InsightFigureOut, InsightListOut
from .selectors import FIGURES
from .views import PERMISSION

router = Router(tags=["insights"])

FigureName = Literal["destinations", "funnel", "response", "turnaround", "savings", "workload", "outcomes"]
assert set(get_args(FigureName)) == set(FIGURES), "the API names every figure"


class FiltersIn(Schema):
    start: datetime.date | None = None
    end: datetime.date | None = None
    destination: str = ""
    specialty: str = ""
    hospital: str = ""
    team: str = ""
    origin: str = ""


def _table(figure: Figure) -> dict[str, Any]:
    rows, hidden = suppressed_rows(figure)
    return {
        "key": figure.key,
        "title": figure.title,
        "columns": figure.columns,
        "rows": rows,
        "n": figure.n,
        "notes": figure.notes,
        "suppressed_rows": hidden,
    }


def _require_lead(request: HttpRequest) -> None:
    if not has_perm(request.user, PERMISSION):
        deny(request.user, PERMISSION, reason="role")
        raise HttpError(403, "You do not have permission to do this.")


@router.get("/insights", response={200: InsightListOut, 403: ErrorOut}, auth=any_auth, summary="The figures there are")
def figure_list(request: HttpRequest) -> Any:
    _require_lead(request)
    return {"figures": list(FIGURES)}


@router.get(
    "/insights/{figure}",
    response={200: InsightFigureOut, 403: ErrorOut, 422: ErrorOut},
    auth=any_auth,
    summary="One figure of the network, filtered",
)
def figure_get(request: HttpRequest, figure: FigureName, filters: Query[FiltersIn]) -> Any:
    _require_lead(request)
    params = {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in filters.dict().items() if v}
    form, f = parse_filters(params)
    if f is None:
        raise ValidationError({name: [str(m) for m in msgs] for name, msgs in form.errors.items()})
    computed = FIGURES[figure](f)
    audit_record(actor=request.user, action="insights.api.read", detail={"figure": figure, "filters": f.as_params()})
    return {**_table(computed), "extra": computed.extra, "tables": [_table(t) for t in computed.tables]}
