"""Interop pages: the discharge summary (the hospital writes and corrects it; the patient reads it in
plain words; the case team reads it), its versions, and the patient summary (IPS) download. Every
journey comes through ``journeys_visible_to`` (404 and an audited denial otherwise); every read is
audited."""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_deny
from django.views.decorators.http import require_GET, require_http_methods

from medijourney.cases.models import Case
from medijourney.cases.selectors import cases_visible_to
from medijourney.core.audit import audit_record_many
from medijourney.core.forms import add_service_errors
from medijourney.core.http import HtmxRequest
from medijourney.journeys.models import Journey
from medijourney.journeys.selectors import journeys_visible_to, partner_journeys
from medijourney.privacy.access import deny, get_visible_or_404, require_perm, signed_in
from medijourney.privacy.services import audit_record

from . import permissions as perms
from .forms import DischargeForm, DoctorLinkForm, DoctorReplyForm, HomeRecordForm, initial_from
from .ips import ips_json
from .models import DischargeSummary, DoctorLink, HomeRecord, LinkOutcome
from .selectors import current_summary, doctor_replies, ips_source, link_rows, procedures_of, summary_versions
from .services import (
    DEFAULT_DAYS,
    MAX_DAYS,
    discharge_summary_save,
    doctor_link_create,
    doctor_link_fetch,
    doctor_link_revoke,
    doctor_reply_send,
    home_record_import,
)
from .services.links import REFUSALS, b64url, link_digest


