from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from .twofactor import has_confirmed_device, second_factor_done, second_factor_required

_ALWAYS_ALLOWED = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/i18n/", "/healthz", "/readyz", "/livez")


class TwoFactorRequiredMiddleware:
    """A staff member signed in with a password but without the second factor reaches only the
    two-factor pages and sign-out, whatever headers the request carries: pages redirect there,
    the JSON API answers 403. A bearer-token call carries no session (``request.user`` here is
    the session's person), so it is not affected; a request is token-authenticated only when the
    API's token check accepted a valid token, never because of what a header looks like."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and second_factor_required(user)
            and not second_factor_done(user)
            and not request.path.startswith(_ALWAYS_ALLOWED)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Two-step verification is required: finish signing in on the site.", "errors": []},
                    status=403,
                )
            target = "accounts:2fa_verify" if has_confirmed_device(user) else "accounts:2fa_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def interface_language(tag: str | None) -> str | None:
    """The interface language for a BCP 47 tag (``ar-EG`` → ``ar``), or None if not offered."""
    base = (tag or "").split("-")[0].lower()
    return base if base in dict(settings.LANGUAGES) else None


class AccountLanguageMiddleware:
    """A signed-in person sees the language remembered on their account (``preferred_language``,
    set by the switcher) on any device; the cookie, set by the switcher too, decides for visitors
    and wins when present; without either, ``LocaleMiddleware`` took the browser's
    ``Accept-Language``. Runs after authentication."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and (lang := interface_language(getattr(user, "preferred_language", None)))
        ):
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        return self.get_response(request)
