"""Aftercare pages. Every object comes through the ``*_visible_to`` selectors (404 and an audited
denial otherwise); every action asks a ``can_*`` check; every read of check-in answers is audited."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from medijourney.accounts.permissions import has_perm
from medijourney.core.audit import audit_record_many
from medijourney.core.forms import add_service_errors
from medijourney.privacy.access import deny, get_visible_or_404
from medijourney.privacy.services import audit_record
from medijourney.safety.numbers import AS_OF, SOURCE

from . import permissions as perms
from .forms import CheckInForm, DayForm, SkipForm
from .models import CheckIn, Escalation, FollowUp, Status
from .questionnaire import NOT_VALIDATED, answers_from_response, labelled
from .rules import flag_text, rules_for
from .selectors import check_ins_visible_to, escalations_visible_to, follow_ups_visible_to
from .services import (
    check_in_add,
    check_in_move,
    check_in_skip,
    check_in_submit,
    escalation_acknowledge,
)


def _signed_in(view: Any) -> Any:
    """Aftercare serves several roles: sign-in is required, visibility decides the rest."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _require(request: HttpRequest, action: str, *names: str) -> None:
    """The role must hold one of these permissions (else 403 and an audited denial)."""
    if not any(has_perm(request.user, name) for name in names):
        deny(request.user, action, reason="role")
        raise PermissionDenied


def _patient(follow_up: FollowUp) -> Any:
    return follow_up.case.patient if follow_up.case is not None else None


def _answers(resource: dict[str, Any]) -> list[tuple[str, Any]]:
    return labelled(answers_from_response(resource))


def _rows(follow_up: FollowUp) -> list[dict[str, Any]]:
    rows = []
    for c in follow_up.check_ins.order_by("day"):
        answers = _answers(c.response) if c.response else []
        rows.append({"check_in": c, "answers": answers, "flags": [flag_text(f) for f in c.red_flags]})
    return rows


# --- The patient -------------------------------------------------------------------------------------


@never_cache
@require_GET
@_signed_in
def my_follow_up(request: HttpRequest, reference: str) -> HttpResponse:
    _require(request, "follow_up.view", "aftercare.answer_check_ins")
    follow_up = get_visible_or_404(
        follow_ups_visible_to(request.user), request.user, "follow_up.view", case__reference=reference
    )
    rows = _rows(follow_up)
    audit_record_many(
        actor=request.user, action="check_in.view", rows=[(r["check_in"], _patient(follow_up)) for r in rows]
    )
    return render(
        request,
        "aftercare/my_follow_up.html",
        {"follow_up": follow_up, "rows": rows, "not_validated": NOT_VALIDATED, "case": follow_up.case},
    )


def _check_in(request: HttpRequest, check_in_id: Any, action: str) -> CheckIn:
    return get_visible_or_404(check_ins_visible_to(request.user), request.user, action, public_id=check_in_id)


@never_cache
@require_http_methods(["GET", "POST"])
@_signed_in
def check_in(request: HttpRequest, check_in_id: str) -> HttpResponse:
    """The patient's check-in: the form while it is open, the answers once given. Someone else's
    link is a 404 with an audited denial."""
    _require(request, "check_in.view", "aftercare.answer_check_ins")
    item = _check_in(request, check_in_id, "check_in.view")
    patient = _patient(item.follow_up)
    if not perms.can_answer_check_in(request.user, item):
        deny(request.user, "check_in.view", obj=item, patient=patient, reason="not the patient")
        raise PermissionDenied
    context: dict[str, Any] = {
        "item": item,
        "case": item.follow_up.case,
        "not_validated": NOT_VALIDATED,
        "rules": rules_for(item.follow_up.group),
    }
    if request.method == "POST":
        form = CheckInForm(request.POST)
        if form.is_valid():
            try:
                outcome = check_in_submit(check_in=item, actor=request.user, data=form.answers())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                context.update(
                    item=outcome.check_in,
                    flags=[flag_text(f) for f in outcome.flags],
                    number=outcome.emergency,
                    number_source=SOURCE,
                    number_as_of=AS_OF,
                    answers=_answers(outcome.check_in.response or {}),
                )
                return render(request, "aftercare/check_in_done.html", context)
        context["form"] = form
        return render(request, "aftercare/check_in.html", context, status=400 if form.errors else 200)
    audit_record(actor=request.user, action="check_in.view", obj=item, patient=patient)
    if item.status != Status.SENT:
        context.update(answers=_answers(item.response or {}), flags=[flag_text(f) for f in item.red_flags])
        return render(request, "aftercare/check_in_done.html", context)
    context["form"] = CheckInForm()
    return render(request, "aftercare/check_in.html", context)


# --- The case team -----------------------------------------------------------------------------------


