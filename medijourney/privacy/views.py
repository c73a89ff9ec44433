from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from medijourney.accounts.access import AuthenticatedRequest
from medijourney.core.ratelimit import rate_limited

from .access import get_visible_or_404, require_perm
from .forms import ErasureDecisionForm, ErasureRequestForm
from .models import ErasureRequest
from .permissions import can_decide_erasure
from .portability import export_filename
from .services import ErasureError, erasure_request_create, erasure_request_decide, patient_export


@require_perm("privacy.manage_own_data")
@require_http_methods(["GET", "POST"])
def my_data(request: AuthenticatedRequest) -> HttpResponse:
    form = ErasureRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        erasure_request_create(patient=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Your erasure request is with a lead, who will answer within 30 days."))
        return redirect("privacy:my_data")
    requests = ErasureRequest.objects.filter(patient=request.user).order_by("-requested_at")[:10]
    open_request = next((r for r in requests if r.status in ("requested", "approved")), None)
    return render(request, "privacy/my_data.html", {"form": form, "requests": requests, "open_request": open_request})


@require_perm("privacy.manage_own_data")
@require_POST
@rate_limited("export")
def my_data_export(request: AuthenticatedRequest) -> HttpResponse:
    data = patient_export(patient=request.user, actor=request.user)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(request.user)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_perm("privacy.decide_erasure")
def erasure_queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "requested")
    qs = ErasureRequest.objects.select_related("decided_by")
    if status in ErasureRequest.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("requested_at"), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "privacy/erasure_queue.html",
        {"page": page, "status": status, "statuses": ErasureRequest.Status.choices},
    )


@require_perm("privacy.decide_erasure")
@require_http_methods(["GET", "POST"])
def erasure_decide(request: HttpRequest, public_id: str) -> HttpResponse:
    erasure = get_visible_or_404(ErasureRequest.objects.all(), request.user, "erasure.view", public_id=public_id)
    form = ErasureDecisionForm(request.POST or None)
    can_decide = can_decide_erasure(request.user, erasure)
    if request.method == "POST" and not can_decide:
        messages.error(request, _("This request has already been decided."))
        return redirect("privacy:erasure_queue")
    if request.method == "POST" and form.is_valid():
        try:
            erasure_request_decide(
                request=erasure,
                actor=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except ErasureError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Decision recorded."))
        return redirect("privacy:erasure_queue")
    return render(request, "privacy/erasure_decide.html", {"erasure": erasure, "form": form, "can_decide": can_decide})
