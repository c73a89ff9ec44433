"""Sections later apps add under the scorecards table (aftercare: outcome figures per hospital and
procedure group). Quotes imports none of them: each registers a template and a function giving its
context for the hospitals on the page."""

from collections.abc import Callable, Sequence
from typing import Any

from medijourney.network.models import Hospital

_SECTIONS: list[tuple[str, Callable[[Sequence[Hospital]], dict[str, Any]]]] = []


def register_scorecard_section(template: str, context: Callable[[Sequence[Hospital]], dict[str, Any]]) -> None:
    if all(existing[0] != template for existing in _SECTIONS):
        _SECTIONS.append((template, context))


def scorecard_sections(hospitals: Sequence[Hospital]) -> list[tuple[str, dict[str, Any]]]:
    return [(template, context(hospitals)) for template, context in _SECTIONS]
