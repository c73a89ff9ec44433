from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from medijourney.privacy.access import require_perm
from medijourney.privacy.services import DENIED, audit_record

from .forms import EmailAuthenticationForm
from .navigation import navigation_for, role_home_url
from .roles import Role
from .services import DEMO_PASSWORD, demo_email


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: EmailAuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)  # django.contrib.auth.login cycles the session id
        audit_record(actor=form.get_user(), action="auth.login")
        return response

    def form_invalid(self, form: EmailAuthenticationForm) -> HttpResponse:
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


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


def home(request: HttpRequest) -> HttpResponseRedirect:
    """Where a person lands after signing in: their role's home page."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    return redirect(role_home_url(request.user))


@require_perm("accounts.view_dashboard")
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/dashboard.html",
        {"role_label": Role(request.user.role).label, "shortcuts": navigation_for(request.user, "")},
    )
