"""Sections later apps add to a hospital's page (aftercare: outcome figures and the link to its
verified reviews). Network imports none of them: each registers a template and a function giving
its context for one hospital."""

from collections.abc import Callable
from typing import Any

from .models import Hospital

_SECTIONS: list[tuple[str, Callable[[Hospital], dict[str, Any]]]] = []


def register_profile_section(template: str, context: Callable[[Hospital], dict[str, Any]]) -> None:
    if all(existing[0] != template for existing in _SECTIONS):
        _SECTIONS.append((template, context))


def profile_sections(hospital: Hospital) -> list[tuple[str, dict[str, Any]]]:
    return [(template, context(hospital)) for template, context in _SECTIONS]
