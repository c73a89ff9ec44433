"""The interop demo: the aftercare demo patient (Grace Demo, home from a knee replacement at the
fictional demo partner hospital) gets an invented discharge summary from that hospital and an active
link for her home doctor, printed by ``setup_demo``. The link's key is never stored, so each run makes
a new link (and revokes the older demo links)."""

import datetime

from django.conf import settings
from django.db import transaction

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.accounts.services import demo_email
from medijourney.journeys.models import Journey, StepKind

from .models import DischargeSummary, DoctorLink
from .selectors import ips_source
from .services import DischargeInput, discharge_summary_save, doctor_link_create, doctor_link_revoke

DEMO_PASSCODE = "demo-2468"


def _summary(journey: Journey, partner: User) -> DischargeSummary:
    existing = DischargeSummary.objects.filter(journey=journey).order_by("-version").first()
    if existing is not None:
        return existing
    steps = {s.kind: s for s in journey.steps.all()}
    day = steps[StepKind.PROCEDURE].day
    back = steps[StepKind.RETURN_FLIGHT].day
    data = DischargeInput(
        procedures=[{"text": "Total knee replacement, right (demo, invented)", "system": "", "code": "", "date": ""}],
        procedure_date=day,
        surgeon=journey.quote.doctor.full_name,
        diagnoses=[{"text": "Primary osteoarthritis of the right knee (demo)", "system": "icd10", "code": "M17.1"}],
        medications=[
            {"name": "Paracetamol 500 mg tablets", "dose": "1 g", "frequency": "every 6 hours", "until": ""},
            {
                "name": "Enoxaparin (demo)",
                "dose": "40 mg",
                "frequency": "once a day",
                "until": (day + datetime.timedelta(days=14)).isoformat(),
            },
        ],
        devices=[
            {
                "type": "Knee joint prosthesis (demo)",
                "manufacturer": "Demo Orthopaedics",
                "model": "DK-200",
                "lot": "DEMO-L1",
                "serial": "DEMO-SN-0001",
            }
        ],
        allergies=[{"substance": "Penicillin (demo)", "reaction": "rash"}],
        instructions="Demo text: keep the wound dry for 10 days; walk with the frame; no kneeling for 6 weeks.",
        follow_up="Demo text: wound check by your home doctor at 2 weeks; physiotherapy twice a week.",
        fit_to_fly_date=min(back, day + datetime.timedelta(days=int(journey.fit_days))),
    )
    return discharge_summary_save(journey=journey, data=data, actor=partner)


def interop_demo_setup() -> list[str]:
    journey = (
        Journey.objects.filter(hospital__is_demo=True, case__follow_up__is_demo=True)
        .select_related("case__patient", "quote__doctor", "hospital")
        .first()
    )
    partner = User.objects.filter(email__iexact=demo_email(Role.PARTNER)).first()
    if journey is None or partner is None:
        return ["Interop demo skipped: the aftercare demo journey or the demo partner is missing."]
    if not journey.hospital.name.startswith("Demo"):
        return ["Interop demo skipped: the journey's hospital is not a fictional demo hospital."]
    case = journey.case
    with transaction.atomic():
        summary = _summary(journey, partner)
        for old in DoctorLink.objects.filter(case=case, is_demo=True, revoked_at__isnull=True):
            doctor_link_revoke(link=old, actor=case.patient)
        made = doctor_link_create(
            case=case,
            source=ips_source(case),
            label="Demo home doctor",
            days=30,
            passcode=DEMO_PASSCODE,
            actor=case.patient,
            with_pdf=True,
        )
        DoctorLink.objects.filter(pk=made.link.pk).update(is_demo=True)
    base = settings.SITE_URL.rstrip("/")  # the port make run serves on (PORT=8123 make run)
    return [
        f"Demo discharge summary (version {summary.version}) for {case.reference} (Grace Demo) from {journey.hospital.name}; "
        f"home doctor's link (passcode {DEMO_PASSCODE}, valid 30 days): {base}{made.path_and_fragment}"
    ]
