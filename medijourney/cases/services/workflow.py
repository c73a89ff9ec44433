"""Stages (the one place they change), notes and tasks."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medijourney.accounts.models import User
from medijourney.cases.models import (
    FINAL_STAGES,
    HOME_STAGES,
    TRAVELLED_STAGES,
    Case,
    CaseNote,
    CaseTask,
    EventKind,
    Stage,
)
from medijourney.cases.permissions import is_case_team
from medijourney.cases.selectors import allowed_transitions
from medijourney.privacy.services import audit_record

from .outbox import case_event_add


class TransitionError(ValidationError):
    """A stage change that the workflow does not allow."""


# Later apps act when a case reaches a stage (aftercare: the follow-up schedule on "returned
# home"). Called inside the transition's transaction, so a failure rolls the stage change back.
_ON_STAGE: dict[str, list[Callable[..., Any]]] = {}


def register_on_stage(stage: str, callback: Callable[..., Any]) -> None:
    """``callback(case=..., actor=...)`` runs each time a case moves to ``stage``."""
    callbacks = _ON_STAGE.setdefault(stage, [])
    if callback not in callbacks:
        callbacks.append(callback)


MILESTONES = frozenset(
    {
        "quotes_requested_at",
        "quote_received_at",
        "plan_accepted_at",
        "travelled_at",
        "returned_home_at",
        "follow_up_done_at",
    }
)


def stage_milestones(previous: str, to: str) -> list[str]:
    """The milestone fields a move from ``previous`` to ``to`` reaches."""
    reached = []
    if to in TRAVELLED_STAGES:
        reached.append("travelled_at")
    if to in HOME_STAGES:
        reached.append("returned_home_at")
    if to == Stage.CLOSED and previous == Stage.FOLLOW_UP:
        reached.append("follow_up_done_at")
    return reached


def case_milestone_mark(*, case: Case, milestone: str, at: datetime) -> None:
    """Record when the case first reached a milestone (a later call keeps the first time). Called
    by the services that make the step happen (quotes: requested, received, accepted)."""
    if milestone not in MILESTONES:
        raise ValueError(f"unknown case milestone: {milestone}")
    Case.objects.filter(pk=case.pk, **{f"{milestone}__isnull": True}).update(**{milestone: at})
    if getattr(case, milestone) is None:
        setattr(case, milestone, at)


def case_transition(*, case: Case, to: str, actor: Any, reason: str = "") -> Case:
    """Move a case to another stage. The one place stage changes happen; each goes on the
    timeline with who and when."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if to not in allowed_transitions(case.stage):
            raise TransitionError(
                {
                    "stage": _("A case cannot move from “%(from)s” to “%(to)s”.")
                    % {"from": Stage(case.stage).label, "to": Stage(to).label if to in Stage.values else to}
                }
            )
        previous = case.stage
        now = timezone.now()
        case.stage = to
        case.stage_changed_at = now
        if to in FINAL_STAGES:
            case.closed_at = now
        reached = [name for name in stage_milestones(previous, to) if getattr(case, name) is None]
        for name in reached:
            setattr(case, name, now)
        case.save(update_fields=["stage", "stage_changed_at", "closed_at", "updated_at", *reached])
        data: dict[str, Any] = {"from": previous, "to": to}
        if reason:
            data["reason"] = reason[:200]
        case_event_add(case=case, kind=EventKind.STAGE_CHANGED, actor=actor, **data)
        audit_record(actor=actor, action="case.transition", obj=case, patient=case.patient, detail={"to": to})
        for callback in _ON_STAGE.get(to, []):
            callback(case=case, actor=actor)
    return case


# --- Messages ---------------------------------------------------------------------------------------


def note_add(*, case: Case, author: User, body: str) -> CaseNote:
    with transaction.atomic():
        note = CaseNote(case=case, author=author, body=(body or "").strip(), created_by=author)
        if not note.body:
            raise ValidationError({"body": _("Write the note first.")})
        note.full_clean()
        note.save()
        case_event_add(case=case, kind=EventKind.NOTE_ADDED, actor=author, note=str(note.public_id))
        audit_record(actor=author, action="note.add", obj=note, patient=case.patient)
    return note


def task_add(
    *, case: Case, actor: User, title: str, assignee: User | None = None, due_on: date | None = None
) -> CaseTask:
    with transaction.atomic():
        item = CaseTask(case=case, title=(title or "").strip(), assignee=assignee, due_on=due_on, created_by=actor)
        if assignee is not None and not is_case_team(assignee):
            raise ValidationError({"assignee": _("Tasks go to someone on the case team.")})
        item.full_clean()
        item.save()
        case_event_add(case=case, kind=EventKind.TASK_ADDED, actor=actor, task=str(item.public_id))
    return item


def task_set_done(*, task: CaseTask, actor: User, done: bool) -> CaseTask:
    with transaction.atomic():
        task = CaseTask.objects.select_for_update().get(pk=task.pk)
        if done == (task.done_at is not None):
            return task
        task.done_at = timezone.now() if done else None
        task.done_by = actor if done else None
        task.save(update_fields=["done_at", "done_by", "updated_at"])
        case_event_add(
            case=task.case,
            kind=EventKind.TASK_DONE if done else EventKind.TASK_REOPENED,
            actor=actor,
            task=str(task.public_id),
        )
    return task


# --- Documents --------------------------------------------------------------------------------------
