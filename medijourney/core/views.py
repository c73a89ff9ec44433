import sys
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import check_database, check_task_queue
from .middleware import DATABASE_DOWN_ERRORS, database_unavailable_response


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "core/landing.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": check_database()}
    if checks["database"]["status"] == "ok":
        checks["task_queue"] = check_task_queue()
    else:
        checks["task_queue"] = {"status": "skipped", "reason": "the queue lives in the database"}
    failing = [name for name, c in checks.items() if c["status"] == "fail"]
    body: dict[str, Any] = {"status": "fail" if failing else "ok", "checks": checks}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)


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
