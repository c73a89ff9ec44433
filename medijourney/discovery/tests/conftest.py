"""Discovery tests: every test starts with empty per-process caches (the reference snapshot and
the result memo), because rolled-back test data can reuse ids."""

from collections.abc import Iterator
from typing import Any

import pytest

from medijourney.discovery import reference
from medijourney.discovery.selectors import clear_caches


@pytest.fixture(autouse=True)
def _no_bench_rows(settings: Any) -> None:
    """The bench-only setting may be on in the shell that runs the tests: not here."""
    settings.DISCOVERY_INCLUDE_SYNTHETIC = False
    settings.DISCOVERY_REFERENCE_CHECK_SECONDS = 0  # read the fingerprint on every search


@pytest.fixture(autouse=True)
def _fresh_discovery_caches() -> Iterator[None]:
    reference.clear()
    clear_caches()
    yield
    reference.clear()
    clear_caches()
