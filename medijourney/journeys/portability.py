"""What journeys holds about a patient, for their export (privacy.portability). Erasure needs no
step of its own: journeys hang on the case (``on_delete=CASCADE``), which the cases source deletes,
and with them the steps, passports (sealed numbers), letters, checklist rows and links."""

from typing import Any

from medijourney.accounts.models import User
from medijourney.privacy.portability import DataSource, register_data_source

from .models import Journey


def journeys_export(patient: User) -> dict[str, Any]:
    out = []
    journeys = (
        Journey.objects.filter(case__patient=patient)
        .select_related("case", "hospital", "procedure")
        .prefetch_related("steps", "passports", "letters", "checklist")
    )
    for j in journeys:
        out.append(
            {
                "case": j.case.reference,
                "hospital": j.hospital.name,
                "procedure": j.procedure.name,
                "destination_time_zone": j.destination_tz,
                "home_time_zone": j.home_tz,
                "fit_to_fly_rule": j.fit_rule,
                "fit_to_fly_override_reason": j.fit_override_reason,
                "steps": [
                    {
                        "kind": s.kind,
                        "day": s.day.isoformat(),
                        "time": s.time.isoformat() if s.time else None,
                        "time_zone": s.tz,
                        "happened_at": s.happened_at.isoformat() if s.happened_at else None,
                    }
                    for s in j.steps.all()
                ],
                "passports": [
                    {
                        "person": p.person,
                        "name": p.full_name,
                        "number": p.masked,
                        "expires_on": p.expires_on.isoformat(),
                    }
                    for p in j.passports.all()
                ],
                "letters": [
                    {
                        "code": letter.code,
                        "issued_at": letter.issued_at.isoformat(),
                        "revoked_at": letter.revoked_at.isoformat() if letter.revoked_at else None,
                        "lookups": letter.lookups,
                    }
                    for letter in j.letters.all()
                ],
                "checklist": [{"item": c.kind, "status": c.status} for c in j.checklist.all()],
            }
        )
    return {"journeys": out}


register_data_source(DataSource(name="journeys", export=journeys_export))
