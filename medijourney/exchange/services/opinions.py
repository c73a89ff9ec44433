"""Second opinions: consent, request, assignment (with the conflict-of-interest rule),
clarifying questions (the clock pauses), the opinion itself, and the turnaround clock."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from medijourney.accounts.models import User
from medijourney.accounts.permissions import holders_of
from medijourney.cases.models import Case, Document
from medijourney.cases.notifications import absolute
from medijourney.cases.services import case_event_add, notification_queue
from medijourney.catalog.models import Specialty
from medijourney.exchange import clock
from medijourney.exchange import tasks as exchange_tasks
from medijourney.exchange.consent import CURRENT_OPINION_CONSENT_VERSION
from medijourney.exchange.models import (
    MAX_CLARIFICATIONS,
    MAX_QUESTIONS,
    Agreement,
    Clarification,
    Confidence,
    Opinion,
    OpinionConsent,
    OpinionRequest,
    OpinionStatus,
)
from medijourney.exchange.permissions import (
    can_be_specialist,
    can_give_opinion,
    can_manage_opinions,
    can_request_opinion,
)
from medijourney.exchange.selectors import (
    active_opinion_consent,
    eligible_specialists,
    profile_of,
    quoting_hospital_ids,
)
from medijourney.privacy.services import audit_record
from medijourney.quotes.deidentify import identifying_leftovers
from medijourney.quotes.models import Scope
from medijourney.quotes.selectors import case_exact_identifiers, case_names, summary_draft

# --- Emails --------------------------------------------------------------------------------------------


def _case_team(case: Case) -> list[User]:
    if case.assigned_to is not None and case.assigned_to.is_active:
        return [case.assigned_to]
    return list(holders_of("cases.lead_cases").order_by("pk"))


def _team_notify(request: OpinionRequest, kind: str, key: str) -> None:
    panel = absolute(reverse("exchange:case_opinions", args=[request.case.reference]))
    for person in _case_team(request.case):
        notification_queue(
            key=f"{key}:{person.public_id}", kind=kind, to_email=person.email, case=request.case,
            context={"audience": "staff", "panel_url": panel, "code": request.code},
        )  # fmt: skip


def _specialist_notify(request: OpinionRequest, kind: str, key: str) -> None:
    if request.specialist is None:
        return
    notification_queue(
        key=f"{key}:{request.specialist.public_id}", kind=kind, to_email=request.specialist.email, case=None,
        context={
            "audience": "specialist", "code": request.code,
            "request_url": absolute(reverse("exchange:opinion", args=[request.public_id])),
            "due": request.due_at.isoformat() if request.due_at else "",
        },
    )  # fmt: skip


def _patient_notify(request: OpinionRequest, kind: str, key: str) -> None:
    notification_queue(
        key=f"{key}:{request.patient.public_id}", kind=kind, to_email=request.patient.email, case=request.case,
        context={"audience": "patient", "opinions_url": absolute(reverse("exchange:my_opinions", args=[request.case.reference]))},
    )  # fmt: skip


# --- Consent and request -------------------------------------------------------------------------------


def opinion_consent_grant(*, case: Case, scope: str, actor: User) -> OpinionConsent:
    """The patient consents to share the case with a specialist for a second opinion. A consent
    with another scope is replaced (the old row revoked, both kept)."""
    if not can_request_opinion(actor, case):
        raise ValidationError(_("Only the patient can give consent to share their case with a specialist."))
    if scope not in Scope.values:
        raise ValidationError({"scope": _("Choose what the specialist may see.")})
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case.pk)
        current = active_opinion_consent(case)
        if current is not None and current.scope == scope:
            return current
        now = timezone.now()
        if current is not None:
            current.revoked_at = now
            current.save(update_fields=["revoked_at", "updated_at"])
        consent = OpinionConsent(
            case=case, scope=scope, text_version=CURRENT_OPINION_CONSENT_VERSION, granted_by=actor, granted_at=now,
            created_by=actor,
        )  # fmt: skip
        consent.full_clean()
        consent.save()
        case_event_add(
            case=case, kind="opinion_consent_granted", actor=actor, scope=scope, version=consent.text_version
        )
        audit_record(
            actor=actor, action="opinion_consent.grant", obj=consent, patient=case.patient, detail={"scope": scope}
        )
    return consent


def opinion_consent_revoke(*, consent: OpinionConsent, actor: User) -> OpinionConsent:
    """Withdraw: the specialist's next read is refused (the visibility of material checks the
    consent on every request); open requests are cancelled."""
    case = consent.case
    if not can_request_opinion(actor, case) and case.patient_id != actor.pk:
        raise ValidationError(_("Only the patient can withdraw this consent."))
    with transaction.atomic():
        consent = OpinionConsent.objects.select_for_update().get(pk=consent.pk)
        if consent.revoked_at is not None:
            return consent
        consent.revoked_at = timezone.now()
        consent.save(update_fields=["revoked_at", "updated_at"])
        for request in OpinionRequest.objects.filter(
            consent=consent, status__in=["requested", "assigned", "clarifying"]
        ):
            request.status = OpinionStatus.CANCELLED
            request.save(update_fields=["status", "updated_at"])
            _specialist_notify(request, "opinion_cancelled", f"opinion-cancelled:{request.public_id}")
        case_event_add(case=case, kind="opinion_consent_revoked", actor=actor, scope=consent.scope)
        audit_record(actor=actor, action="opinion_consent.revoke", obj=consent, patient=case.patient)
    return consent


def _clean_questions(questions: Sequence[str]) -> list[str]:
    return [q.strip() for q in questions if q and q.strip()]


def _questions_errors(qs: list[str]) -> list[str]:
    if not 1 <= len(qs) <= MAX_QUESTIONS:
        return [_("Write between 1 and %(n)d questions for the specialist.") % {"n": MAX_QUESTIONS}]
    if any(len(q) > 1000 for q in qs):
        return [_("Keep each question under 1,000 characters.")]
    return []


def _summary_errors(case: Case, text: str) -> list[str]:
    if not text:
        return [_("Write the summary the specialist will read.")]
    leftovers = identifying_leftovers(text, names=case_names(case), exact=case_exact_identifiers(case))
    if leftovers:
        return [
            _("The summary still contains the patient's %(what)s. Remove it before sending.")
            % {"what": ", ".join(leftovers)}
        ]
    return []


def _request_errors(
    *, case: Case, specialty: Specialty | None, qs: list[str], text: str, patient_asks: bool, scope: str | None
) -> dict[str, list[str]]:
    """What is wrong with a request before anything is written, by field."""
    errors: dict[str, list[str]] = {}
    if specialty is None:
        errors["specialty"] = [_("Choose the specialty of the second opinion.")]
    if question_errors := _questions_errors(qs):
        errors["questions"] = question_errors
    if summary_errors := _summary_errors(case, text):
        errors["summary"] = summary_errors
    if not case.is_open:
        errors["__all__"] = [_("This case is closed.")]
    if patient_asks and scope not in Scope.values:
        errors["scope"] = [_("Choose what the specialist may see.")]
    return errors


def _request_consent(*, case: Case, scope: str | None, actor: User, patient_asks: bool) -> OpinionConsent:
    """The consent the request rests on: granted now when the patient asks, else the active one."""
    consent = (
        opinion_consent_grant(case=case, scope=str(scope), actor=actor)
        if patient_asks
        else active_opinion_consent(case)
    )
    if consent is None:
        raise ValidationError(
            {"__all__": [_("The patient has not consented to a second opinion yet. Ask them first.")]}
        )
    return consent


def _request_documents(case: Case, consent: OpinionConsent, documents: Sequence[Document]) -> list[Document]:
    """The documents to share: only under a consent covering reports, only this case's scanned ones."""
    docs = list(documents)
    if docs and not consent.includes_reports:
        raise ValidationError({"documents": [_("The patient's consent does not cover medical reports.")]})
    for doc in docs:
        if doc.case_id != case.pk or not doc.servable:
            raise ValidationError({"documents": [_("Choose documents of this case that passed the scan.")]})
    return docs


