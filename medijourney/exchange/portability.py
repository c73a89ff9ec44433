"""What exchange holds about a person, for their export and for erasure (privacy.portability).

* A patient: their consents to a second opinion, the requests (specialty, questions, the
  de-identified summary the specialist read, which documents), the clarifying questions and the
  opinions received. Recipients: which specialist (by role and public id) received which scope.
  Erasure: the cases source deletes the cases, and with them (cascade) the consents, requests,
  questions and opinions; anything left for the patient is deleted here.
* A spoke clinician: the profile (country, facility, profession, licence number as declared), the
  programmes joined, attendance and the case presentations they submitted. Erasure deletes the
  profile and presentations; attendance rows go with the account."""

from typing import Any

from medijourney.accounts.models import User
from medijourney.privacy.portability import DataSource, register_data_source

from .models import Attendance, CasePresentation, ClinicianProfile, Membership, OpinionConsent, OpinionRequest


def _export(user: User) -> dict[str, Any]:
    requests = (
        OpinionRequest.objects.filter(patient=user)
        .select_related("specialty", "consent")
        .prefetch_related("clarifications", "documents")
        .order_by("requested_at", "id")
    )
    out: dict[str, Any] = {
        "opinion_consents": [
            {"scope": c.scope, "text_version": c.text_version, "granted_at": c.granted_at, "revoked_at": c.revoked_at}
            for c in OpinionConsent.objects.filter(case__patient=user).order_by("granted_at", "id")
        ],
        "second_opinions": [],
    }
    for r in requests:
        opinion = getattr(r, "opinion", None) if hasattr(r, "opinion") else None
        out["second_opinions"].append(
            {
                "code": r.code,
                "specialty": r.specialty.name,
                "questions": r.questions,
                "summary_shared": r.summary,
                "documents_shared": [d.original_name for d in r.documents.all()],
                "status": r.status,
                "requested_at": r.requested_at,
                "answered_at": r.answered_at,
                "clarifications": [
                    {"question": c.question, "answer": c.answer, "asked_at": c.asked_at} for c in r.clarifications.all()
                ],
                "opinion": None
                if opinion is None or opinion.submitted_at is None
                else {
                    "understood_summary": opinion.understood_summary,
                    "answers": opinion.answers,
                    "agreement": opinion.agreement,
                    "alternatives": opinion.alternatives,
                    "further_tests": opinion.further_tests,
                    "confidence": opinion.confidence,
                    "references": opinion.references,
                    "plain_summary": opinion.plain_summary,
                    "submitted_at": opinion.submitted_at,
                },
            }
        )
    profile = ClinicianProfile.objects.filter(user=user).first()
    if profile is not None:
        out["clinician_profile"] = {
            "country": str(profile.country),
            "facility": profile.facility,
            "profession": profile.profession,
            "licence_number_declared": profile.licence_number,
        }
        out["programmes"] = [
            {"programme": m.programme.title, "joined_at": m.joined_at}
            for m in Membership.objects.filter(user=user).select_related("programme")
        ]
        out["attendance"] = [
            {"session": a.session.starts_at, "status": a.status, "minutes": a.minutes}
            for a in Attendance.objects.filter(user=user).select_related("session")
        ]
        out["case_presentations"] = [
            {"title": p.title, "summary": p.summary, "question": p.question, "session": p.session.starts_at}
            for p in CasePresentation.objects.filter(presenter=user).select_related("session")
        ]
    return out


def _recipients(user: User) -> list[dict[str, Any]]:
    return [
        {"recipient": "specialist", "specialist": str(r.specialist.public_id), "code": r.code, "scope": r.consent.scope,
         "since": r.assigned_at}
        for r in OpinionRequest.objects.filter(patient=user, specialist__isnull=False).select_related("specialist", "consent")
        if r.specialist is not None  # always, by the filter; narrows the type
    ]  # fmt: skip


def _erase(user: User) -> dict[str, int]:
    requests = OpinionRequest.objects.filter(patient=user).delete()[0]
    presentations = CasePresentation.objects.filter(presenter=user).delete()[0]
    profiles = ClinicianProfile.objects.filter(user=user).delete()[0]
    return {"second_opinion_rows": requests, "presentations": presentations, "clinician_profiles": profiles}


register_data_source(DataSource(name="exchange", export=_export, recipients=_recipients, erase=_erase))
