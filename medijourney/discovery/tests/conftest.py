"""Discovery tests (the per-process caches are emptied for every test by the root conftest)."""

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _no_bench_rows(settings: Any) -> None:
    """The bench-only setting may be on in the shell that runs the tests: not here."""
    settings.DISCOVERY_INCLUDE_SYNTHETIC = False
    settings.DISCOVERY_REFERENCE_CHECK_SECONDS = 0  # read the fingerprint on every search
