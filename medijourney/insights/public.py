"""The public figures (/about/figures/): where our patients go, how many inquiries were answered
within 24 hours, and the network's hospitals by accreditation body. A figure is shown only when it
counts at least 20; rows counting fewer than 5 are suppressed; each says its n and period and that
it comes from MediJourney's own cases (labelled demo on a demo installation)."""

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from medijourney.network.models import Hospital
from medijourney.network.selectors import qualifying_accreditations

from .figures import suppressed_rows
from .filters import Filters, default_filters
from .selectors import destinations, response

PUBLIC_MIN_N = 20


def hospitals_by_body(today: datetime.date) -> list[dict[str, Any]]:
    """Hospitals in the network (active, verified current accreditation) per accreditation body."""
    return [
        dict(row)
        for row in qualifying_accreditations(today)
        .filter(hospital__status=Hospital.Status.ACTIVE)
        .values("body__name", "body__short_name")
        .annotate(n=Count("hospital", distinct=True))
        .order_by("-n", "body__name")
    ]


def public_figures(today: datetime.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    f: Filters = default_filters(today)
    dest = destinations(f)
    dest_rows, dest_hidden = suppressed_rows(dest)
    answered = response(f)
    bodies = hospitals_by_body(today)
    bodies_n = sum(b["n"] for b in bodies)
    return {
        "period_start": f.start,
        "period_end": f.end,
        "min_n": PUBLIC_MIN_N,
        "demo": settings.DEMO_MODE,
        "destinations": dest if dest.n >= PUBLIC_MIN_N else None,
        "destination_rows": dest_rows,
        "destination_hidden": dest_hidden,
        "destinations_n": dest.n,
        "response_n": answered.n,
        "response_share": answered.extra["share_within_24h"] if answered.n >= PUBLIC_MIN_N else None,
        "bodies": [b if b["n"] >= 5 else {**b, "n": "<5"} for b in bodies] if bodies_n >= PUBLIC_MIN_N else None,
        "bodies_n": bodies_n,
        "bodies_hidden": sum(1 for b in bodies if b["n"] < 5),
    }
