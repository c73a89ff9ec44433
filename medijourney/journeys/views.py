"""Journey pages. Every object comes through ``selectors.journeys_visible_to`` (404 and an audited
denial otherwise); every action asks a ``can_*`` check; every read of a journey, a letter or a
checklist document is audited."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from medijourney.accounts.permissions import has_perm
from medijourney.core.audit import audit_record_many
from medijourney.core.dates import day_text
from medijourney.core.forms import add_service_errors
from medijourney.core.http import HtmxRequest
from medijourney.core.ratelimit import rate_limit_hit, request_identity
from medijourney.network.selectors import partner_hospital
from medijourney.privacy.access import deny, get_visible_or_404, require_perm, signed_in
from medijourney.privacy.services import audit_record

from . import permissions as perms
from .calendar import journey_ics
from .forms import ChecklistUploadForm, CompanionForm, LetterForm, PassportForm, StepMoveForm, VerifyForm
from .models import ChecklistItem, CompanionLink, Journey, Person, StepKind
from .pdf import itinerary_pdf, letter_pdf, verification_url
from .selectors import (
    companion_link_by_token,
    current_letter,
    journey_by_feed_token,
    journey_fit_date,
    journey_visa,
    journey_with_parts,
    journeys_visible_to,
    override_in_effect,
    partner_journeys,
    step_views,
)
from .services import (
    LetterInput,
    checklist_check,
    checklist_upload,
    companion_link_create,
    companion_link_revoke,
    feed_create,
    feed_revoke,
    letter_code_normalise,
    letter_issue,
    letter_lookup,
    passport_number,
    passport_save,
    step_confirm_dates,
    step_move,
    step_record_happened,
)

READERS = ("journeys.view_own_journey", "journeys.plan_journeys", "journeys.host_journeys")


def _require_reader(request: HtmxRequest, action: str) -> None:
    if not any(has_perm(request.user, p) for p in READERS):
        deny(request.user, action, reason="role")
        raise PermissionDenied


def _journey(request: HtmxRequest, journey_id: Any, action: str = "journey.view") -> Journey:
    _require_reader(request, action)
    return get_visible_or_404(
        journey_with_parts(journeys_visible_to(request.user)), request.user, action, public_id=journey_id
    )


def _refuse(request: HtmxRequest, action: str, journey: Journey, reason: str) -> None:
    deny(request.user, action, obj=journey, patient=journey.case.patient, reason=reason)
    raise PermissionDenied


def _signed_in(view: Any) -> Any:
    """Journeys serve several roles: sign-in is required, visibility decides the rest."""

    def wrapped(request: HtmxRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _back(journey: Journey, user: Any) -> tuple[str, str]:
    if perms.can_edit_journey(user, journey):
        return reverse("cases:detail", args=[journey.case.reference]), journey.case.reference
    if perms.can_enter_passports(user, journey):
        return reverse("cases:my_case", args=[journey.case.reference]), journey.case.reference
    return reverse("journeys:partner_list"), _("Journeys")


def _context(request: HtmxRequest, journey: Journey, **extra: Any) -> dict[str, Any]:
    user = request.user
    steps = step_views(journey)
    editor = perms.can_edit_journey(user, journey)
    letter = current_letter(journey)
    back_url, back_label = _back(journey, user)
    move_forms = extra.pop("move_forms", {})
    context = {
        "journey": journey,
        "steps": steps,
        "editor": editor,
        "patient_view": perms.can_enter_passports(user, journey),
        "host": perms.can_issue_letter(user, journey),
        "show_documents": perms.can_read_checklist_documents(user, journey),
        "fit_date": journey_fit_date(journey),
        "override": override_in_effect(journey),
        "letter": letter,
        "letters": list(journey.letters.all()),
        "passports": list(journey.passports.all()),
        "checklist": list(journey.checklist.all()),
        "visa": journey_visa(journey),
        "move_forms": {
            s.step.pk: move_forms.get(s.step.pk)
            or StepMoveForm(initial={"day": s.step.day, "time": s.step.time}, prefix=f"s{s.step.pk}")
            for s in steps
        }
        if editor
        else {},
        "confirmable": {s.step.pk for s in steps if perms.can_confirm_step(user, s.step)},
        "recordable": {s.step.pk for s in steps if perms.can_record_step(user, s.step)},
        "uploadable": {i.pk for i in journey.checklist.all() if perms.can_upload_checklist(user, i)},
        "checkable": {i.pk for i in journey.checklist.all() if perms.can_check_checklist(user, i)},
        "sharing": perms.can_manage_sharing(user, journey),
        "companion_links": list(journey.companion_links.filter(revoked_at__isnull=True)),
        "letter_form": extra.pop("letter_form", None)
        or LetterForm(
            initial={"signatory_name": letter.signatory_name, "signatory_title": letter.signatory_title}
            if letter
            else None
        ),
        "passport_form": extra.pop("passport_form", None) or PassportForm(initial={"person": Person.PATIENT}),
        "companion_form": extra.pop("companion_form", None) or CompanionForm(),
        "upload_form": ChecklistUploadForm(),
        "back_url": back_url,
        "back_label": back_label,
        "verify_url": verification_url(letter.code) if letter else "",
    }
    context.update(extra)
    return context


def _render(request: HtmxRequest, journey: Journey, status: int = 200, **extra: Any) -> HttpResponse:
    context = _context(request, journey, **extra)
    if request.htmx and request.method == "POST":
        return render(request, "journeys/partials/steps.html", context, status=status)
    return render(request, "journeys/detail.html", context, status=status)


@never_cache
@require_GET
@_signed_in
def for_case(request: HtmxRequest, reference: str) -> HttpResponse:
    _require_reader(request, "journey.view")
    journey = get_visible_or_404(
        journeys_visible_to(request.user), request.user, "journey.view", case__reference=reference
    )
    return redirect("journeys:detail", journey.public_id)


def _step(journey: Any, step_id: str) -> Any:
    """The journey's step with this public id (404 otherwise), from the steps already loaded."""
    step = next((s for s in journey.steps.all() if str(s.public_id) == str(step_id)), None)
    if step is None:
        raise Http404
    return step


