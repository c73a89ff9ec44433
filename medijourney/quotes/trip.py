"""The trip estimate beside each quote on the patient's comparison.

Discovery owns the trip estimate (flights, lodging, visa, companion). Until its public function
is committed, the comparison shows the days in the country and the quote total only, with the
line "trip costs: see search" (``trip_estimate_available()`` is False and no figure is made up
here)."""

from typing import Any


def trip_estimate_available() -> bool:
    return False


def trip_estimate_for(quote: Any, case: Any, currency: str) -> Any:
    """The discovery trip estimate for a quote, or None while discovery does not offer one."""
    return None
