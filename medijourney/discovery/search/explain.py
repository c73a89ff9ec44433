"""The sentences of search (all translatable): the travel-window fit of a result, the labels of the
filters and what they excluded, and why a search has no results. The score's own explanation,
term by term, is ``ranking.explain``."""

import datetime
from collections.abc import Sequence

from medijourney.core.dates import day_text
from medijourney.core.i18n import gettext as _

from ..estimate import Candidate, TripEstimate
from ..params import SearchQuery
from .page import Exclusion, WindowFit

FILTER_LABELS = {
    "destination": "destination country",
    "accreditation": "accreditation body",
    "visa": "visa (your passport is not admitted)",
    "max_flight_hours": "maximum flight hours",
    "budget": "budget",
}


def window_fit(query: SearchQuery, cand: Candidate, est: TripEstimate) -> WindowFit:
    stay = est.stay
    start = stay.start
    back = start + datetime.timedelta(days=stay.days_away - 1) if stay.days_away else None
    wait = (
        _("waiting time %(n)d days") % {"n": cand.wait_days}
        if cand.wait_days is not None
        else _("the hospital states no waiting time")
    )
    text = _("Earliest start %(start)s (%(wait)s)") % {"start": day_text(start), "wait": wait}
    if back is not None:
        text += _("; home about %(back)s (%(days)d days away)") % {"back": day_text(back), "days": stay.days_away}
    fits: bool | None = None
    if query.travel_to is not None:
        if back is None or cand.wait_days is None:
            text += _("; whether it fits your travel window is unknown.")
        else:
            fits = back <= query.travel_to
            text += (
                _("; fits your travel window (until %(end)s).")
                if fits
                else _("; does not fit your travel window (until %(end)s).")
            ) % {"end": day_text(query.travel_to)}
    else:
        text += "."
    return WindowFit(cand.wait_days, start, back, fits, text)


def exclusions(counts: dict[str, int], unknown_hours: int) -> list[Exclusion]:
    """What each active filter excluded, in the order the filters were listed."""
    return [
        Exclusion(
            name,
            FILTER_LABELS[name],
            n,
            _("%(n)d of them with an unknown flight time") % {"n": unknown_hours}
            if name == "max_flight_hours" and unknown_hours
            else "",
        )
        for name, n in counts.items()
    ]


def empty_message(
    query: SearchQuery, candidates: int, kept: int, excluded: Sequence[Exclusion], without: int | None
) -> str:
    """Why a search shows nothing (empty when it shows something)."""
    if kept:
        return ""
    assert query.procedure is not None
    lacking = (
        _(" %(n)d accredited hospitals in the network have not published a price for it, so they are not listed.")
        % {"n": without}
        if without
        else ""
    )
    if candidates == 0:
        return (
            _("No accredited hospital in the network has a price for %(name)s yet.") % {"name": query.procedure.name}
            + lacking
        )
    parts = ", ".join(f"{e.label} excluded {e.excluded}" for e in excluded if e.excluded)
    return (
        _("None of the %(n)d offers for %(name)s passes your filters: %(parts)s.")
        % {"n": candidates, "name": query.procedure.name, "parts": parts}
        + lacking
    )
