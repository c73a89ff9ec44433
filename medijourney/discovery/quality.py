"""Quality signals later apps offer for search results (aftercare: outcome figures, only when
n >= 10). Discovery imports none of them; a results page asks ``quality_signals`` once for the
hospitals it shows (each signal answers all of them at once, in a fixed number of queries) and
puts the notes on ``ResultRow.quality``. Nothing here changes the ranking: a signal is shown, and
the results page says that it does not count."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class QualityNote:
    """What a result row shows for one signal: a title, the figures (each with its n; ``text`` is
    them in one line), where they come from, and whether they are demo data."""

    title: str
    parts: tuple[str, ...]
    source: str
    is_demo: bool = False

    @property
    def text(self) -> str:
        return " · ".join(self.parts)


Signal = Callable[[Sequence[int]], dict[int, QualityNote]]
_SIGNALS: dict[str, Signal] = {}


def register_quality_signal(name: str, signal: Signal) -> None:
    """``signal(hospital_ids)`` returns {hospital id: note}, leaving out hospitals with none."""
    _SIGNALS[name] = signal


def quality_signals(hospital_ids: Sequence[int]) -> dict[str, dict[int, QualityNote]]:
    """{signal name: {hospital id: note}} for these hospitals (one call per signal)."""
    ids = list(hospital_ids)
    return {name: signal(ids) for name, signal in sorted(_SIGNALS.items())} if ids else {}


def quality_notes(hospital_ids: Sequence[int]) -> dict[int, list[QualityNote]]:
    """{hospital id: its notes, in signal-name order} for the hospitals that have any."""
    out: dict[int, list[QualityNote]] = {}
    for by_hospital in quality_signals(sorted(set(hospital_ids))).values():
        for hospital_id, note in by_hospital.items():
            out.setdefault(hospital_id, []).append(note)
    return out