def opinion_request_create(
    *,
    case: Case,
    specialty: Specialty | None,
    questions: Sequence[str],
    actor: User,
    summary: str | None = None,
    documents: Sequence[Document] = (),
    scope: str | None = None,
    is_demo: bool = False,
) -> OpinionRequest:
    """Ask for a second opinion. The patient asks from their case (and consents in the same step,
    with ``scope``); the case team asks only under the patient's active consent. The summary is the
    de-identified draft (quotes' ``summary_draft``) unless the case team edits it, and it is refused
    while it still holds the case's own name, email, phone or reference. Documents only if the
    consent includes reports."""
    patient_asks = can_request_opinion(actor, case)
    if not patient_asks and not can_manage_opinions(actor, case):
        raise ValidationError(_("You cannot ask for a second opinion on this case."))
    qs = _clean_questions(questions)
    text = (summary if summary is not None and not patient_asks else summary_draft(case)).strip()
    errors = _request_errors(case=case, specialty=specialty, qs=qs, text=text, patient_asks=patient_asks, scope=scope)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        consent = _request_consent(case=case, scope=scope, actor=actor, patient_asks=patient_asks)
        docs = _request_documents(case, consent, documents)
        request = OpinionRequest(
            case=case, patient=case.patient, consent=consent, specialty=specialty, questions=qs, summary=text,
            requested_by=actor, requested_at=timezone.now(), created_by=actor, is_demo=is_demo,
        )  # fmt: skip
        request.full_clean()
        request.save()
        if docs:
            request.documents.set(docs)
        case_event_add(
            case=case,
            kind="opinion_requested",
            actor=actor,
            request=request.code,
            specialty=specialty.name if specialty else "",
        )
        audit_record(
            actor=actor,
            action="opinion_request.create",
            obj=request,
            patient=case.patient,
            detail={"questions": len(qs), "documents": len(docs)},
        )
        if patient_asks:
            _team_notify(request, "opinion_requested", f"opinion-requested:{request.public_id}")
    return request


