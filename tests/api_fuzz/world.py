"""The rows the API fuzz run works against: a catalogue procedure, a network hospital with a
partner account, a case shared with it under consent, and a bearer token per identity."""

from dataclasses import dataclass, field

from medijourney.accounts.roles import Role
from medijourney.accounts.services import api_token_issue
from medijourney.accounts.tests.factories import UserFactory
from medijourney.cases.tests.factories import case_manager
from medijourney.quotes.tests.factories import knee, partner_hospital, shared_request

CASES_RUN: dict[str, int] = {}


@dataclass
class World:
    tokens: dict[str, str] = field(default_factory=dict)


def build_world() -> World:
    knee()
    hospital, partner = partner_hospital()
    shared_request(hospital=hospital, manager=case_manager())
    lead = UserFactory(role=Role.QUALITY_LEAD)
    return World(
        tokens={
            "partner": api_token_issue(user=partner, name="fuzz").raw,
            "lead": api_token_issue(user=lead, name="fuzz").raw,
        }
    )
