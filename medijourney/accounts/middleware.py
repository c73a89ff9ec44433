from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from .twofactor import has_confirmed_device, second_factor_done, second_factor_required

_ALWAYS_ALLOWED = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/i18n/", "/healthz")


class TwoFactorRequiredMiddleware:
    """A staff member signed in with a password but without the second factor reaches only the
    two-factor pages and sign-out. Pages redirect there; the JSON API answers 403. Bearer-token
    API calls are not session sign-ins and pass through (tokens are issued from a verified session)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and second_factor_required(user)
            and not second_factor_done(user)
            and not request.path.startswith(_ALWAYS_ALLOWED)
            and not request.headers.get("Authorization", "").startswith("Bearer ")
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Two-step verification is required: finish signing in on the site.", "errors": []},
                    status=403,
                )
            target = "accounts:2fa_verify" if has_confirmed_device(user) else "accounts:2fa_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)
