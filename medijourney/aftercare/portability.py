"""What aftercare holds about a patient, for their export and erasure (privacy.portability).

Export: each follow-up with its check-ins (status, days, red flags) and each answered check-in
as a FHIR R4 QuestionnaireResponse (with the patient as ``subject`` by display name), the
escalations' times, and the patient's reviews.

Erasure runs before the cases source (sources run in name order) and keeps what the outcome
figures need, de-identified: the follow-up loses its case, the check-ins keep their status, day,
red-flag flag, pain and readmission answer but lose the free text and who answered; reviews lose
the case, the initials and any name, email or phone in the text (quotes' ``deidentify``). So a
hospital's figures stay true after a patient is forgotten. Escalations go with the case."""

import copy
from typing import Any

from django.db import transaction

from medijourney.accounts.models import User
from medijourney.privacy.portability import DataSource, register_data_source
from medijourney.quotes.deidentify import deidentify

from .models import CheckIn, Escalation, FollowUp, Review


def _fhir(check_in: CheckIn, patient: User) -> dict[str, Any]:
    resource = copy.deepcopy(check_in.response or {})
    resource["id"] = str(check_in.public_id)
    resource["subject"] = {"display": patient.full_name}
    return resource


def aftercare_export(patient: User) -> dict[str, Any]:
    follow_ups = FollowUp.objects.filter(case__patient=patient).select_related("case", "hospital", "procedure")
    out = []
    responses = []
    for fu in follow_ups:
        check_ins = list(fu.check_ins.order_by("day"))
        out.append(
            {
                "case": fu.case.reference if fu.case else None,
                "hospital": fu.hospital.name,
                "procedure": fu.procedure.name,
                "discharged_on": fu.discharged_on.isoformat(),
                "check_ins": [
                    {
                        "day": c.day,
                        "due_on": c.due_on.isoformat(),
                        "status": c.status,
                        "answered_at": c.answered_at.isoformat() if c.answered_at else None,
                        "red_flags": c.red_flags,
                        "skip_reason": c.skip_reason,
                    }
                    for c in check_ins
                ],
                "escalations": [
                    {
                        "opened_at": e.created_at.isoformat(),
                        "acknowledged_at": e.acknowledged_at.isoformat() if e.acknowledged_at else None,
                    }
                    for e in Escalation.objects.filter(check_in__follow_up=fu)
                ],
            }
        )
        responses += [_fhir(c, patient) for c in check_ins if c.response]
    reviews = [
        {
            "hospital": r.hospital.name,
            "procedure": r.procedure.name,
            "month": r.month.strftime("%Y-%m"),
            "ratings": {
                "care": r.care,
                "communication": r.communication,
                "cleanliness": r.cleanliness,
                "value": r.value,
            },
            "would_recommend": r.would_recommend,
            "text": r.text,
            "reply": r.reply,
        }
        for r in Review.objects.filter(case__patient=patient).select_related("hospital", "procedure")
    ]
    return {"follow_ups": out, "fhir_questionnaire_responses": responses, "reviews": reviews}


def _strip_free_text(resource: dict[str, Any] | None) -> dict[str, Any] | None:
    if not resource:
        return resource
    kept = dict(resource)
    kept["item"] = [i for i in resource.get("item", []) if i.get("linkId") != "free_text"]
    kept.pop("subject", None)
    return kept


def aftercare_erase(patient: User) -> dict[str, int]:
    names = [
        patient.full_name,
        *FollowUp.objects.filter(case__patient=patient).values_list("case__full_name", flat=True),
    ]
    identifiers = [patient.email, *FollowUp.objects.filter(case__patient=patient).values_list("case__email", flat=True)]
    with transaction.atomic():
        follow_ups = list(FollowUp.objects.filter(case__patient=patient))
        check_ins = list(CheckIn.objects.filter(follow_up__in=follow_ups))
        for c in check_ins:
            c.response = _strip_free_text(c.response)
            c.answered_by = None
            c.skip_reason = ""
        CheckIn.objects.bulk_update(check_ins, ["response", "answered_by", "skip_reason"])
        FollowUp.objects.filter(pk__in=[f.pk for f in follow_ups]).update(case=None, erased=True, created_by=None)
        reviews = list(Review.objects.filter(case__patient=patient))
        for r in reviews:
            r.text = deidentify(r.text, names=names, identifiers=identifiers)
            r.initials = ""
            r.case = None
            r.created_by = None
        Review.objects.bulk_update(reviews, ["text", "initials", "case", "created_by"])
    return {
        "follow_ups_kept_deidentified": len(follow_ups),
        "check_ins": len(check_ins),
        "reviews_kept_deidentified": len(reviews),
    }


register_data_source(DataSource(name="aftercare", export=aftercare_export, erase=aftercare_erase))
