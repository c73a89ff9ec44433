from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from medijourney.core.api import ErrorOut

from .schemas import TriageIn, TriageOut
from .triage import triage

router = Router(tags=["discovery"])


# --- triage -----------------------------------------------------------------------------------
@router.get(
    "/triage",
    response={200: TriageOut, 422: ErrorOut},
    auth=None,
    summary="Route a free-text description to specialties and candidate procedures",
    description=(
        "Open to everyone, signed in or not. Routes the text to at least three specialties of the "
        "taxonomy (best first, with the matched words as evidence) and to candidate procedures. "
        "This is routing, not a diagnosis; the answer's `notice` says so. Nothing is stored."
    ),
)
def triage_endpoint(request: HttpRequest, params: Query[TriageIn]) -> dict[str, Any]:
    return asdict(triage(params.text, lang=params.lang))