def _signed_in(view: Any) -> Any:
    """Several roles use these pages: sign-in is required, visibility and ``can_*`` decide the rest."""

    def wrapped(request: HtmxRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _journey(request: HtmxRequest, action: str, **lookup: Any) -> Journey:
    if not perms.may_read_summaries(request.user):
        deny(request.user, action, reason="role")
        raise PermissionDenied
    journey = get_visible_or_404(journeys_visible_to(request.user), request.user, action, **lookup)
    if not perms.can_read_discharge_summary(request.user, journey):
        deny(request.user, action, obj=journey, patient=journey.case.patient, reason="role")
        raise PermissionDenied
    return journey


@never_cache
@require_GET
@_signed_in
def for_case(request: HtmxRequest, reference: str) -> HttpResponse:
    journey = _journey(request, "discharge_summary.view", case__reference=reference)
    return redirect("interop:summary", journey.public_id)


@never_cache
@require_GET
@_signed_in
def summary(request: HtmxRequest, journey_id: str) -> HttpResponse:
    journey = _journey(request, "discharge_summary.view", public_id=journey_id)
    versions = summary_versions(journey)
    shown: DischargeSummary | None = versions[0] if versions else None
    asked = request.GET.get("version", "")
    if asked:
        shown = next((v for v in versions if str(v.version) == asked), None)
        if shown is None:
            raise Http404
    if shown is not None:
        audit_record(
            actor=request.user,
            action="discharge_summary.view",
            obj=shown,
            patient=journey.case.patient,
            detail={"version": shown.version},
        )
    user = request.user
    context = {
        "journey": journey,
        "shown": shown,
        "procedures": procedures_of(shown),
        "latest": versions[0] if versions else None,
        "versions": versions,
        "patient_view": journey.case.patient_id == user.pk,
        "writer": perms.can_write_discharge_summary(user, journey),
        "can_export": perms.can_export_ips(user, journey.case),
    }
    return render(request, "interop/summary.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@_signed_in
def write(request: HtmxRequest, journey_id: str) -> HttpResponse:
    journey = _journey(request, "discharge_summary.write", public_id=journey_id)
    if not perms.can_write_discharge_summary(request.user, journey):
        deny(
            request.user,
            "discharge_summary.write",
            obj=journey,
            patient=journey.case.patient,
            reason="not the hospital",
        )
        raise PermissionDenied
    latest = current_summary(journey)
    status = 200
    if request.method == "POST":
        form = DischargeForm(request.POST)
        if form.is_valid():
            try:
                saved = discharge_summary_save(journey=journey, data=form.to_input(), actor=signed_in(request))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Discharge summary saved (version %(v)d).") % {"v": saved.version})
                return redirect("interop:summary", journey.public_id)
        status = 422
    else:
        form = DischargeForm(initial=initial_from(latest))
    return render(request, "interop/write.html", {"journey": journey, "form": form, "latest": latest}, status=status)


@never_cache
@require_GET
@_signed_in
def ips_download(request: HtmxRequest, reference: str) -> HttpResponse:
    if not perms.may_export_ips(request.user):
        deny(request.user, "ips.export", reason="role")
        raise PermissionDenied
    case: Case = get_visible_or_404(cases_visible_to(request.user), request.user, "ips.export", reference=reference)
    if not perms.can_export_ips(request.user, case):
        deny(request.user, "ips.export", obj=case, patient=case.patient, reason="role")
        raise PermissionDenied
    body = ips_json(ips_source(case))
    audit_record(actor=request.user, action="ips.export", obj=case, patient=case.patient)
    response = HttpResponse(body, content_type="application/fhir+json")
    response["Content-Disposition"] = f'attachment; filename="patient-summary-{case.reference}.json"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_GET
@require_perm("interop.write_discharge_summaries")
def partner_list(request: HtmxRequest) -> HttpResponse:
    page = Paginator(partner_journeys(request.user), 20).get_page(request.GET.get("page"))
    journeys = list(page.object_list)
    latest = {s.journey_id: s for s in DischargeSummary.objects.filter(journey__in=journeys).order_by("version")}
    audit_record_many(actor=request.user, action="discharge_summary.list", rows=[(j, j.case.patient) for j in journeys])
    rows = [(j, latest.get(j.pk)) for j in journeys]
    return render(request, "interop/partner_list.html", {"page": page, "rows": rows})


@never_cache
@require_http_methods(["GET", "POST"])
@_signed_in
def home_record(request: HtmxRequest, reference: str) -> HttpResponse:
    if not perms.may_export_ips(request.user):
        deny(request.user, "home_record.view", reason="role")
        raise PermissionDenied
    case: Case = get_visible_or_404(
        cases_visible_to(request.user), request.user, "home_record.view", reference=reference
    )
    if not perms.can_read_home_records(request.user, case):
        deny(request.user, "home_record.view", obj=case, patient=case.patient, reason="role")
        raise PermissionDenied
    importer = perms.can_import_home_record(request.user, case)
    form = HomeRecordForm()
    status = 200
    if request.method == "POST":
        if not importer:
            deny(request.user, "home_record.import", obj=case, patient=case.patient, reason="not the patient")
            raise PermissionDenied
        form = HomeRecordForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                home_record_import(case=case, upload=form.cleaned_data["file"], actor=signed_in(request))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your patient summary was read: your case manager can see it."))
                return redirect("interop:home_record", case.reference)
        status = 422
    records = list(HomeRecord.objects.filter(case=case))
    audit_record_many(actor=request.user, action="home_record.view", rows=[(r, case.patient) for r in records])
    replies = doctor_replies(case) if perms.can_read_doctor_replies(request.user, case) else []
    audit_record_many(actor=request.user, action="doctor_reply.view", rows=[(r, case.patient) for r in replies])
    context = {"case": case, "records": records, "form": form, "importer": importer, "replies": replies}
    return render(request, "interop/home_record.html", context, status=status)


# --- Links for the home doctor ------------------------------------------------------------------


def _links_case(request: HtmxRequest, reference: str, action: str) -> Case:
    if not perms.may_export_ips(request.user):
        deny(request.user, action, reason="role")
        raise PermissionDenied
    case: Case = get_visible_or_404(cases_visible_to(request.user), request.user, action, reference=reference)
    if not perms.can_manage_doctor_links(request.user, case):
        deny(request.user, action, obj=case, patient=case.patient, reason="not the patient")
        raise PermissionDenied
    return case


@never_cache
@require_http_methods(["GET", "POST"])
@_signed_in
def links(request: HtmxRequest, reference: str) -> HttpResponse:
    case = _links_case(request, reference, "doctor_link.list")
    form = DoctorLinkForm(initial={"days": DEFAULT_DAYS})
    new_url = ""
    status = 200
    if request.method == "POST":
        form = DoctorLinkForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                made = doctor_link_create(
                    case=case,
                    source=ips_source(case),
                    label=d["label"],
                    days=d["days"] or DEFAULT_DAYS,
                    passcode=d["passcode"],
                    actor=signed_in(request),
                    with_pdf=bool(d["with_pdf"]),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                status = 422
            else:
                new_url = request.build_absolute_uri(made.path_and_fragment)
                form = DoctorLinkForm(initial={"days": DEFAULT_DAYS})
                status = 201
        else:
            status = 422
    rows = link_rows(case)
    audit_record(actor=request.user, action="doctor_link.list", obj=case, patient=case.patient)
    has_summary = Journey.objects.filter(case=case, discharge_summaries__isnull=False).exists()
    context = {
        "case": case,
        "form": form,
        "rows": rows,
        "new_url": new_url,
        "max_days": MAX_DAYS,
        "has_summary": has_summary,
    }
    return render(request, "interop/links.html", context, status=status)


@require_http_methods(["POST"])
@_signed_in
def link_revoke(request: HtmxRequest, reference: str, link_id: str) -> HttpResponse:
    case = _links_case(request, reference, "doctor_link.revoke")
    link = DoctorLink.objects.filter(case=case, public_id=link_id).first()
    if link is None:
        raise Http404
    doctor_link_revoke(link=link, actor=signed_in(request))
    messages.success(request, _("Link “%(l)s” revoked: it stops working at once.") % {"l": link.label})
    return redirect("interop:links", case.reference)


@never_cache
@require_GET
@xframe_options_deny
def viewer(request: HtmxRequest, token: str) -> HttpResponse:
    """The page the doctor opens. It holds nothing of the patient's: the content is fetched and
    decrypted by viewer.js with the key from the link's fragment."""
    link = DoctorLink.objects.filter(token_digest=link_digest(token)).only("passcode_hash", "reply_received").first()
    if link is None:
        raise Http404
    context = {
        "token": token,
        "needs_passcode": bool(link.passcode_hash),
        "reply_form": DoctorReplyForm(),
        "reply_sent": link.reply_received,
    }
    response = render(request, "interop/viewer.html", context)
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_http_methods(["POST"])
def viewer_content(request: HtmxRequest, token: str) -> JsonResponse:
    try:
        passcode = str(json.loads(request.body or b"{}").get("passcode") or "")
    except (ValueError, AttributeError):
        return JsonResponse({"detail": _("Malformed request."), "errors": []}, status=400)
    link, outcome = doctor_link_fetch(token=token, passcode=passcode)
    if link is None:
        return JsonResponse({"detail": _("This link does not exist."), "errors": []}, status=404)
    if outcome != LinkOutcome.SERVED:
        status = 401 if outcome == LinkOutcome.WRONG_PASSCODE else 410 if outcome != LinkOutcome.LOCKED else 429
        field = "passcode" if outcome in (LinkOutcome.WRONG_PASSCODE, LinkOutcome.LOCKED) else "link"
        message = str(REFUSALS[LinkOutcome(outcome)])
        return JsonResponse({"detail": message, "errors": [{"field": field, "message": message}]}, status=status)
    body = {"ciphertext": b64url(bytes(link.ciphertext)), "nonce": b64url(bytes(link.nonce))}
    response = JsonResponse(body)
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["POST"])
def viewer_reply(request: HtmxRequest, token: str) -> HttpResponse:
    form = DoctorReplyForm(request.POST)
    if not DoctorLink.objects.filter(token_digest=link_digest(token)).exists():
        raise Http404
    if form.is_valid():
        d = form.cleaned_data
        try:
            doctor_reply_send(
                token=token,
                passcode=d["passcode"],
                doctor_name=d["doctor_name"],
                registration_number=d["registration_number"],
                message=d["message"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return render(request, "interop/viewer_replied.html", {})
    context = {"token": token, "needs_passcode": True, "reply_form": form, "reply_sent": False, "reply_error": True}
    return render(request, "interop/viewer.html", context, status=422)
