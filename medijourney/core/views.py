import datetime
import sys
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.log import log_response
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import PROCESS_CHECKS, check_database, check_task_queue
from .languages import language_notes
from .middleware import DATABASE_DOWN_ERRORS, database_unavailable_response

# The text pages every health site needs (footer links). ``updated`` is the day the text last
# changed in a way a reader would care about: change it with the text.
TEXT_PAGES: dict[str, tuple[str, Any, datetime.date]] = {
    "privacy_notice": ("core/pages/privacy.html", _("Privacy"), datetime.date(2026, 12, 1)),
    "terms": ("core/pages/terms.html", _("Terms"), datetime.date(2026, 12, 1)),
    "about": ("core/pages/about.html", _("About"), datetime.date(2026, 12, 1)),
    "contact": ("core/pages/contact.html", _("Contact"), datetime.date(2026, 12, 1)),
    "reviews": ("core/pages/reviews.html", _("Reviews"), datetime.date(2026, 12, 1)),
}


def text_page_links() -> list[tuple[str, Any]]:
    """(URL name, label) of every text page, in footer order."""
    return [(name, label) for name, (_template, label, _updated) in TEXT_PAGES.items()]


@require_GET
def text_page(request: HttpRequest, page: str) -> HttpResponse:
    template, _label, updated = TEXT_PAGES[page]
    context = {
        "current_page": page,
        "last_updated": updated,
        "text_pages": text_page_links(),
        "demo_mode": settings.DEMO_MODE,
        "operator": settings.SITE_OPERATOR,
        "contact_email": settings.CONTACT_EMAIL,
        "privacy_url": reverse("privacy_notice"),
        "about_url": reverse("about"),
        "contact_url": reverse("contact"),
        "inquiry_url": reverse("cases:inquiry"),
        "my_cases_url": reverse("cases:my_cases"),
        "language_notes": language_notes(),
    }
    return render(request, template, context)


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "core/landing.html")


@never_cache
@require_GET
def livez(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers HTTP. It touches nothing (no database, no queue, no cache),
    so a load balancer or supervisor polling it never adds load or takes a busy process out."""
    return JsonResponse({"status": "ok", "check": "liveness"})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Readiness (``/readyz``, and ``/healthz`` as before): the database answers, the task
    queue (which lives in it) is read and this process has read its search indexes; 503 naming
    what fails, or what is still warming."""
    checks = {"database": check_database()}
    if checks["database"]["status"] == "ok":
        checks["task_queue"] = check_task_queue()
    else:
        checks["task_queue"] = {"status": "skipped", "reason": "the queue lives in the database"}
    for name, check in PROCESS_CHECKS.items():
        checks[name] = check()
    failing = [name for name, c in checks.items() if c["status"] in ("fail", "warming")]
    warming = bool(failing) and all(checks[name]["status"] == "warming" for name in failing)
    body: dict[str, Any] = {"status": "warming" if warming else "fail" if failing else "ok", "checks": checks}
    if failing:
        body["failing"] = failing
    response = JsonResponse(body, status=503 if failing else 200)
    if warming:
        # Expected for a second or so after every start: logged as information, not as a server error.
        response["Retry-After"] = "1"
        log_response("Warming up: %s", request.path, response=response, request=request, level="info")
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an unreachable database (raised in a middleware, before or after the view) is
    a 503 with Retry-After, like DatabaseUnavailableMiddleware answers for views; anything else is
    the plain 500 page."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_DOWN_ERRORS):
        return database_unavailable_response(request)
    return HttpResponse(render_to_string("500.html"), status=500, content_type="text/html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
