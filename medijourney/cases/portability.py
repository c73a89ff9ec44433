"""What the cases app holds about a patient, for their export and for erasure (privacy.portability).

The export holds what the patient may see: their cases as they told us, stages, the timeline
without internal-note events, the patient message thread and their documents. Internal notes,
tasks and the partner thread are never exported to the patient (they are the team's working
papers; quotes exports what hospitals received)."""

from typing import Any

from medijourney.accounts.models import User
from medijourney.core.uploads import upload_filename
from medijourney.privacy.portability import DataSource, FileEntry, register_data_source
from medijourney.privacy.vault import vault_delete

from .models import Case, Document, IntakeRequest, Message, Notification, ScanStatus, Thread
from .selectors import event_visible_to_patient, patient_event


def _cases(patient: User) -> Any:
    return Case.objects.filter(patient=patient).order_by("created_at")


def cases_export(patient: User) -> dict[str, Any]:
    out = []
    for case in _cases(patient).prefetch_related("events", "messages", "documents"):
        out.append(
            {
                "reference": case.reference,
                "created_at": case.created_at,
                "stage": case.stage,
                "what_you_told_us": {
                    "full_name": case.full_name,
                    "email": case.email,
                    "phone": str(case.phone),
                    "country_of_residence": str(case.country_of_residence),
                    "passport_country": str(case.passport_country),
                    "preferred_language": case.preferred_language,
                    "need": case.need,
                    "procedure_requested": case.procedure_requested,
                    "destinations": case.destinations,
                    "budget": (
                        {"amount": str(case.budget_amount), "currency": case.budget_currency}
                        if case.budget_amount is not None
                        else None
                    ),
                    "travel_earliest": case.travel_earliest,
                    "travel_latest": case.travel_latest,
                    "companion": case.companion,
                },
                "routing": {"specialty": case.specialty_id, "procedure": case.procedure_slug, "triage": case.triage},
                "consent_to_process_health_data": {"version": case.consent_version, "given_at": case.consent_given_at},
                "first_response": {"due_at": case.first_response_due_at, "answered_at": case.first_responded_at},
                "timeline": [  # the patient's own timeline: the same rule as their case page
                    {"when": e.occurred_at, "what": (p := patient_event(e)).label + p.detail}
                    for e in case.events.all()
                    if event_visible_to_patient(e.kind)
                ],
                "messages": [
                    {"when": m.created_at, "from": "you" if m.author_id == patient.pk else "case team", "text": m.body}
                    for m in case.messages.all()
                    if m.thread == Thread.PATIENT
                ],
                "documents": [
                    {
                        "name": d.original_name,
                        "type": d.kind,
                        "size": d.size,
                        "added_at": d.created_at,
                        "sha256": d.sha256,
                        "file": f"cases/{case.reference}/{d.pk}-{upload_filename(d.original_name, d.kind)}",
                    }
                    for d in case.documents.all()
                ],
            }
        )
    return {"cases": out}


def cases_files(patient: User) -> list[FileEntry]:
    docs = Document.objects.filter(case__patient=patient, scan_status=ScanStatus.CLEAN).select_related("case")
    # The name inside the ZIP ends with the sniffed type's extension, like every download.
    return [
        (f"cases/{d.case.reference}/{d.pk}-{upload_filename(d.original_name, d.kind)}", d.storage_key) for d in docs
    ]


def cases_erase(patient: User) -> dict[str, int]:
    cases = _cases(patient)
    keys = list(Document.objects.filter(case__in=cases).values_list("storage_key", flat=True))
    for key in keys:
        vault_delete(key)
    counts = {
        "cases": cases.count(),
        "documents": len(keys),
        "messages": Message.objects.filter(case__in=cases).count(),
    }
    IntakeRequest.objects.filter(case__in=cases).delete()
    cases.delete()  # events, tasks, notes, messages, documents and notifications go with them
    counts["emails_queued"] = Notification.objects.filter(to_email__iexact=patient.email).delete()[0]
    return counts


register_data_source(DataSource(name="cases", export=cases_export, files=cases_files, erase=cases_erase))
