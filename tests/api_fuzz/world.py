"""The rows the API fuzz run works against: a catalogue procedure, a network hospital with a
partner account, a case shared with it under consent, a patient home from a knee replacement
(aftercare: two answered check-ins, one of them with a red flag and its escalation, one check-in
waiting for an answer, a verified review), and a bearer token per identity. ``real_ids`` puts
these rows' ids into every other generated request's path, so the endpoints that take an id
answer real 200s, not only 404s for random ones."""

import datetime
from dataclasses import dataclass, field
from typing import Any

import time_machine

from medijourney.accounts.roles import Role
from medijourney.accounts.services import api_token_issue
from medijourney.accounts.tests.factories import UserFactory
from medijourney.aftercare.models import Escalation
from medijourney.aftercare.services import ReviewInput, check_in_submit, follow_ups_sweep, review_submit, send_at
from medijourney.aftercare.tests.factories import GOOD, at, check_in, returned_home
from medijourney.cases.tests.factories import case_manager
from medijourney.quotes.tests.factories import knee, partner_hospital, shared_request

CASES_RUN: dict[str, int] = {}


@dataclass
class World:
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)  # path parameter name -> a real row's id
    turns: int = 0

    def real_ids(self, path_parameters: dict[str, Any] | None) -> dict[str, Any] | None:
        """Every other call: the generated path parameters with the real rows' ids put in."""
        self.turns += 1
        if not path_parameters or self.turns % 2:
            return path_parameters
        return {k: self.ids.get(k, v) for k, v in path_parameters.items()}


def _aftercare() -> tuple[Any, dict[str, str]]:
    """A patient home from a knee replacement, made through the services; (patient, ids)."""
    follow_up, _manager, _partner = returned_home()
    case = follow_up.case
    assert case is not None
    patient = case.patient
    day7, day14 = check_in(follow_up, 7), check_in(follow_up, 14)
    with time_machine.travel(send_at(day7) + datetime.timedelta(hours=1), tick=False):
        follow_ups_sweep()  # days 2 and 7 sent
        check_in_submit(check_in=check_in(follow_up, 2), actor=patient, data=GOOD)
        check_in_submit(check_in=day7, actor=patient, data={**GOOD, "temperature": 38.9})  # a red flag
    with time_machine.travel(at(follow_up.discharged_on + datetime.timedelta(days=14)), tick=False):
        follow_ups_sweep()  # day 14 sent: waiting for an answer
        review_submit(
            case=case,
            actor=patient,
            hospital=follow_up.hospital,
            data=ReviewInput(4, 4, 5, 3, True, "Demo fuzz review: good physiotherapy, slow paperwork."),
        )
    escalation = Escalation.objects.get(check_in=day7)
    return patient, {
        "hospital_id": str(follow_up.hospital.public_id),
        "check_in_id": str(day14.public_id),
        "escalation_id": str(escalation.public_id),
    }


def needs_aftercare(operation: str) -> bool:
    """The operations that can read the aftercare rows (they take seconds to make: only for these)."""
    return "/aftercare/" in operation or "{hospital_id}" in operation


def build_world(*, aftercare: bool = True) -> World:
    knee()
    hospital, partner = partner_hospital()
    shared_request(hospital=hospital, manager=case_manager())
    lead = UserFactory(role=Role.QUALITY_LEAD)
    patient, ids = _aftercare() if aftercare else (UserFactory(role=Role.PATIENT), {})
    return World(
        tokens={
            "partner": api_token_issue(user=partner, name="fuzz").raw,
            "lead": api_token_issue(user=lead, name="fuzz").raw,
            "patient": api_token_issue(user=patient, name="fuzz").raw,
        },
        ids=ids,
    )
