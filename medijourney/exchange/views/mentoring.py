"""Tele-mentoring pages: programmes, sessions (shown in the viewer's own time zone, with an .ics
invitation), invitations, case presentations, recommendations, attendance, hours, certificates
and figures. Objects come through ``programmes_visible_to`` / ``sessions_visible_to`` /
``presentations_visible_to``; every refusal is audited."""

from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from medijourney.accounts.models import User
from medijourney.accounts.permissions import has_perm, holders_of
from medijourney.core.forms import add_service_errors
from medijourney.core.ratelimit import rate_limited
from medijourney.privacy.access import deny, get_visible_or_404
from medijourney.privacy.services import audit_record
from medijourney.privacy.vault import vault_attachment_response

from .. import permissions as perms
from ..clock import zone
from ..deidentify import presentation_preview
from ..documents import certificate_pdf, session_ics
from ..forms import (
    AttendanceForm,
    ClinicianProfileForm,
    InviteForm,
    PresentationForm,
    ProgrammeForm,
    RecommendationForm,
    SessionForm,
)
from ..models import Attendance, CasePresentation, ClinicianProfile, Programme, Session
from ..selectors import (
    participants,
    participation,
    participations,
    presentations_visible_to,
    programme_figures,
    programmes_visible_to,
    sessions_visible_to,
)
from ..services import (
    attendance_record,
    clinician_profile_save,
    invitation_accept,
    invitation_find,
    invitation_send,
    presentation_submit,
    programme_create,
    recommendation_add,
    session_schedule,
)

PAGE_SIZE = 25
MENTORING_PERMS = ("exchange.manage_programmes", "exchange.run_sessions", "exchange.join_programmes")


def _require_mentoring(request: HttpRequest, action: str) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not any(has_perm(request.user, p) for p in MENTORING_PERMS):
        deny(request.user, action, reason="role")
        raise PermissionDenied
    return None


def _user(request: HttpRequest) -> User:
    """The signed-in user, for code that runs only after the view's sign-in check."""
    assert isinstance(request.user, User), "behind a sign-in check"
    return request.user


def _programme(request: HttpRequest, public_id: Any, action: str) -> Programme:
    return get_visible_or_404(programmes_visible_to(request.user), request.user, action, public_id=public_id)


