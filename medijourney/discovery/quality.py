"""Quality signals later apps offer for search results (aftercare: outcome figures, only when
n >= 10). Discovery imports none of them; a results page may ask ``quality_signals`` once for the
hospitals it shows. Nothing here changes the ranking: a signal is shown, and the ranking text must
say whether it counts."""

from collections.abc import Callable, Sequence
from typing import Any

_SIGNALS: dict[str, Callable[[Sequence[int]], dict[int, Any]]] = {}


def register_quality_signal(name: str, signal: Callable[[Sequence[int]], dict[int, Any]]) -> None:
    """``signal(hospital_ids)`` returns {hospital id: what to show}, leaving out hospitals with none."""
    _SIGNALS[name] = signal


def quality_signals(hospital_ids: Sequence[int]) -> dict[str, dict[int, Any]]:
    """{signal name: {hospital id: value}} for these hospitals (one call per signal)."""
    ids = list(hospital_ids)
    return {name: signal(ids) for name, signal in sorted(_SIGNALS.items())} if ids else {}