@never_cache
@require_GET
@_signed_in
def detail(request: HtmxRequest, journey_id: str) -> HttpResponse:
    journey = _journey(request, journey_id)
    audit_record(actor=request.user, action="journey.view", obj=journey, patient=journey.case.patient)
    return _render(request, journey)


@require_POST
@_signed_in
def move(request: HtmxRequest, journey_id: str, step_id: str) -> HttpResponse:
    journey = _journey(request, journey_id, "journey.step_move")
    step = _step(journey, step_id)
    if not perms.can_edit_journey(request.user, journey):
        _refuse(request, "journey.step_move", journey, "not on the case team")
    form = StepMoveForm(request.POST, prefix=f"s{step.pk}")
    if form.is_valid():
        try:
            plan = step_move(
                step=step,
                day=form.cleaned_data["day"],
                time=form.cleaned_data["time"],
                actor=signed_in(request),
                override_reason=form.cleaned_data["override_reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            journey = _journey(request, journey_id, "journey.step_move")
            moved = [str(StepKind(s.kind).label) for s in plan.moved]
            text = _("“%(step)s” moved to %(d)s.") % {"step": StepKind(step.kind).label, "d": day_text(plan.day)}
            if moved:
                text += " " + _("Also moved by the same number of days: %(s)s.") % {"s": ", ".join(moved)}
            return _render(request, journey, moved_note=text, moved_kinds={s.kind for s in plan.moved})
    return _render(request, journey, status=422, move_forms={step.pk: form}, error_step=step.pk)


@require_POST
@_signed_in
def confirm(request: HtmxRequest, journey_id: str, step_id: str) -> HttpResponse:
    journey = _journey(request, journey_id, "journey.confirm_dates")
    step = _step(journey, step_id)
    if not perms.can_confirm_step(request.user, step):
        _refuse(request, "journey.confirm_dates", journey, "not the hospital's desk")
    step_confirm_dates(step=step, actor=signed_in(request))
    messages.success(
        request, _("Date confirmed: %(s)s on %(d)s.") % {"s": StepKind(step.kind).label, "d": day_text(step.day)}
    )
    return redirect("journeys:detail", journey.public_id)


@require_POST
@_signed_in
def record(request: HtmxRequest, journey_id: str, step_id: str) -> HttpResponse:
    journey = _journey(request, journey_id, "journey.step_done")
    step = _step(journey, step_id)
    if not perms.can_record_step(request.user, step):
        _refuse(request, "journey.step_done", journey, "not allowed to record this step")
    try:
        step_record_happened(step=step, actor=signed_in(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Recorded: %(s)s.") % {"s": StepKind(step.kind).label})
    return redirect("journeys:detail", journey.public_id)


@require_POST
@_signed_in
def passport(request: HtmxRequest, journey_id: str) -> HttpResponse:
    journey = _journey(request, journey_id, "passport.save")
    if not perms.can_enter_passports(request.user, journey):
        _refuse(request, "passport.save", journey, "not the patient")
    form = PassportForm(request.POST)
    if form.is_valid():
        try:
            passport_save(journey=journey, actor=signed_in(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Passport saved (stored encrypted)."))
            return redirect(reverse("journeys:detail", args=[journey.public_id]) + "#passports")
    return _render(request, journey, status=422, passport_form=form)


@require_POST
@_signed_in
def letter(request: HtmxRequest, journey_id: str) -> HttpResponse:
    journey = _journey(request, journey_id, "letter.issue")
    if not perms.can_issue_letter(request.user, journey):
        _refuse(request, "letter.issue", journey, "not the hospital's desk")
    form = LetterForm(request.POST)
    if form.is_valid():
        hospital = partner_hospital(request.user)
        try:
            issued = letter_issue(
                journey=journey,
                actor=signed_in(request),
                data=LetterInput(**form.cleaned_data),
                hospital_id=hospital.pk if hospital else None,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Invitation letter issued: code %(c)s.") % {"c": issued.code})
            return redirect(reverse("journeys:detail", args=[journey.public_id]) + "#letter")
    return _render(request, journey, status=422, letter_form=form)


def _attachment(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@require_GET
@_signed_in
def letter_download(request: HtmxRequest, journey_id: str) -> HttpResponse:
    journey = _journey(request, journey_id, "letter.read")
    current = current_letter(journey)
    if current is None:
        raise Http404
    passports = {p.person: p for p in journey.passports.all()}
    rows = []
    for person in [Person.PATIENT, *[a["person"] for a in current.attendants]]:
        p = passports.get(person)
        if p is not None:
            rows.append((str(Person(person).label), p.full_name, passport_number(p)))
    audit_record(actor=request.user, action="letter.read", obj=current, patient=journey.case.patient)
    return _attachment(letter_pdf(current, passports=rows), "application/pdf", f"invitation-{current.code}.pdf")


def _step_rows(journey: Journey) -> list[tuple[str, str, str, str]]:
    rows = []
    for view in step_views(journey):
        s = view.step
        local = day_text(s.day) + (f" {s.time:%H:%M}" if s.time else "") + f" ({s.tz})"
        other = f"{view.other:%Y-%m-%d %H:%M} ({view.other_tz})" if view.other else "—"
        rows.append((str(StepKind(s.kind).label), local, other, s.who_books))
    return rows


@never_cache
@require_GET
@_signed_in
def itinerary_download(request: HtmxRequest, journey_id: str) -> HttpResponse:
    journey = _journey(request, journey_id)
    audit_record(actor=request.user, action="journey.pdf", obj=journey, patient=journey.case.patient)
    data = itinerary_pdf(journey, _step_rows(journey), fit_date=day_text(journey_fit_date(journey)))
    return _attachment(data, "application/pdf", f"journey-{journey.code}.pdf")


@never_cache
@require_GET
@_signed_in
def calendar_download(request: HtmxRequest, journey_id: str) -> HttpResponse:
    journey = _journey(request, journey_id)
    audit_record(actor=request.user, action="journey.ics", obj=journey, patient=journey.case.patient)
    return _attachment(journey_ics(journey), "text/calendar; charset=utf-8", f"journey-{journey.code}.ics")


@never_cache
@require_GET
def calendar_feed(request: HtmxRequest, token: str) -> HttpResponse:
    """The private subscription address: the token is the key; a revoked or unknown one is 404."""
    journey = journey_by_feed_token(token)
    if journey is None:
        raise Http404
    audit_record(actor=None, action="journey.feed_read", obj=journey, patient=journey.case.patient)
    response = HttpResponse(journey_ics(journey), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store, private"
    return response


@require_POST
@_signed_in
def feed(request: HtmxRequest, journey_id: str) -> HttpResponse:
    journey = _journey(request, journey_id, "journey.feed")
    if not perms.can_manage_sharing(request.user, journey):
        _refuse(request, "journey.feed", journey, "not the patient")
    if request.POST.get("action") == "revoke":
        feed_revoke(journey=journey, actor=signed_in(request))
        messages.success(request, _("The subscription address no longer works."))
        return redirect(reverse("journeys:detail", args=[journey.public_id]) + "#sharing")
    token = feed_create(journey=journey, actor=signed_in(request))
    url = request.build_absolute_uri(reverse("journeys:feed_public", args=[token]))
    journey = _journey(request, journey_id)
    return _render(request, journey, new_feed_url=url)


@require_POST
@_signed_in
def companion(request: HtmxRequest, journey_id: str) -> HttpResponse:
    journey = _journey(request, journey_id, "journey.companion_link")
    if not perms.can_manage_sharing(request.user, journey):
        _refuse(request, "journey.companion_link", journey, "not the patient")
    revoke = request.POST.get("revoke")
    if revoke:
        link = CompanionLink.objects.filter(journey=journey, public_id=revoke).first() if _uuid(revoke) else None
        if link is None:
            raise Http404
        companion_link_revoke(link=link, actor=signed_in(request))
        messages.success(request, _("The link for %(n)s no longer works.") % {"n": link.name})
        return redirect(reverse("journeys:detail", args=[journey.public_id]) + "#sharing")
    form = CompanionForm(request.POST)
    if form.is_valid():
        try:
            _link, token = companion_link_create(
                journey=journey, name=form.cleaned_data["name"], actor=signed_in(request)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            url = request.build_absolute_uri(reverse("journeys:shared", args=[token]))
            journey = _journey(request, journey_id)
            return _render(request, journey, new_companion_url=url)
    return _render(request, journey, status=422, companion_form=form)


def _uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@never_cache
@require_GET
def shared(request: HtmxRequest, token: str) -> HttpResponse:
    """The companion's read-only itinerary: steps, hospital, emergency numbers; no documents,
    no passports, no letter, no checklist."""
    link = companion_link_by_token(token)
    if link is None:
        raise Http404
    journey = journey_with_parts(Journey.objects.filter(pk=link.journey_id).select_related("hospital")).get()
    audit_record(actor=None, action="journey.companion_view", obj=journey, patient=journey.case.patient)
    return render(
        request,
        "journeys/shared.html",
        {"journey": journey, "steps": step_views(journey), "fit_date": journey_fit_date(journey), "link": link},
    )


def _item(request: HtmxRequest, journey: Journey, item_id: str) -> ChecklistItem:
    item = next((i for i in journey.checklist.all() if str(i.public_id) == str(item_id)), None)
    if item is None:
        raise Http404
    return item


@require_POST
@_signed_in
def upload(request: HtmxRequest, journey_id: str, item_id: str) -> HttpResponse:
    journey = _journey(request, journey_id, "checklist.upload")
    item = _item(request, journey, item_id)
    if not perms.can_upload_checklist(request.user, item):
        _refuse(request, "checklist.upload", journey, "not the patient or the case team")
    rate_limit_hit(scope="upload", identity=request_identity(request))
    form = ChecklistUploadForm(request.POST, request.FILES)
    if form.is_valid():
        checklist_upload(item=item, upload=form.cleaned_data["document"][0], actor=signed_in(request))
        messages.success(request, _("Uploaded: %(i)s.") % {"i": item.get_kind_display()})
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.get("document", [])))
    return redirect(reverse("journeys:detail", args=[journey.public_id]) + "#checklist")


@require_POST
@_signed_in
def check(request: HtmxRequest, journey_id: str, item_id: str) -> HttpResponse:
    journey = _journey(request, journey_id, "checklist.check")
    item = _item(request, journey, item_id)
    if not perms.can_check_checklist(request.user, item):
        _refuse(request, "checklist.check", journey, "not on the case team")
    try:
        checklist_check(item=item, actor=signed_in(request), checked=request.POST.get("checked", "1") == "1")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("journeys:detail", args=[journey.public_id]) + "#checklist")


@never_cache
@require_perm("journeys.host_journeys")
def partner_list(request: HtmxRequest) -> HttpResponse:
    page = Paginator(partner_journeys(request.user), 25).get_page(request.GET.get("page"))
    audit_record_many(actor=request.user, action="journey.list", rows=[(j, j.case.patient) for j in page])
    return render(request, "journeys/partner_list.html", {"page": page})


# --- Public verification of a letter -------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def verify_form(request: HtmxRequest) -> HttpResponse:
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = letter_code_normalise(form.cleaned_data["code"]) or form.cleaned_data["code"].strip()[:24]
        return redirect("verify", code=code or "none")
    return render(request, "journeys/verify.html", {"form": form})


@never_cache
@require_GET
def verify(request: HtmxRequest, code: str) -> HttpResponse:
    """What a consular officer sees: issuing hospital, letter date, patient initials, passport's
    last 3 characters, validity and revocation. Nothing else. Wrong codes answer "not found" and
    are rate-limited per client address."""
    found = letter_lookup(code)
    if found is None:
        rate_limit_hit(scope="letter_verify_miss", identity=request_identity(request))
        return render(
            request,
            "journeys/verify.html",
            {"form": VerifyForm(initial={"code": code[:24]}), "missing": True},
            status=404,
        )
    return render(
        request, "journeys/verify.html", {"form": VerifyForm(), "found": found, "today": timezone.localdate()}
    )
