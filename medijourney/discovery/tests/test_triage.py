"""Behaviour of the triage function (contracts.md §2)."""

from medijourney.discovery.triage import NOTICE, SpecialtyMatch, TriageResult, triage


def test_result_shape_and_at_least_three_specialties():
    result = triage("my knee is worn out")
    assert isinstance(result, TriageResult)
    assert len(result.specialties) >= 3
    assert all(isinstance(s, SpecialtyMatch) for s in result.specialties)
    assert result.specialties[0].id == "orthopedics"
    assert result.notice == NOTICE
    assert "not a diagnosis" in result.notice


def test_text_without_a_condition_is_not_confident():
    result = triage("hello, I would like some information please")
    assert result.confident is False
    assert len(result.specialties) >= 3
    assert all(s.score < 0.3 for s in result.specialties)
