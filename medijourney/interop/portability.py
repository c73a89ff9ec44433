"""What interop holds about a patient, for their export (privacy.portability): every version of
each discharge summary, and the International Patient Summary of each case as a FHIR JSON file in
the ZIP. Erasure needs no step of its own: summaries hang on the journey, which hangs on the case
(``on_delete=CASCADE``), and the cases source deletes the cases."""

from typing import Any

from medijourney.accounts.models import User
from medijourney.cases.models import Case
from medijourney.privacy.portability import DataSource, FileEntry, register_data_source

from .ips import ips_json
from .models import DischargeSummary
from .selectors import ips_source

FIELDS = (
    "version",
    "procedures",
    "procedure_date",
    "surgeon",
    "diagnoses",
    "devices",
    "complications",
    "medications",
    "allergies",
    "instructions",
    "follow_up",
    "fit_to_fly_date",
    "correction_reason",
    "created_at",
)


def interop_export(patient: User) -> dict[str, Any]:
    rows = DischargeSummary.objects.filter(journey__case__patient=patient).select_related("journey__case")
    return {
        "discharge_summaries": [
            {"case": s.journey.case.reference, **{f: getattr(s, f) for f in FIELDS}}
            for s in rows.order_by("journey", "version")
        ]
    }


def interop_files(patient: User) -> list[FileEntry]:
    return [
        (f"ips/patient-summary-{case.reference}.json", ips_json(ips_source(case)).encode())
        for case in Case.objects.filter(patient=patient).select_related("patient").order_by("created_at")
    ]


register_data_source(DataSource(name="interop", export=interop_export, files=interop_files))
