from typing import Any

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language
from django_otp.plugins.otp_totp.models import TOTPDevice

from medijourney.accounts.access import AuthenticatedRequest
from medijourney.core.audit import DENIED, audit_record
from medijourney.core.forms import add_service_errors
from medijourney.core.http import client_ip
from medijourney.core.ratelimit import RateLimitedError, rate_limit_hit, rate_limit_reserve, rate_limited

from .access import require_perm
from .forms import EmailAuthenticationForm, SecondFactorForm, SignupForm, SignupPasswordForm
from .lockout import login_normalize
from .models import User
from .navigation import navigation_for, role_home_url
from .permissions import has_perm
from .roles import Role
from .services import DEMO_PASSWORD, demo_email, signup_complete, signup_request
from .tokens import signup_token_read, signup_valid_for
from .twofactor import (
    has_confirmed_device,
    recovery_codes_left,
    recovery_codes_regenerate,
    second_factor_done,
    second_factor_required,
    second_factor_verify,
    totp_device_confirm,
    totp_device_start,
    totp_qr_svg,
)


@method_decorator(rate_limited("login"), name="post")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)  # django.contrib.auth.login cycles the session id
        audit_record(actor=form.get_user(), action="auth.login")
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        audit_record(actor=None, action="auth.login", outcome=DENIED, detail={"reason": "bad credentials"})
        return super().form_invalid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["demo_logins"] = [(r.label, demo_email(r)) for r in Role]
        ctx["demo_password"] = DEMO_PASSWORD
        return ctx


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            audit_record(actor=request.user, action="auth.logout")
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You are signed out."))
        return response


@method_decorator(rate_limited("password_reset"), name="post")
class PasswordResetView(auth_views.PasswordResetView):
    """Limited per client address (``password_reset``) and per email address however it is
    written (``password_reset_email``), so nobody can flood an inbox. The limit counts every
    address typed, known or not, so a 429 says nothing about whether an account exists."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        rate_limit_hit(scope="password_reset_email", identity=f"email:{login_normalize(form.cleaned_data['email'])}")
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """A patient account without an inquiry. Accepted requests are counted per client address and
    per email typed (a form with mistakes costs nothing); over the limit the page keeps what was
    typed. A new and a known address get the same answer (the email differs)."""
    if request.user.is_authenticated:
        return redirect("accounts:home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            rate_limit_reserve(scope="signup", identities=[f"ip:{client_ip(request) or 'unknown'}", f"email:{email}"])
        except RateLimitedError as exc:
            minutes = max(1, round(exc.retry_after / 60))
            limited = ngettext(
                "Several sign-ups came from here or for this address in the last hour. Nothing has been sent "
                "this time; what you typed is still below. Please try again in about %(n)d minute.",
                "Several sign-ups came from here or for this address in the last hour. Nothing has been sent "
                "this time; what you typed is still below. Please try again in about %(n)d minutes.",
                minutes,
            ) % {"n": minutes}
            response = render(request, "accounts/signup.html", {"form": form, "limited": limited}, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        language = (getattr(request, "LANGUAGE_CODE", "") or "en").split("-")[0]
        signup_request(email=email, full_name=form.cleaned_data["full_name"], preferred_language=language)
        request.session["signup_sent_to"] = email
        return redirect("accounts:signup_sent")
    status = 422 if request.method == "POST" else 200
    return render(request, "accounts/signup.html", {"form": form}, status=status)


@never_cache
def signup_sent(request: HttpRequest) -> HttpResponse:
    email = request.session.get("signup_sent_to")
    if not email:
        return redirect("accounts:signup")
    return render(request, "accounts/signup_sent.html", {"email": email, "days": signup_valid_for().days})


@never_cache
@require_http_methods(["GET", "POST"])
def signup_confirm(request: HttpRequest) -> HttpResponse:
    """The link from the sign-up email (``?token=…``: the query string stays out of the request
    log, and the token carries the address): choose a password and the account is created."""
    claim = signup_token_read(request.GET.get("token", ""))
    if claim is None:
        audit_record(actor=None, action="auth.signup.confirm", outcome=DENIED, detail={"reason": "bad or old link"})
        return render(request, "accounts/signup_link_invalid.html", {"days": signup_valid_for().days}, status=400)
    if User.objects.filter(email__iexact=claim.email).exists():
        return render(request, "accounts/signup_link_used.html", status=409)
    candidate = User(email=claim.email, full_name=claim.full_name)
    form = SignupPasswordForm(candidate, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = signup_complete(claim=claim, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            if "email" in getattr(exc, "error_dict", {}):
                return render(request, "accounts/signup_link_used.html", status=409)
            add_service_errors(form, exc)
        else:
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is ready. You can now save searches and send inquiries."))
            return redirect("accounts:home")
    status = 422 if request.method == "POST" else 200
    return render(request, "accounts/signup_confirm.html", {"form": form, "email": claim.email}, status=status)


def home(request: HttpRequest) -> HttpResponseRedirect:
    """Where a person lands after signing in: their role's home page."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    return redirect(role_home_url(request.user))


