"""A case driven through the real services (quotes sent, answered, accepted; the trip; home;
follow-up closed) is counted at every funnel step: the services keep the milestone columns the
funnel reads, so no step depends on how a fixture wrote its rows."""

import pytest
from django.utils import timezone

from medijourney.cases.models import Stage
from medijourney.cases.services import case_transition
from medijourney.cases.tests.factories import case_manager, make_case
from medijourney.insights.filters import default_filters
from medijourney.insights.selectors import funnel
from medijourney.quotes.models import Scope
from medijourney.quotes.services import quote_accept, quote_requests_send
from medijourney.quotes.tests.factories import SUMMARY, answered, consent, manager_of, partner_hospital

pytestmark = pytest.mark.django_db


def _steps() -> dict[str, int]:
    return {str(row[3]): int(row[1] or 0) for row in funnel(default_filters()).rows}


def test_every_step_counts_a_case_moved_by_the_services() -> None:
    case = make_case(assigned_to=case_manager())
    case.first_responded_at = timezone.now()
    case.save(update_fields=["first_responded_at"])
    case_transition(case=case, to=Stage.IN_REVIEW, actor=manager_of(case))
    a, b = (partner_hospital()[0] for _ in range(2))
    for hospital in (a, b):
        consent(case, hospital, Scope.DEIDENTIFIED_SUMMARY)
    ra, _rb = quote_requests_send(case=case, hospitals=[a, b], summary=SUMMARY, actor=manager_of(case))
    assert _steps() == dict.fromkeys(("inquiries", "answered", "requested"), 1) | dict.fromkeys(
        ("received", "accepted", "travelled", "home", "followed_up"), 0
    )
    quote = answered(ra)
    assert _steps()["received"] == 1 and _steps()["accepted"] == 0
    quote_accept(quote=quote, actor=case.patient)
    assert _steps()["accepted"] == 1 and _steps()["travelled"] == 0
    case.refresh_from_db()
    for stage in (Stage.TRAVEL_PLANNING, Stage.IN_TREATMENT, Stage.RECOVERING, Stage.RETURNED_HOME, Stage.FOLLOW_UP):
        case = case_transition(case=case, to=stage, actor=manager_of(case))
    assert _steps()["home"] == 1 and _steps()["followed_up"] == 0
    case_transition(case=case, to=Stage.CLOSED, actor=manager_of(case))
    assert set(_steps().values()) == {1}
