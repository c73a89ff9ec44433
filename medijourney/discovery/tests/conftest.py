"""Discovery tests: every test starts with empty per-process caches (the reference snapshot and
the result memo), because rolled-back test data can reuse ids."""

from collections.abc import Iterator

import pytest

from medijourney.discovery import reference
from medijourney.discovery.selectors import clear_caches


@pytest.fixture(autouse=True)
def _fresh_discovery_caches() -> Iterator[None]:
    reference.clear()
    clear_caches()
    yield
    reference.clear()
    clear_caches()
