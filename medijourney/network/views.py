"""Network pages.

* Public (anyone, signed in or not): hospital list and profile, countries. They show only the
  network (``selectors.hospitals_in_network``): a suspended hospital or one whose accreditation
  has ended answers 404 on every patient-facing route.
* The quality lead (and operator): the verification queue, decisions, suspension, all hospitals.
* A partner user: its own hospital; every edit becomes a pending change or an unverified
  submission for the quality lead.
"""

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from medijourney.accounts.access import AuthenticatedRequest
from medijourney.catalog.forms import PassportForm
from medijourney.catalog.models import Country, Procedure, Specialty
from medijourney.catalog.selectors import (
    country_get,
    fx_convert,
    reference_prices_in_country,
    visa_requirement,
)
from medijourney.catalog.views import remembered_passport
from medijourney.core.http import HtmxRequest
from medijourney.core.uploads import KINDS
from medijourney.privacy.access import deny, get_visible_or_404, require_perm
from medijourney.privacy.services import audit_record
from medijourney.privacy.vault import VaultError, vault_attachment_response

from . import services
from .forms import (
    AccreditationSubmitForm,
    DecisionForm,
    DoctorChangeForm,
    HospitalFilterForm,
    LicenceSubmitForm,
    OfferChangeForm,
    ProfileChangeForm,
    ReinstateForm,
    StaffHospitalFilterForm,
    SuspendForm,
)
from .models import Hospital, PendingChange
from .offer_items import OFFER_ITEMS
from .permissions import can_view_evidence
from .sections import profile_sections
from .selectors import (
    accreditations_visible_to,
    changes_visible_to,
    countries_in_network,
    doctors_visible_to,
    expiring_items,
    hospital_profile,
    hospitals_in_network,
    hospitals_search,
    hospitals_visible_to,
    licences_visible_to,
    offers_visible_to,
    partner_hospital,
    pending_accreditations,
    pending_changes,
    pending_licences,
    price_missing_of,
    staff_hospitals,
)

PAGE_SIZE = 20


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- Public pages ---------------------------------------------------------------------------------