# --- Assignment and conflict of interest ------------------------------------------------------------------


def _assignable_errors(request: OpinionRequest, specialist: User | None) -> dict[str, list[str]]:
    if specialist is None or not can_be_specialist(specialist):
        return {"specialist": [_("Choose a specialist.")]}
    profile = profile_of(specialist)
    if profile is None:
        return {"specialist": [_("This specialist is not linked to a doctor record of the network.")]}
    if profile.doctor.hospital_id in quoting_hospital_ids(request.case):
        return {
            "specialist": [
                _("This specialist is a doctor of a hospital that quoted on the case: a conflict of interest.")
            ]
        }
    if not profile.doctor.specialties.filter(pk=request.specialty_id).exists():
        return {"specialist": [_("This specialist's doctor record is not in %(s)s.") % {"s": request.specialty.name}]}
    if not eligible_specialists(specialty_id=request.specialty_id, case=request.case).filter(pk=specialist.pk).exists():
        return {"specialist": [_("This specialist has no verified, current licence.")]}
    return {}


def _schedule(request: OpinionRequest) -> None:
    if request.due_at is None:
        return
    tz = _tz(request)
    for when in (clock.reminder_at(request.due_at, tz), request.due_at, clock.reassign_at(request.due_at, tz)):
        exchange_tasks.check_opinion_clock.using(run_after=when).enqueue(request_id=request.pk)


def _tz(request: OpinionRequest) -> str:
    profile = profile_of(request.specialist) if request.specialist else None
    return profile.time_zone if profile else "UTC"


