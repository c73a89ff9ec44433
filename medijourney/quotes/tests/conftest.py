from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _no_rate_limits(settings: Any) -> None:
    """Quotes tests make many cases from one address; rate limits have their own tests."""
    settings.RATE_LIMITS_ENABLED = False