def _staff_follow_up(request: HttpRequest, reference: str) -> FollowUp:
    _require(request, "follow_up.view", "aftercare.manage_follow_ups")
    follow_up = get_visible_or_404(
        follow_ups_visible_to(request.user), request.user, "follow_up.view", case__reference=reference
    )
    if not perms.can_manage_follow_up(request.user, follow_up):
        deny(request.user, "follow_up.view", obj=follow_up, patient=_patient(follow_up), reason="role")
        raise PermissionDenied
    return follow_up


def _case_page(request: HttpRequest, follow_up: FollowUp, status: int = 200, **forms: Any) -> HttpResponse:
    rows = _rows(follow_up)
    audit_record_many(
        actor=request.user, action="check_in.view", rows=[(r["check_in"], _patient(follow_up)) for r in rows]
    )
    context = {
        "follow_up": follow_up,
        "case": follow_up.case,
        "rows": rows,
        "escalations": Escalation.objects.filter(check_in__follow_up=follow_up).select_related("check_in"),
        "add_form": forms.get("add_form") or DayForm(),
        "move_forms": forms.get("move_forms", {}),
        "skip_forms": forms.get("skip_forms", {}),
        "rules": rules_for(follow_up.group),
        "not_validated": NOT_VALIDATED,
    }
    return render(request, "aftercare/case.html", context, status=status)


@never_cache
@require_GET
@_signed_in
def case(request: HttpRequest, reference: str) -> HttpResponse:
    return _case_page(request, _staff_follow_up(request, reference))


@require_POST
@_signed_in
def add(request: HttpRequest, reference: str) -> HttpResponse:
    follow_up = _staff_follow_up(request, reference)
    form = DayForm(request.POST)
    if form.is_valid():
        try:
            check_in_add(follow_up=follow_up, actor=request.user, day=form.cleaned_data["day"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Check-in added."))
            return redirect("aftercare:case", reference)
    return _case_page(request, follow_up, status=400, add_form=form)


def _own_check_in(follow_up: FollowUp, check_in_id: str) -> CheckIn:
    found = follow_up.check_ins.filter(public_id=check_in_id).first()
    if found is None:
        raise Http404
    return found


@require_POST
@_signed_in
def move(request: HttpRequest, reference: str, check_in_id: str) -> HttpResponse:
    follow_up = _staff_follow_up(request, reference)
    item = _own_check_in(follow_up, check_in_id)
    form = DayForm(request.POST)
    if form.is_valid():
        try:
            check_in_move(check_in=item, actor=request.user, day=form.cleaned_data["day"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Check-in moved."))
            return redirect("aftercare:case", reference)
    return _case_page(request, follow_up, status=400, move_forms={item.pk: form})


@require_POST
@_signed_in
def skip(request: HttpRequest, reference: str, check_in_id: str) -> HttpResponse:
    follow_up = _staff_follow_up(request, reference)
    item = _own_check_in(follow_up, check_in_id)
    form = SkipForm(request.POST)
    if form.is_valid():
        try:
            check_in_skip(check_in=item, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Check-in skipped."))
            return redirect("aftercare:case", reference)
    return _case_page(request, follow_up, status=400, skip_forms={item.pk: form})


# --- Escalations (case team and the hospital's desk) --------------------------------------------------

ESCALATION_READERS = ("aftercare.manage_follow_ups", "aftercare.answer_escalations")


@never_cache
@require_GET
@_signed_in
def escalations(request: HttpRequest) -> HttpResponse:
    if not (
        has_perm(request.user, "aftercare.manage_follow_ups") or has_perm(request.user, "aftercare.answer_escalations")
    ):
        deny(request.user, "escalation.list", reason="role")
        raise PermissionDenied
    rows = list(escalations_visible_to(request.user).order_by("acknowledged_at", "-created_at")[:100])
    audit_record_many(actor=request.user, action="escalation.view", rows=[(e, e.case.patient) for e in rows])
    return render(request, "aftercare/escalations.html", {"rows": rows})


@never_cache
@require_http_methods(["GET", "POST"])
@_signed_in
def escalation(request: HttpRequest, escalation_id: str) -> HttpResponse:
    _require(request, "escalation.view", *ESCALATION_READERS)
    item = get_visible_or_404(
        escalations_visible_to(request.user), request.user, "escalation.view", public_id=escalation_id
    )
    if request.method == "POST":
        if not perms.can_acknowledge_escalation(request.user, item):
            deny(request.user, "escalation.acknowledge", obj=item, patient=item.case.patient, reason="role")
            raise PermissionDenied
        escalation_acknowledge(escalation=item, actor=request.user)
        messages.success(request, _("Escalation acknowledged."))
        return redirect("aftercare:escalation", escalation_id)
    audit_record(actor=request.user, action="escalation.view", obj=item, patient=item.case.patient)
    answers = _answers(item.check_in.response or {})
    return render(
        request,
        "aftercare/escalation.html",
        {
            "item": item,
            "flags": [flag_text(f) for f in item.flags],
            "answers": answers,
            "can_ack": perms.can_acknowledge_escalation(request.user, item),
            "team": perms.can_manage_follow_up(request.user, item.check_in.follow_up),
        },
    )