def hospital_list(request: HtmxRequest) -> HttpResponse:
    form = HospitalFilterForm(request.GET or None, countries=countries_in_network())
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    page = Paginator(hospitals_search(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": _query_without_page(request), "filters": filters}
    template = "network/partials/hospital_results.html" if request.htmx else "network/hospital_list.html"
    return render(request, template, context)


def hospital_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    hospital = get_visible_or_404(
        hospital_profile(public_id), request.user, "network.view_hospital", public_id=public_id
    )
    return render(request, "network/hospital_detail.html", _profile_context(hospital))


def _profile_context(hospital: Hospital) -> dict[str, Any]:
    today = timezone.localdate()
    accreditations = list(hospital.accreditations.all())
    return {
        "hospital": hospital,
        "accreditations": accreditations,
        "qualifying": [a for a in accreditations if a.qualifies_on(today)],
        "doctors": list(hospital.doctors.all()),
        "offers": [(offer, price_missing_of(offer)) for offer in hospital.offers.all()],
        "offer_items": OFFER_ITEMS,
        "today": today,
        "sections": profile_sections(hospital),  # later apps' sections (aftercare: outcome figures)
    }


def country_list(request: HttpRequest) -> HttpResponse:
    counts = dict(
        hospitals_in_network().order_by().values("country_id").annotate(n=Count("id")).values_list("country_id", "n")
    )
    countries = Country.objects.filter(is_destination=True).order_by("name")
    return render(
        request,
        "network/country_list.html",
        {"countries": [(c, counts.get(c.code, 0)) for c in countries]},
    )


def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    country = country_get(code)
    if country is None:
        raise Http404
    passport = remembered_passport(request)
    visa = visa_requirement(passport, country.code) if passport else None
    hospitals = hospitals_search(country=country.code)
    fx = None
    if country.currency_id and country.currency_id != "USD":
        converted = fx_convert(Decimal(1000), "USD", country.currency_id)
        fx = {"currency": country.currency_id, "amount": converted[0] if converted else None,
              "date": converted[1] if converted else None}  # fmt: skip
    return render(
        request,
        "network/country_detail.html",
        {
            "country": country,
            "passport": passport,
            "passport_country": country_get(passport) if passport else None,
            "passport_form": PassportForm(initial={"passport": passport}),
            "visa": visa,
            "hospital_count": hospitals.count(),
            "hospitals": hospitals[:12],
            "prices": reference_prices_in_country(country.code),
            "fx": fx,
        },
    )


# --- Quality lead ------------------------------------------------------------------------------------


QUEUE_PAGE_SIZE = 15
CHANGE_FIELD_LABELS = {
    "website": gettext_lazy("Website"),
    "about": gettext_lazy("About"),
    "languages": gettext_lazy("Languages"),
    "specialties": gettext_lazy("Specialties"),
    "intl_desk_name": gettext_lazy("International desk contact"),
    "intl_desk_email": gettext_lazy("International desk email"),
    "intl_desk_phone": gettext_lazy("International desk phone"),
    "full_name": gettext_lazy("Full name"),
    "qualifications": gettext_lazy("Qualifications"),
    "procedure": gettext_lazy("Procedure"),
    "currency": gettext_lazy("Currency"),
    "price_min": gettext_lazy("Lowest price"),
    "price_max": gettext_lazy("Highest price"),
    "inclusions": gettext_lazy("Included in the price"),
    "wait_days": gettext_lazy("Waiting time (days)"),
}


@require_perm("network.review_network")
def queue(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    items = expiring_items(today)
    accreditations = list(pending_accreditations()[:100])
    licences = list(pending_licences()[:100])
    groups = {
        "expired": sorted((i for i in items if i.threshold == 0), key=lambda i: -i.days_left),
        "within_30": [i for i in items if i.threshold == 30],
        "within_60": [i for i in items if i.threshold == 60],
    }
    query = request.GET.copy()
    pages = {}
    for key, group in groups.items():
        query.pop(f"{key}_page", None)
        pages[key] = Paginator(group, QUEUE_PAGE_SIZE).get_page(request.GET.get(f"{key}_page"))
    return render(
        request,
        "network/queue.html",
        {
            "changes": list(pending_changes()[:100]),
            "accreditations": accreditations,
            "licences": licences,
            "submission_count": len(accreditations) + len(licences),
            **pages,
            "query": query.urlencode(),
            "today": today,
        },
    )


def _decide(
    request: HttpRequest,
    *,
    obj: Any,
    template: str,
    context: dict[str, Any],
    apply: Any,
    allow_evidence: bool = True,
) -> HttpResponse:
    form = DecisionForm(request.POST or None, request.FILES or None, allow_evidence=allow_evidence)
    if request.method == "POST" and form.is_valid():
        try:
            apply(
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data.get("note", ""),
                evidence=form.cleaned_data.get("evidence"),
            )
        except services.DecisionError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("network:queue")
    return render(request, template, {**context, "form": form, "obj": obj})


@require_perm("network.review_network")
def accreditation_review(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    acc = get_visible_or_404(
        accreditations_visible_to(request.user), request.user, "network.review_accreditation", public_id=public_id
    )
    return _decide(
        request,
        obj=acc,
        template="network/review_accreditation.html",
        context={"acc": acc},
        apply=lambda **kw: services.accreditation_decide(accreditation=acc, actor=request.user, **kw),
    )


@require_perm("network.review_network")
def licence_review(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    lic = get_visible_or_404(
        licences_visible_to(request.user), request.user, "network.review_licence", public_id=public_id
    )
    return _decide(
        request,
        obj=lic,
        template="network/review_licence.html",
        context={"lic": lic},
        apply=lambda **kw: services.licence_decide(licence=lic, actor=request.user, **kw),
    )


@require_perm("network.review_network")
def change_review(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    change = get_visible_or_404(
        changes_visible_to(request.user), request.user, "network.review_change", public_id=public_id
    )

    def apply(*, decision: str, note: str, evidence: Any = None) -> None:
        services.change_decide(change=change, actor=request.user, decision=decision, note=note)

    return _decide(
        request,
        obj=change,
        template="network/review_change.html",
        context={
            "change": change,
            "current": _change_current(change),
            "proposed": _change_proposed(change),
            "offer_items": OFFER_ITEMS,
            "field_labels": CHANGE_FIELD_LABELS,
        },
        apply=apply,
        allow_evidence=False,
    )


def _change_proposed(change: PendingChange) -> dict[str, Any]:
    """The proposed values in words: specialties and the procedure by their names, not their ids."""
    shown = dict(change.payload)
    if shown.get("specialties"):
        ids = [str(i) for i in shown["specialties"]]
        names = dict(Specialty.objects.filter(id__in=ids).values_list("id", "name"))
        shown["specialties"] = [names.get(i, i) for i in ids]
    if shown.get("procedure"):
        slug = str(shown["procedure"])
        shown["procedure"] = Procedure.objects.filter(slug=slug).values_list("name", flat=True).first() or slug
    return shown


def _change_current(change: PendingChange) -> Any:
    """What the change would replace, for a side-by-side view."""
    if change.kind == PendingChange.Kind.PROFILE:
        return change.hospital
    if change.target_public_id:
        model_qs = change.hospital.doctors if change.kind == PendingChange.Kind.DOCTOR else change.hospital.offers
        return model_qs.filter(public_id=change.target_public_id).first()
    return None


@require_perm("network.review_network")
def staff_hospital_list(request: HttpRequest) -> HttpResponse:
    form = StaffHospitalFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    qs = staff_hospitals(request.user, **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    in_network = set(
        hospitals_in_network().filter(pk__in=[h.pk for h in page.object_list]).values_list("pk", flat=True)
    )
    return render(
        request,
        "network/staff_hospital_list.html",
        {"form": form, "page": page, "in_network": in_network, "query": _query_without_page(request)},
    )


@require_perm("network.review_network")
def staff_hospital_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    hospital = get_visible_or_404(
        hospital_profile(public_id, base=hospitals_visible_to(request.user)),
        request.user,
        "network.view_hospital_staff",
        public_id=public_id,
    )
    context = _profile_context(hospital)
    context.update(
        {
            "in_network": hospitals_in_network().filter(pk=hospital.pk).exists(),
            "suspend_form": SuspendForm(),
            "reinstate_form": ReinstateForm(),
            "changes": list(hospital.pending_changes.select_related("submitted_by").order_by("-created_at")[:20]),
            "members": list(hospital.memberships.select_related("user")),
        }
    )
    return render(request, "network/staff_hospital_detail.html", context)


@require_perm("network.review_network")
@require_POST
def hospital_suspend(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    hospital = get_visible_or_404(
        hospitals_visible_to(request.user), request.user, "network.suspend_hospital", public_id=public_id
    )
    form = SuspendForm(request.POST)
    if form.is_valid():
        try:
            services.hospital_suspend(hospital=hospital, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("The hospital is suspended and hidden from patients."))
        except services.DecisionError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Give the reason for the suspension."))
    return redirect("network:staff_hospital_detail", public_id=hospital.public_id)


@require_perm("network.review_network")
@require_POST
def hospital_reinstate(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    hospital = get_visible_or_404(
        hospitals_visible_to(request.user), request.user, "network.reinstate_hospital", public_id=public_id
    )
    form = ReinstateForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.hospital_reinstate(hospital=hospital, actor=request.user, note=note)
        messages.success(request, _("The hospital is reinstated."))
    except services.DecisionError as exc:
        messages.error(request, str(exc))
    return redirect("network:staff_hospital_detail", public_id=hospital.public_id)


def evidence_download(request: HttpRequest, kind: str, public_id: UUID) -> HttpResponse:
    """An evidence file: the quality lead, the operator and the hospital's own partner users."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    visible = {"accreditation": accreditations_visible_to, "licence": licences_visible_to}.get(kind)
    if visible is None:
        raise Http404
    action = f"network.view_{kind}_evidence"
    obj: Any = get_visible_or_404(visible(request.user), request.user, action, public_id=public_id)
    hospital = obj.hospital if kind == "accreditation" else obj.doctor.hospital
    if not can_view_evidence(request.user, hospital):
        deny(request.user, action, obj=obj, reason="not the hospital's desk")
        raise Http404
    if not obj.evidence_key:
        raise Http404
    extension = KINDS.get(obj.evidence_kind, ("", "bin"))[1]
    try:
        response = vault_attachment_response(obj.evidence_key, filename=f"evidence.{extension}", kind=obj.evidence_kind)
    except VaultError:
        raise Http404 from None
    audit_record(actor=request.user, action=f"network.{kind}_evidence.view", obj=obj)
    return response


# --- Partner pages -------------------------------------------------------------------------------------


def _own_hospital(request: HttpRequest, action: str) -> Hospital:
    hospital = partner_hospital(request.user)
    if hospital is None:
        deny(request.user, action, reason="no hospital membership")
        raise Http404
    return hospital


@require_perm("network.manage_own_hospital")
def my_hospital(request: HttpRequest) -> HttpResponse:
    hospital = partner_hospital(request.user)
    if hospital is None:
        return render(request, "network/my_hospital_none.html")
    profile = hospital_profile(hospital.public_id, base=Hospital.objects.all()).get()
    context = _profile_context(profile)
    context.update(
        {
            "in_network": hospitals_in_network().filter(pk=hospital.pk).exists(),
            "changes": list(changes_visible_to(request.user).order_by("-created_at")[:20]),
        }
    )
    return render(request, "network/my_hospital.html", context)


def _submit_change(
    request: AuthenticatedRequest,
    *,
    form: Any,
    hospital: Hospital,
    kind: str,
    target: Any,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        data = form.payload() if hasattr(form, "payload") else dict(form.cleaned_data)
        try:
            services.change_submit(
                hospital=hospital,
                actor=request.user,
                kind=kind,
                data=data,
                target_public_id=target.public_id if target else None,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(
                request, _("Sent to the network's quality lead. Nothing changes for patients until it is approved.")
            )
            return redirect("network:my_hospital")
    return render(request, template, {**context, "form": form, "hospital": hospital, "target": target})


@require_perm("network.manage_own_hospital")
def my_profile_edit(request: AuthenticatedRequest) -> HttpResponse:
    hospital = _own_hospital(request, "network.edit_profile")
    initial = {
        "website": hospital.website,
        "about": hospital.about,
        "languages": hospital.languages,
        "specialties": list(hospital.specialties.values_list("id", flat=True)),
        "intl_desk_name": hospital.intl_desk_name,
        "intl_desk_email": hospital.intl_desk_email,
        "intl_desk_phone": hospital.intl_desk_phone,
    }
    form = ProfileChangeForm(request.POST or None, initial=initial)
    return _submit_change(
        request, form=form, hospital=hospital, kind=PendingChange.Kind.PROFILE, target=None,
        template="network/my_form.html", context={"title": _("Propose profile changes")},
    )  # fmt: skip


@require_perm("network.manage_own_hospital")
def my_doctor_edit(request: AuthenticatedRequest, public_id: UUID | None = None) -> HttpResponse:
    hospital = _own_hospital(request, "network.edit_doctor")
    doctor = None
    initial: dict[str, Any] = {}
    if public_id is not None:
        doctor = get_visible_or_404(
            doctors_visible_to(request.user), request.user, "network.edit_doctor", public_id=public_id
        )
        initial = {
            "full_name": doctor.full_name,
            "qualifications": doctor.qualifications,
            "languages": doctor.languages,
            "specialties": list(doctor.specialties.values_list("id", flat=True)),
        }
    form = DoctorChangeForm(request.POST or None, initial=initial)
    return _submit_change(
        request, form=form, hospital=hospital, kind=PendingChange.Kind.DOCTOR, target=doctor,
        template="network/my_form.html", context={"title": _("Doctor")},
    )  # fmt: skip


@require_perm("network.manage_own_hospital")
def my_offer_edit(request: AuthenticatedRequest, public_id: UUID | None = None) -> HttpResponse:
    hospital = _own_hospital(request, "network.edit_offer")
    offer = None
    initial: dict[str, Any] = {"currency": "USD"}
    if public_id is not None:
        offer = get_visible_or_404(
            offers_visible_to(request.user), request.user, "network.edit_offer", public_id=public_id
        )
        initial = {
            "procedure": offer.procedure.slug,
            "currency": offer.currency,
            "price_min": offer.price_min,
            "price_max": offer.price_max,
            "inclusions": [k for k, v in (offer.inclusions or {}).items() if v],
            "wait_days": offer.wait_days,
        }
    form = OfferChangeForm(request.POST or None, initial=initial)
    return _submit_change(
        request, form=form, hospital=hospital, kind=PendingChange.Kind.OFFER, target=offer,
        template="network/my_form.html", context={"title": _("Offer")},
    )  # fmt: skip


@require_perm("network.manage_own_hospital")
def my_accreditation_new(request: AuthenticatedRequest) -> HttpResponse:
    hospital = _own_hospital(request, "network.submit_accreditation")
    form = AccreditationSubmitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.accreditation_submit(hospital=hospital, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Sent to the network's quality lead for verification."))
            return redirect("network:my_hospital")
    return render(
        request, "network/my_form.html", {"form": form, "hospital": hospital, "title": _("Add an accreditation")}
    )


@require_perm("network.manage_own_hospital")
def my_licence_new(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    hospital = _own_hospital(request, "network.submit_licence")
    doctor = get_visible_or_404(
        doctors_visible_to(request.user), request.user, "network.submit_licence", public_id=public_id
    )
    form = LicenceSubmitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.licence_submit(doctor=doctor, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Sent to the network's quality lead for verification."))
            return redirect("network:my_hospital")
    return render(
        request,
        "network/my_form.html",
        {"form": form, "hospital": hospital, "doctor": doctor, "title": _("Add a licence")},
    )
