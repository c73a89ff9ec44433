"""The trip estimate beside each quote on the patient's comparison, from discovery.

Discovery estimates a trip for an *offer* (hospital × procedure) and a patient: flights from the
patient's country, lodging, visa for their passport, a companion, each line with its source and
date. For a quote we take the travel lines of the estimate for the quoting hospital's offer of
the quoted procedure — the treatment price is the quote's own, so discovery's procedure and
hospital-night lines are left out. Lodging follows the catalogue's typical stay, not the plan's
days, and the page says so. The lines are in the page's one comparison currency (the caller
chooses one the ECB has a rate for) and the visa rule is discovery's own visa line, word for word
what search says. Without such an offer (or when discovery cannot resolve the search) the
comparison says travel was not estimated and never shows a made-up figure."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from medijourney.discovery.params import RawSearch, SearchParamErrors, resolve_search
from medijourney.discovery.selectors import compare
from medijourney.network.models import Offer

logger = logging.getLogger(__name__)

TRAVEL_LINES = ("flights", "lodging", "visa", "companion")


@dataclass(frozen=True)
class QuoteTrip:
    lines: list[Any]  # discovery TripLine objects, travel lines only
    offer_id: Any
    currency: str  # of the converted amounts: the comparison currency

    @property
    def visa(self) -> Any:
        """Discovery's visa line (the same rule and words as search), or None."""
        return next((line for line in self.lines if line.key == "visa"), None)

    @property
    def known_total(self) -> Any:
        counted = [line.converted for line in self.lines if line.counted]
        return sum(counted) if counted else None

    @property
    def left_out(self) -> list[str]:
        return [line.label for line in self.lines if line.left_out]


def trip_estimate_available() -> bool:
    return True


def _raw(case: Any, slug: str, currency: str) -> RawSearch:
    return RawSearch(
        procedure=slug,
        origin=str(case.country_of_residence or ""),
        passport=str(case.passport_country or ""),
        currency=currency,
        companion=bool(case.companion),
    )


def trip_estimates_for(case: Any, currency: str, quotes: Iterable[Any]) -> dict[int, QuoteTrip]:
    """Travel lines per quote id (quotes with no matching offer are absent)."""
    by_slug: dict[str, dict[int, Any]] = {}
    for quote in quotes:
        offer_id = (
            Offer.objects.filter(hospital_id=quote.request.hospital_id, procedure_id=quote.procedure_id)
            .values_list("public_id", flat=True)
            .first()
        )
        if offer_id is not None:
            by_slug.setdefault(quote.procedure.slug, {})[quote.pk] = offer_id
    out: dict[int, QuoteTrip] = {}
    for slug, offers in by_slug.items():
        try:
            query = resolve_search(_raw(case, slug, currency))
            result = compare(query, list(dict.fromkeys(offers.values())))
        except (SearchParamErrors, LookupError):
            continue
        except Exception:  # discovery's estimate must never break the comparison page
            logger.exception("trip estimate failed for the quote comparison")
            continue
        estimates = {str(row.cand.offer_id): row.estimate for row in result.rows}
        for quote_pk, offer_id in offers.items():
            estimate = estimates.get(str(offer_id))
            if estimate is not None:
                lines = [line for line in estimate.lines if line.key in TRAVEL_LINES]
                out[quote_pk] = QuoteTrip(lines=lines, offer_id=offer_id, currency=currency)
    return out