@require_perm("accounts.view_dashboard")
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "accounts/dashboard.html",
        {
            "role_label": Role(request.user.role).label,
            "shortcuts": navigation_for(request.user, ""),
            "admin_url": reverse("admin:index") if has_perm(request.user, "accounts.use_admin_site") else "",
        },
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("accounts:home")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    if not has_confirmed_device(request.user):
        return redirect(f"{reverse('accounts:2fa_setup')}?next={_next_url(request)}")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = second_factor_verify(user=request.user, token=form.cleaned_data["code"])
        if device is not None:
            django_otp.login(request, device)
            request.session.cycle_key()
            if recovery_codes_left(request.user) <= 3:
                messages.warning(request, _("You have few recovery codes left. Make new ones on your security page."))
            return redirect(_next_url(request))
        form.add_error("code", _("That code did not work. Codes change every 30 seconds and each works once."))
    return render(request, "accounts/2fa_verify.html", {"form": form, "next": _next_url(request)})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up (or replace) the authenticator app. Replacing one needs a verified session."""
    if has_confirmed_device(request.user) and not second_factor_done(request.user):
        return redirect(f"{reverse('accounts:2fa_verify')}?next={_next_url(request)}")
    device_id = request.session.get("pending_totp_device")
    device = TOTPDevice.objects.filter(pk=device_id, user=request.user, confirmed=False).first()
    if device is None:
        device = totp_device_start(user=request.user)
        request.session["pending_totp_device"] = device.pk
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = totp_device_confirm(user=request.user, device=device, token=form.cleaned_data["code"])
        if codes is not None:
            request.session.pop("pending_totp_device", None)
            django_otp.login(request, device)
            request.session.cycle_key()
            return render(request, "accounts/2fa_recovery_codes.html", {"codes": codes, "next": _next_url(request)})
        form.add_error("code", _("That code did not match. Check the time on your phone and try the newest code."))
    context = {"form": form, "qr_svg": totp_qr_svg(device), "secret": device.config_url.split("secret=")[1].split("&")[0],
               "next": _next_url(request)}  # fmt: skip
    return render(request, "accounts/2fa_setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def security(request: AuthenticatedRequest) -> HttpResponse:
    """The person's own security page: two-step status and new recovery codes."""
    if request.method == "POST":
        if second_factor_required(request.user) and not second_factor_done(request.user):
            return redirect("accounts:2fa_verify")
        if not has_confirmed_device(request.user):
            return redirect("accounts:2fa_setup")
        codes = recovery_codes_regenerate(user=request.user)
        return render(
            request, "accounts/2fa_recovery_codes.html", {"codes": codes, "next": reverse("accounts:security")}
        )
    context = {
        "has_device": has_confirmed_device(request.user),
        "required": second_factor_required(request.user),
        "codes_left": recovery_codes_left(request.user),
        "demo_skip": settings.DEMO_MODE and request.user.is_demo,
    }
    return render(request, "accounts/security.html", context)


def locked_out(
    request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes calls this after too many failed sign-ins for one email from one address."""
    audit_record(actor=None, action="auth.lockout", outcome=DENIED, detail={"reason": "too many failures"})
    response = render(request, "accounts/locked_out.html", status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME * 3600))
    return response


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The language switcher: Django's ``set_language`` (cookie, redirect back), and for a signed-in
    person the choice is also remembered on the account, so emails and other devices follow it."""
    from .middleware import interface_language
    from .services import user_language_set

    lang = interface_language(request.POST.get("language"))
    if lang is None or lang != request.POST.get("language"):
        # Not one of the offered languages (Django alone would set a cookie for any it ships).
        next_url = request.POST.get("next", "/")
        safe = url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})
        return HttpResponseRedirect(next_url if safe else "/")
    response = set_language(request)
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=lang)
    return response