@never_cache
def programmes(request: HttpRequest) -> HttpResponse:
    if (refused := _require_mentoring(request, "programme.list")) is not None:
        return refused
    page = Paginator(programmes_visible_to(request.user).order_by("title", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "exchange/programmes.html", {"page": page, "can_create": perms.can_create_programme(request.user)}
    )


@never_cache
def programme_new(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not perms.can_create_programme(request.user):
        deny(request.user, "programme.create", reason="role")
        raise PermissionDenied
    hub = holders_of("exchange.run_sessions").order_by("full_name")
    form = ProgrammeForm(hub=hub)
    status = 200
    if request.method == "POST":
        form = ProgrammeForm(request.POST, hub=hub)
        if form.is_valid():
            d = form.cleaned_data
            try:
                p = programme_create(
                    actor=request.user, title=d["title"], specialty=d["specialty"], hub=list(d["hub"]),
                    time_zone=d["time_zone"], cadence=d["cadence"], description=d["description"],
                    certificate_threshold=d["certificate_threshold"], accreditation_provider=d["accreditation_provider"],
                    accreditation_number=d["accreditation_number"],
                )  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Programme created. Invite spoke clinicians and schedule sessions."))
                return redirect("exchange:programme", public_id=p.public_id)
        status = 422
    return render(request, "exchange/programme_new.html", {"form": form}, status=status)


def _programme_page(request: HttpRequest, p: Programme, status: int = 200, **forms: Any) -> HttpResponse:
    can_run = perms.can_run_programme(request.user, p)
    now = timezone.now()
    sessions = list(p.sessions.order_by("starts_at", "id"))
    mine = participation(p, _user(request)) if perms.can_join_programme(request.user) else None
    return render(
        request,
        "exchange/programme.html",
        {
            "p": p,
            "can_run": can_run,
            "sessions": sessions,
            "now": now,
            "mine": mine,
            "hub": list(p.hub.order_by("full_name")),
            "viewer_tz": zone(_user(request).time_zone).key,
            "participants": participations(p) if can_run else [],
            "invite_form": forms.get("invite_form") or InviteForm(),
            "session_form": forms.get("session_form") or SessionForm(),
        },
        status=status,
    )


@never_cache
def programme(request: HttpRequest, public_id: Any) -> HttpResponse:
    if (refused := _require_mentoring(request, "programme.view")) is not None:
        return refused
    p = _programme(request, public_id, "programme.view")
    return _programme_page(request, p)


def _runner(request: HttpRequest, public_id: Any, action: str) -> Programme:
    _require_mentoring(request, action)
    p = _programme(request, public_id, action)
    if not perms.can_run_programme(request.user, p):
        deny(request.user, action, obj=p, reason="not on the hub")
        raise PermissionDenied
    return p


@require_POST
def invite(request: HttpRequest, public_id: Any) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    p = _runner(request, public_id, "programme.invite")
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            sent = invitation_send(programme=p, emails=form.cleaned_data["emails"].split(), actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(n)d invitation(s) sent.") % {"n": len(sent)})
            return redirect("exchange:programme", public_id=p.public_id)
    return _programme_page(request, p, status=422, invite_form=form)


@require_POST
@rate_limited("upload")
def session_new(request: HttpRequest, public_id: Any) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    p = _runner(request, public_id, "session.schedule")
    form = SessionForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        starts: datetime | None = d["starts_at"]
        if starts is not None:  # typed in the programme's time zone
            starts = starts.replace(tzinfo=None).replace(tzinfo=zone(p.time_zone))
        try:
            session_schedule(
                programme=p, actor=request.user, starts_at=starts, duration_minutes=d["duration_minutes"] or 0,
                video_link=d["video_link"], didactic_title=d["didactic_title"],
                didactic_presenter=d["didactic_presenter"], slides=d["slides"],
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Session scheduled."))
            return redirect("exchange:programme", public_id=p.public_id)
    return _programme_page(request, p, status=422, session_form=form)


def _session(request: HttpRequest, public_id: Any, action: str) -> Session:
    return get_visible_or_404(sessions_visible_to(request.user), request.user, action, public_id=public_id)


def _session_page(request: HttpRequest, s: Session, status: int = 200, **forms: Any) -> HttpResponse:
    p = s.programme
    can_run = perms.can_run_programme(request.user, p)
    can_present = perms.can_present_at(request.user, s) and s.starts_at > timezone.now() - timedelta(
        minutes=s.duration_minutes
    )
    presentations = list(presentations_visible_to(request.user).filter(session=s).prefetch_related("recommendations"))
    audit_record(actor=request.user, action="session.view", obj=s)
    earlier = CasePresentation.objects.filter(presenter=_user(request)).exclude(session=s) if can_present else []
    return render(
        request,
        "exchange/session.html",
        {
            "s": s,
            "p": p,
            "can_run": can_run,
            "can_present": can_present,
            "presentations": presentations,
            "viewer_tz": zone(_user(request).time_zone).key,
            "started": s.starts_at <= timezone.now(),
            "attendance": list(Attendance.objects.filter(session=s).select_related("user").prefetch_related("changes")),
            "attendance_form": forms.get("attendance_form") or AttendanceForm(people=participants(p)),
            "presentation_form": forms.get("presentation_form") or PresentationForm(earlier=earlier),
            "preview": forms.get("preview"),
            "recommendation_forms": {pr.pk: forms.get(f"rec_{pr.pk}") or RecommendationForm() for pr in presentations},
        },
        status=status,
    )


@never_cache
def session(request: HttpRequest, public_id: Any) -> HttpResponse:
    if (refused := _require_mentoring(request, "session.view")) is not None:
        return refused
    return _session_page(request, _session(request, public_id, "session.view"))


def session_ics_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    if (refused := _require_mentoring(request, "session.ics")) is not None:
        return refused
    s = _session(request, public_id, "session.ics")
    response = HttpResponse(session_ics(s), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"session-{s.starts_at:%Y%m%d}.ics")
    return response


def slides(request: HttpRequest, public_id: Any) -> HttpResponse:
    if (refused := _require_mentoring(request, "session.slides")) is not None:
        return refused
    s = _session(request, public_id, "session.slides")
    if not s.slides_key:
        raise Http404
    audit_record(actor=request.user, action="session.slides", obj=s)
    return vault_attachment_response(s.slides_key, filename=s.slides_name, kind="pdf")


@require_POST
def attendance(request: HttpRequest, public_id: Any) -> HttpResponse:
    if (refused := _require_mentoring(request, "attendance.record")) is not None:
        return refused
    s = _session(request, public_id, "attendance.record")
    if not perms.can_run_programme(request.user, s.programme):
        deny(request.user, "attendance.record", obj=s, reason="not on the hub")
        raise PermissionDenied
    form = AttendanceForm(request.POST, people=participants(s.programme))
    if form.is_valid():
        d = form.cleaned_data
        try:
            attendance_record(
                session=s,
                user=d["user"],
                status=d["status"],
                minutes=d["minutes"],
                actor=_user(request),
                reason=d["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Attendance recorded for %(n)s.") % {"n": d["user"].get_full_name()})
            return redirect("exchange:session", public_id=s.public_id)
    return _session_page(request, s, status=422, attendance_form=form)


@require_POST
@rate_limited("presentation")
def present(request: HttpRequest, public_id: Any) -> HttpResponse:
    if (refused := _require_mentoring(request, "presentation.submit")) is not None:
        return refused
    s = _session(request, public_id, "presentation.submit")
    if not perms.can_present_at(request.user, s):
        deny(request.user, "presentation.submit", obj=s, reason="not a participant")
        raise PermissionDenied
    earlier = CasePresentation.objects.filter(presenter=_user(request)).exclude(session=s)
    form = PresentationForm(request.POST, earlier=earlier)
    preview = None
    if form.is_valid():
        d = form.cleaned_data
        follow = earlier.filter(public_id=d["follow_up_of"]).first() if d["follow_up_of"] else None
        preview = {k: presentation_preview(d[k]) for k in ("title", "summary", "question")}
        try:
            item = presentation_submit(
                session=s, presenter=_user(request), title=d["title"], summary=d["summary"], question=d["question"],
                follow_up_of=follow, confirmed=bool(d["confirmed"]),
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Case submitted for the session."))
            return redirect("exchange:presentation", public_id=item.public_id)
    return _session_page(request, s, status=422, presentation_form=form, preview=preview)


@require_POST
def recommend(request: HttpRequest, public_id: Any) -> HttpResponse:
    if (refused := _require_mentoring(request, "recommendation.add")) is not None:
        return refused
    pr = get_visible_or_404(
        presentations_visible_to(request.user), request.user, "recommendation.add", public_id=public_id
    )
    if not perms.can_run_programme(request.user, pr.session.programme):
        deny(request.user, "recommendation.add", obj=pr, reason="not on the hub")
        raise PermissionDenied
    form = RecommendationForm(request.POST)
    if form.is_valid():
        try:
            recommendation_add(presentation=pr, actor=_user(request), text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Recommendation recorded."))
            return redirect("exchange:session", public_id=pr.session.public_id)
    return _session_page(request, pr.session, status=422, **{f"rec_{pr.pk}": form})


@never_cache
def presentation(request: HttpRequest, public_id: Any) -> HttpResponse:
    if (refused := _require_mentoring(request, "presentation.view")) is not None:
        return refused
    pr = get_visible_or_404(
        presentations_visible_to(request.user), request.user, "presentation.view", public_id=public_id
    )
    audit_record(actor=request.user, action="presentation.view", obj=pr)
    return render(
        request, "exchange/presentation.html",
        {"pr": pr, "recommendations": list(pr.recommendations.all()), "follow_ups": list(pr.follow_ups.select_related("session"))},
    )  # fmt: skip


@never_cache
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    inv = invitation_find(token)
    if inv is None:
        return render(request, "exchange/invitation.html", {"invalid": True}, status=404)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    status = 200
    error = ""
    if request.method == "POST":
        try:
            m = invitation_accept(invitation=inv, user=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
            status = 422
        else:
            messages.success(request, _("Welcome to %(p)s.") % {"p": m.programme.title})
            if not ClinicianProfile.objects.filter(user=request.user).exists():
                return redirect("exchange:clinician_profile")
            return redirect("exchange:programme", public_id=m.programme.public_id)
    return render(request, "exchange/invitation.html", {"inv": inv, "error": error}, status=status)


@never_cache
def clinician_profile(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not perms.can_join_programme(request.user):
        deny(request.user, "clinician_profile.edit", reason="role")
        raise PermissionDenied
    current = ClinicianProfile.objects.filter(user=request.user).first()
    initial = {} if current is None else {
        "country": current.country, "facility": current.facility, "profession": current.profession,
        "licence_number": current.licence_number,
    }  # fmt: skip
    form = ClinicianProfileForm(initial=initial)
    status = 200
    if request.method == "POST":
        form = ClinicianProfileForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                clinician_profile_save(
                    user=request.user,
                    country=d["country"],
                    facility=d["facility"],
                    profession=d["profession"],
                    licence_number=d["licence_number"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Profile saved."))
                return redirect("exchange:programmes")
        status = 422
    return render(request, "exchange/clinician_profile.html", {"form": form}, status=status)


def certificate(request: HttpRequest, public_id: Any) -> HttpResponse:
    if (refused := _require_mentoring(request, "certificate.download")) is not None:
        return refused
    p = _programme(request, public_id, "certificate.download")
    if not perms.can_join_programme(request.user):
        deny(request.user, "certificate.download", obj=p, reason="not a participant")
        raise PermissionDenied
    mine = participation(p, _user(request))
    if not mine.eligible:
        return render(request, "exchange/no_certificate.html", {"p": p, "mine": mine}, status=409)
    accredited = (p.accreditation_provider, p.accreditation_number) if p.accredited else None
    audit_record(actor=request.user, action="certificate.download", obj=p)
    response = HttpResponse(certificate_pdf(mine, p.title, accredited), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, "participation-record.pdf")
    return response


@never_cache
def figures(request: HttpRequest, public_id: Any) -> HttpResponse:
    if (refused := _require_mentoring(request, "programme.figures")) is not None:
        return refused
    p = _programme(request, public_id, "programme.figures")
    if not perms.can_run_programme(request.user, p):
        deny(request.user, "programme.figures", obj=p, reason="not on the hub")
        raise PermissionDenied
    return render(request, "exchange/figures.html", {"p": p, "f": programme_figures(p), "now": timezone.now()})