def opinion_assign(*, request: OpinionRequest, specialist: User | None, actor: User) -> OpinionRequest:
    """Give the request to a specialist (proposed or chosen): refused for a specialist without a
    verified, current licence in the specialty or who is a doctor of a quoting hospital. The
    clock starts: due in ``EXCHANGE_OPINION_WORKING_DAYS`` working days in their own time zone."""
    if not can_manage_opinions(actor, request.case):
        raise ValidationError(_("Only the case team can assign a second opinion."))
    with transaction.atomic():
        request = OpinionRequest.objects.select_for_update().get(pk=request.pk)
        if request.status not in (OpinionStatus.REQUESTED, OpinionStatus.ASSIGNED):
            raise ValidationError(_("This request can no longer be assigned."))
        errors = _assignable_errors(request, specialist)
        if errors:
            raise ValidationError(errors)
        assert specialist is not None
        previous = request.specialist
        now = timezone.now()
        request.specialist = specialist
        request.status = OpinionStatus.ASSIGNED
        request.assigned_at = now
        request.coi_declared_at = None
        request.paused_at = None
        request.reminder_sent_at = request.escalated_at = request.reassign_offered_at = None
        profile = profile_of(specialist)
        request.due_at = clock.due_after(now, clock.working_days(), profile.time_zone if profile else "UTC")
        request.save()
        Opinion.objects.filter(request=request, submitted_at__isnull=True).delete()  # a new specialist starts afresh
        case_event_add(
            case=request.case, kind="opinion_assigned", actor=actor, request=request.code,
            reassigned=previous is not None and previous.pk != specialist.pk,
        )  # fmt: skip
        audit_record(
            actor=actor,
            action="opinion_request.assign",
            obj=request,
            patient=request.patient,
            detail={"specialist": str(specialist.public_id)},
        )
        _specialist_notify(request, "opinion_assigned", f"opinion-assigned:{request.public_id}:{now.timestamp()}")
        _schedule(request)
    return request


def opinion_coi_declare(*, request: OpinionRequest, actor: User, declared: bool) -> OpinionRequest:
    """The specialist declares no tie to any hospital that quoted on the case (per request)."""
    if not can_give_opinion(actor, request):
        raise ValidationError(_("This request is not assigned to you."))
    if not declared:
        raise ValidationError(
            {"declared": [_("Declare that you have no tie to these hospitals, or decline the request.")]}
        )
    with transaction.atomic():
        request = OpinionRequest.objects.select_for_update().get(pk=request.pk)
        if request.coi_declared_at is None:
            request.coi_declared_at = timezone.now()
            request.save(update_fields=["coi_declared_at", "updated_at"])
            audit_record(actor=actor, action="opinion_request.declare_coi", obj=request, patient=request.patient)
    return request


