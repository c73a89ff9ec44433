"""Review pages: the patient writes (verified by the case), everyone reads a hospital's reviews
with its outcome figures, the hospital's desk replies once, a quality lead redacts personal data."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from medijourney.core.forms import add_service_errors
from medijourney.network.models import Hospital
from medijourney.network.selectors import hospitals_in_network
from medijourney.privacy.access import deny, get_visible_or_404

from . import permissions as perms
from .forms import RedactForm, ReplyForm, ReviewForm
from .models import Review
from .rules import Group
from .selectors import follow_ups_visible_to, outcome_figures, public_reviews
from .services import ReviewInput, review_eligibility, review_redact, review_reply, review_submit
from .views import _require, _signed_in


@require_http_methods(["GET", "POST"])
@_signed_in
def review_write(request: HttpRequest, reference: str) -> HttpResponse:
    _require(request, "review.write", "aftercare.answer_check_ins")
    follow_up = get_visible_or_404(
        follow_ups_visible_to(request.user), request.user, "review.write", case__reference=reference
    )
    assert follow_up.case is not None
    case, hospital = follow_up.case, follow_up.hospital
    form = ReviewForm(request.POST or None)
    problem = None
    try:
        review_eligibility(case=case, actor=request.user, hospital=hospital)
    except ValidationError as exc:
        problem = " ".join(exc.messages)
    if request.method == "POST" and form.is_valid():
        try:
            review = review_submit(
                case=case, actor=request.user, hospital=hospital, data=ReviewInput(**form.cleaned_data)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Thank you: your review is published."))
            return redirect(f"{hospital_reviews_url(hospital)}#review-{review.public_id}")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "aftercare/review_write.html",
        {"form": form, "follow_up": follow_up, "case": case, "problem": problem},
        status=status,
    )


def hospital_reviews_url(hospital: Hospital) -> str:
    return reverse("aftercare:hospital_reviews", args=[hospital.public_id])


def _page(request: HttpRequest, hospital: Hospital, status: int = 200, **forms: Any) -> HttpResponse:
    reviews = list(public_reviews(hospital_id=hospital.pk)[:200])
    figures = outcome_figures(hospital_ids=[hospital.pk])
    context = {
        "hospital": hospital,
        "reviews": reviews,
        "figures": figures,
        "groups": dict(Group.choices),
        "reply_forms": forms.get("reply_forms", {}),
        "redact_forms": forms.get("redact_forms", {}),
        "can_reply": {r.pk: perms.can_reply_review(request.user, r) for r in reviews},
        "can_redact": bool(reviews) and perms.can_redact_review(request.user, reviews[0]),
    }
    return render(request, "aftercare/hospital_reviews.html", context, status=status)


@require_GET
def hospital_reviews(request: HttpRequest, public_id: str) -> HttpResponse:
    hospital = get_visible_or_404(hospitals_in_network(), request.user, "reviews.view", public_id=public_id)
    return _page(request, hospital)


def _review(request: HttpRequest, public_id: str) -> Review:
    return get_visible_or_404(public_reviews(), request.user, "review.view", public_id=public_id)


@require_POST
@_signed_in
def review_reply_view(request: HttpRequest, public_id: str) -> HttpResponse:
    review = _review(request, public_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            review_reply(review=review, actor=request.user, text=form.cleaned_data["reply"])
        except ValidationError as exc:
            if "hospital" in exc.message_dict:
                deny(request.user, "review.reply", obj=review, reason="other hospital")
                raise PermissionDenied(exc.message_dict["hospital"][0]) from None
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Reply published."))
            return redirect(f"{hospital_reviews_url(review.hospital)}#review-{review.public_id}")
    return _page(request, review.hospital, status=400, reply_forms={review.pk: form})


@require_POST
@_signed_in
def review_redact_view(request: HttpRequest, public_id: str) -> HttpResponse:
    review = _review(request, public_id)
    if not perms.can_redact_review(request.user, review):
        deny(request.user, "review.redact", obj=review, reason="role")
        raise PermissionDenied
    form = RedactForm(request.POST)
    if form.is_valid():
        try:
            review_redact(
                review=review, actor=request.user, phrases=form.phrase_list(), reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Personal data removed; the reason is recorded."))
            return redirect(f"{hospital_reviews_url(review.hospital)}#review-{review.public_id}")
    return _page(request, review.hospital, status=400, redact_forms={review.pk: form})
