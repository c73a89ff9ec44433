"""Discharge summaries made through the service, on a journey made the real way (journeys' factory)."""

import datetime
from typing import Any

from django.utils import timezone

from medijourney.accounts.models import User
from medijourney.interop.models import DischargeSummary
from medijourney.interop.services import DischargeInput, discharge_summary_save
from medijourney.journeys.models import Journey


def discharge_input(**overrides: Any) -> DischargeInput:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "procedures": [{"text": "Total knee replacement, left", "system": "snomed", "code": "609588000", "date": ""}],
        "procedure_date": today - datetime.timedelta(days=3),
        "surgeon": "Dr Meera Demo",
        "complications": "",
        "diagnoses": [{"text": "Primary osteoarthritis of the left knee", "system": "icd10", "code": "M17.1"}],
        "medications": [
            {"name": "Paracetamol 500 mg tablets", "dose": "1 g", "frequency": "every 6 hours", "until": ""},
            {"name": "Enoxaparin", "dose": "40 mg", "frequency": "once a day", "until": today.isoformat()},
        ],
        "devices": [
            {
                "type": "Knee joint prosthesis",
                "manufacturer": "Demo Orthopaedics",
                "model": "DK-200",
                "lot": "L2026-11",
                "serial": "SN-000123",
            }
        ],
        "allergies": [{"substance": "Penicillin", "reaction": "rash"}],
        "instructions": "Keep the wound dry for 10 days. Walk with the frame.",
        "follow_up": "Physiotherapy twice a week; wound check at 2 weeks with your home doctor.",
        "fit_to_fly_date": today + datetime.timedelta(days=7),
    }
    data.update(overrides)
    return DischargeInput(**data)


def with_summary(journey: Journey, partner: User, **overrides: Any) -> DischargeSummary:
    return discharge_summary_save(journey=journey, data=discharge_input(**overrides), actor=partner)
