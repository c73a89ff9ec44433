from typing import Any

import pytest

from medijourney.cases import services
from medijourney.discovery.triage import ProcedureMatch, SpecialtyMatch, TriageResult

FAKE_NOTICE = "Routing only, not a diagnosis."


@pytest.fixture(autouse=True)
def _no_rate_limits(settings: Any) -> None:
    """Cases tests send many inquiries from one address; rate limits have their own test."""
    settings.RATE_LIMITS_ENABLED = False


@pytest.fixture
def fake_triage(monkeypatch: Any) -> TriageResult:
    """A fixed triage answer, so tests of what intake stores do not depend on the lexicon."""
    result = TriageResult(
        specialties=[
            SpecialtyMatch(id="orthopedics", name="Orthopaedics", score=0.86, evidence=["knee", "knee replacement"]),
            SpecialtyMatch(id="rheumatology", name="Rheumatology", score=0.2, evidence=["joint"]),
            SpecialtyMatch(id="sports-medicine", name="Sports medicine", score=0.1, evidence=[]),
        ],
        procedures=[ProcedureMatch(slug="knee-replacement", name="Total knee replacement", score=0.9)],
        notice=FAKE_NOTICE,
        confident=True,
    )
    monkeypatch.setattr(services.intake, "triage_text", lambda text, lang="en": result)
    return result
