"""A journey made the real way: a case, consent, a request, the hospital's quote, the patient's
acceptance (which builds the draft through quotes.register_on_accept)."""

import datetime
from typing import Any

from medijourney.accounts.models import User
from medijourney.cases.tests.factories import case_manager, make_case
from medijourney.catalog.models import Procedure
from medijourney.catalog.tests.factories import AirportFactory, FitToFlyFactory, ProcedureFactory
from medijourney.journeys.models import Journey, Person, StepKind
from medijourney.journeys.services import LetterInput, letter_issue, passport_save
from medijourney.network.models import Hospital
from medijourney.quotes.services import quote_accept
from medijourney.quotes.tests.factories import answered, partner_hospital, shared_request


def abdominal() -> Procedure:
    guidance = FitToFlyFactory(
        condition="Open / major abdominal surgery",
        min_days_before_flying=10,
        authority="UK Civil Aviation Authority (CAA)",
        source_url="https://caa.co.uk/passengers/before-you-fly/am-i-fit-to-fly/guidance-for-health-professionals/surgical-conditions",
        data_date=datetime.date(2026, 11, 24),
    )
    return ProcedureFactory(
        slug="hernia-repair-open", name="Open hernia repair", fit_to_fly=guidance, min_days_before_flying=10
    )


def accepted_journey(
    *,
    tz: str = "Asia/Kolkata",
    procedure: Procedure | None = None,
    days_before_flying: int = 10,
    case_kwargs: dict[str, Any] | None = None,
    hospital_kwargs: dict[str, Any] | None = None,
    patient: User | None = None,
    manager: User | None = None,
) -> tuple[Journey, User, User]:
    """(journey, case manager, partner). The hospital's nearest airport has time zone ``tz``."""
    airport = AirportFactory(time_zone=tz)
    hospital, partner = partner_hospital(nearest_airport=airport, **(hospital_kwargs or {}))
    manager = manager or case_manager()
    case = make_case(assigned_to=manager, patient=patient, **(case_kwargs or {}))
    request = shared_request(hospital=hospital, case=case)
    overrides: dict[str, Any] = {"days_before_flying": days_before_flying}
    if procedure is not None:
        overrides["procedure"] = procedure
    quote = answered(request, **overrides)
    quote_accept(quote=quote, actor=case.patient)
    return Journey.objects.get(case=case), manager, partner


def step(journey: Journey, kind: str) -> Any:
    return journey.steps.get(kind=kind)


def with_passport(journey: Journey, *, number: str = "A1234567", name: str = "Amina Okafor") -> None:
    end = step(journey, StepKind.RETURN_FLIGHT).day
    passport_save(
        journey=journey,
        person=Person.PATIENT,
        full_name=name,
        number=number,
        country="NG",
        expires_on=end + datetime.timedelta(days=400),
        actor=journey.case.patient,
    )


def issued(journey: Journey, partner: User, hospital: Hospital | None = None) -> Any:
    return letter_issue(
        journey=journey,
        actor=partner,
        data=LetterInput("Dr R. Rao", "Medical Director"),
        hospital_id=(hospital or journey.hospital).pk,
    )
