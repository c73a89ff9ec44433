from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _no_rate_limits(settings: Any) -> None:
    """Interop tests make many cases from one address."""
    settings.RATE_LIMITS_ENABLED = False