def opinion_decline(*, request: OpinionRequest, actor: User, reason: str) -> OpinionRequest:
    """The specialist declines (a conflict of interest, no time): back to the case team."""
    if not can_give_opinion(actor, request):
        raise ValidationError(_("This request is not assigned to you."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why you decline.")]})
    with transaction.atomic():
        request = OpinionRequest.objects.select_for_update().get(pk=request.pk)
        request.status = OpinionStatus.REQUESTED
        request.specialist = None
        request.due_at = request.paused_at = None
        request.save()
        case_event_add(case=request.case, kind="opinion_declined", actor=actor, request=request.code)
        _team_notify(request, "opinion_declined", f"opinion-declined:{request.public_id}:{timezone.now().timestamp()}")
    return request


# --- Clarifying questions -------------------------------------------------------------------------------


def clarification_ask(*, request: OpinionRequest, actor: User, question: str) -> Clarification:
    """The specialist asks the case manager (at most 3 per request); the clock pauses until the
    answer comes."""
    if not can_give_opinion(actor, request):
        raise ValidationError(_("This request is not assigned to you."))
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": [_("Write your question.")]})
    if len(question) > 2000:
        raise ValidationError({"question": [_("Keep the question under 2,000 characters.")]})
    with transaction.atomic():
        request = OpinionRequest.objects.select_for_update().get(pk=request.pk)
        if request.clarifications.count() >= MAX_CLARIFICATIONS:
            raise ValidationError(
                {"question": [_("You have asked the %(n)d questions allowed.") % {"n": MAX_CLARIFICATIONS}]}
            )
        if request.status == OpinionStatus.CLARIFYING:
            raise ValidationError({"question": [_("Wait for the answer to your earlier question.")]})
        now = timezone.now()
        item = Clarification(request=request, question=question, asked_by=actor, asked_at=now, created_by=actor)
        item.full_clean()
        item.save()
        request.status = OpinionStatus.CLARIFYING
        request.paused_at = now
        request.save(update_fields=["status", "paused_at", "updated_at"])
        case_event_add(case=request.case, kind="opinion_clarification_asked", actor=actor, request=request.code)
        _team_notify(request, "opinion_clarification", f"opinion-clarify:{item.public_id}")
    return item


def clarification_answer(*, clarification: Clarification, actor: User, answer: str) -> Clarification:
    """The case manager answers; the clock resumes and the deadline moves by the time waited."""
    request = clarification.request
    if not can_manage_opinions(actor, request.case):
        raise ValidationError(_("Only the case team can answer the specialist."))
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": [_("Write your answer.")]})
    leftovers = identifying_leftovers(
        answer, names=case_names(request.case), exact=case_exact_identifiers(request.case)
    )
    if leftovers:
        raise ValidationError(
            {"answer": [_("The answer contains the patient's %(what)s. Remove it.") % {"what": ", ".join(leftovers)}]}
        )
    with transaction.atomic():
        request = OpinionRequest.objects.select_for_update().get(pk=request.pk)
        clarification = Clarification.objects.select_for_update().get(pk=clarification.pk)
        if clarification.answered_at is not None:
            raise ValidationError({"answer": [_("This question was already answered.")]})
        now = timezone.now()
        clarification.answer, clarification.answered_by, clarification.answered_at = answer, actor, now
        clarification.save()
        if request.status == OpinionStatus.CLARIFYING:
            request.status = OpinionStatus.ASSIGNED
            if request.paused_at and request.due_at:
                request.due_at = clock.resumed_due(request.due_at, request.paused_at, now)
            request.paused_at = None
            request.save(update_fields=["status", "paused_at", "due_at", "updated_at"])
            _schedule(request)
        case_event_add(case=request.case, kind="opinion_clarification_answered", actor=actor, request=request.code)
        _specialist_notify(request, "opinion_clarified", f"opinion-clarified:{clarification.public_id}")
    return clarification


# --- The opinion -----------------------------------------------------------------------------------------

OPINION_FIELDS = (
    "understood_summary",
    "agreement",
    "alternatives",
    "further_tests",
    "confidence",
    "references",
    "plain_summary",
)


def opinion_save(*, request: OpinionRequest, actor: User, data: dict[str, Any], submit: bool = False) -> Opinion:
    """Save the draft; with ``submit``, check that every part is there (each question answered)
    and send it: the patient reads it on their case page and it goes on the timeline."""
    with transaction.atomic():
        request = OpinionRequest.objects.select_for_update().get(pk=request.pk)
        return _opinion_save_locked(request, actor, data, submit)


def _opinion_choice_errors(values: dict[str, str]) -> dict[str, list[str]]:
    """Errors a draft can already have: a choice that is not one of those offered."""
    errors: dict[str, list[str]] = {}
    if values["agreement"] and values["agreement"] not in Agreement.values:
        errors["agreement"] = [_("Choose one of the answers offered.")]
    if values["confidence"] and values["confidence"] not in Confidence.values:
        errors["confidence"] = [_("Choose low, medium or high.")]
    return errors


def _opinion_submit_errors(
    request: OpinionRequest, answers: list[str], values: dict[str, str], errors: dict[str, list[str]]
) -> None:
    """Add to ``errors`` what sending needs: the declaration, no open question, every part written."""
    if request.coi_declared_at is None:
        errors["__all__"] = [_("Declare your conflicts of interest first.")]
    if request.status == OpinionStatus.CLARIFYING:
        errors.setdefault("__all__", []).append(_("Wait for the answer to your clarifying question."))
    for i, answer in enumerate(answers):
        if not answer:
            errors[f"answer_{i + 1}"] = [_("Answer question %(n)d.") % {"n": i + 1}]
    for name, message in (
        ("understood_summary", _("Summarise the case as you understood it.")),
        ("agreement", _("Say whether you agree with the proposed treatment plan.")),
        ("confidence", _("Say how confident you are.")),
        ("plain_summary", _("Write a few plain words for the patient.")),
    ):
        if not values[name]:
            errors[name] = [message]


def _opinion_send(request: OpinionRequest, actor: User, now: datetime.datetime) -> None:
    """The request is answered: on the timeline, and the patient and the case team are told."""
    request.status = OpinionStatus.ANSWERED
    request.answered_at = now
    request.save(update_fields=["status", "answered_at", "updated_at"])
    late = bool(request.due_at and now > request.due_at)
    case_event_add(case=request.case, kind="opinion_answered", actor=actor, request=request.code, late=late)
    _patient_notify(request, "opinion_ready", f"opinion-ready:{request.public_id}")
    _team_notify(request, "opinion_answered", f"opinion-answered:{request.public_id}")


def _opinion_save_locked(request: OpinionRequest, actor: User, data: dict[str, Any], submit: bool) -> Opinion:
    if not can_give_opinion(actor, request):
        raise ValidationError(_("This request is not assigned to you."))
    answers = [str(a or "").strip() for a in (data.get("answers") or [])]
    answers = (answers + [""] * len(request.questions))[: len(request.questions)]
    values = {f: str(data.get(f) or "").strip() for f in OPINION_FIELDS}
    errors = _opinion_choice_errors(values)
    if submit:
        _opinion_submit_errors(request, answers, values, errors)
    if errors:
        raise ValidationError(errors)
    # Inside the caller's transaction, with the request row locked.
    opinion = Opinion.objects.filter(request=request).first() or Opinion(
        request=request, author=actor, created_by=actor
    )
    if opinion.submitted_at is not None:
        raise ValidationError(_("This opinion was already sent."))
    for name, value in values.items():
        setattr(opinion, name, value)
    opinion.answers = answers
    opinion.author = actor
    now = timezone.now()
    if submit:
        opinion.submitted_at = now
    opinion.full_clean()
    opinion.save()
    audit_record(
        actor=actor,
        action="opinion.submit" if submit else "opinion.save_draft",
        obj=request,
        patient=request.patient,
    )
    if submit:
        _opinion_send(request, actor, now)
    return opinion


# --- The clock -------------------------------------------------------------------------------------------


def opinion_clock_check(*, request_id: int, now: datetime.datetime | None = None) -> list[str]:
    """Re-check a request's clock under a row lock and do what is due, each at most once: the
    reminder to the specialist one working day before the deadline, the escalation to the case
    manager at the deadline, the offer to re-assign two working days after it. Nothing while
    paused (a question waits for the case team)."""
    now = now or timezone.now()
    done: list[str] = []
    with transaction.atomic():
        request = OpinionRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None or request.status != OpinionStatus.ASSIGNED or request.due_at is None:
            return done
        tz = _tz(request)
        if request.reminder_sent_at is None and clock.reminder_at(request.due_at, tz) <= now < request.due_at:
            request.reminder_sent_at = now
            request.save(update_fields=["reminder_sent_at", "updated_at"])
            _specialist_notify(
                request, "opinion_reminder", f"opinion-reminder:{request.public_id}:{request.due_at.timestamp()}"
            )
            done.append("reminded")
        if request.escalated_at is None and now >= request.due_at:
            request.escalated_at = now
            request.save(update_fields=["escalated_at", "updated_at"])
            case_event_add(case=request.case, kind="opinion_overdue", request=request.code)
            _team_notify(
                request, "opinion_overdue", f"opinion-overdue:{request.public_id}:{request.due_at.timestamp()}"
            )
            done.append("escalated")
        if request.reassign_offered_at is None and now >= clock.reassign_at(request.due_at, tz):
            request.reassign_offered_at = now
            request.save(update_fields=["reassign_offered_at", "updated_at"])
            case_event_add(case=request.case, kind="opinion_reassign_offered", request=request.code)
            _team_notify(
                request, "opinion_reassign", f"opinion-reassign:{request.public_id}:{request.due_at.timestamp()}"
            )
            done.append("reassign_offered")
    return done


def opinion_clocks_sweep(*, now: datetime.datetime | None = None) -> int:
    """Safety net for the delayed clock tasks (recurring job)."""
    now = now or timezone.now()
    due = OpinionRequest.objects.filter(
        status=OpinionStatus.ASSIGNED, due_at__lte=now + datetime.timedelta(days=4)
    ).filter(Q(reminder_sent_at__isnull=True) | Q(escalated_at__isnull=True) | Q(reassign_offered_at__isnull=True))
    return sum(bool(opinion_clock_check(request_id=pk, now=now)) for pk in due.values_list("pk", flat=True)[:500])


def opinion_read_audit(*, user: Any, request: OpinionRequest, action: str = "opinion_request.view") -> None:
    audit_record(actor=user, action=action, obj=request, patient=request.patient)
