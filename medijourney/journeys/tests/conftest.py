from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _no_rate_limits(settings: Any) -> None:
    """Journey tests make many cases from one address; the verification limit has its own test."""
    settings.RATE_LIMITS_ENABLED = False
